"""Children's cases, the episodes schedules hang on, and the log of who looked at which case."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audits.choices import (
    AccessAction,
    ActionStatus,
    AuditStatus,
    CaseStatus,
    ConferenceDecision,
    DueSource,
    DueStatus,
    EpisodeKind,
    Grade,
    Judgement,
    ReminderStage,
)
from audits.querysets import AuditQuerySet
from qa_portal.models import BaseModel
from qa_portal.querysets import CaseQuerySet


class Case(BaseModel):
    """A child's case, as the case-management system knows it. Visible only to those in its scope."""

    reference = models.CharField(max_length=40, unique=True, help_text="The case-management system's reference.")
    child_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    ethnicity = models.CharField(max_length=100, blank=True)
    faith = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="cases")
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated_cases"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_cases",
        help_text="Independent chair of the child protection conferences.",
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_cases",
        verbose_name="IRO",
        help_text="Independent reviewing officer of the looked-after reviews.",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        # No model-wide view permission: it would reach every child. Access is granted per case.
        default_permissions = ("add", "change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="%(app_label)s_%(class)s_closed_on_matches_status",
                violation_error_message="A closed case has a closing date; an open case has none.",
            ),
        ]
        permissions = [("view_case", "Can view this case")]
        indexes = [models.Index(fields=["team", "status"], name="audits_case_team_status")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("audits:case_detail", kwargs={"pk": self.pk})


class Episode(BaseModel):
    """A period the child is open for (child in need, on a plan, looked after...): schedules start here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="episodes")
    kind = models.CharField(max_length=30, choices=EpisodeKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "start", "pk"]
        default_permissions = ("add", "change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="An episode cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["case", "kind", "start"],
                name="%(app_label)s_%(class)s_unique_start",
                violation_error_message="This case already has an episode of that kind starting that day.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "end"], name="audits_episode_kind_end")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end is None


class AccessLogEntry(models.Model):
    """Who looked at which child's case, and when. Written once, never changed (a trigger on PostgreSQL)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        verbose_name_plural = "access log entries"

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.case} at {self.at:%Y-%m-%d %H:%M}"


#
# Object permissions: direct foreign keys (fast joins at 1M cases)
#


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


#
# Recording: an audit is one carrying-out of a catalogue process, judged against its required outcomes
#


class Audit(BaseModel):
    """One carrying-out of a process on its subject (a case, a staff member, a foster carer, a meeting
    or the service), with a finding per required outcome, an overall grade where the process grades,
    and the actions that must follow. Submitted audits change only by amendment (kept in history)."""

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="audits")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="audits")
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="workforce_records"
    )
    subject_label = models.CharField(
        max_length=200, blank=True, help_text="The foster carer, meeting or service the record is about."
    )
    team = models.ForeignKey(
        "workforce.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text="The team the record counts for (the case's team when it was recorded).",
    )
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_carried_out"
    )
    due_on = models.DateField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    summary = models.TextField(blank=True)
    child_voice = models.TextField("the child's voice", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        default_permissions = ("add", "change")
        permissions = [("moderate_audit", "Can moderate submitted audits")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, staff_member__isnull=True)
                    | models.Q(case__isnull=True, staff_member__isnull=False)
                    | models.Q(case__isnull=True, staff_member__isnull=True)
                ),
                name="%(app_label)s_%(class)s_one_subject",
                violation_error_message="A record is about a case or a staff member, not both.",
            ),
        ]
        indexes = [
            models.Index(fields=["process", "status"], name="audits_audit_process_status"),
            models.Index(fields=["team", "held_on"], name="audits_audit_team_held"),
            # The audit list's order (Meta.ordering): its first page reads 50 rows, not every audit then a sort.
            models.Index(fields=["-held_on", "-id"], name="audits_audit_held_desc"),
            # Drafts are few and only their author's: "my drafts" and the list totals find them here.
            models.Index(fields=["carried_out_by"], condition=models.Q(status="draft"), name="audits_audit_drafts"),
            # Records about staff, meetings and the service: the few audits without a case.
            models.Index(fields=["staff_member"], condition=models.Q(case__isnull=True), name="audits_audit_no_case"),
        ]

    def __str__(self):
        return f"{self.process} ({self.subject_display})"

    def get_absolute_url(self):
        return reverse("audits:audit_detail", kwargs={"pk": self.pk})

    @property
    def subject_display(self) -> str:
        if self.case_id:
            return self.case.reference
        if self.staff_member_id:
            return self.staff_member.get_full_name() or self.staff_member.username
        return self.subject_label or "The service"

    @property
    def is_editable_draft(self) -> bool:
        return self.status == AuditStatus.DRAFT

    @property
    def was_late(self) -> bool | None:
        if not (self.due_on and self.held_on):
            return None
        return self.held_on > self.due_on


class Finding(BaseModel):
    """The judgement of one required outcome in one audit."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    outcome = models.ForeignKey("processes.RequiredOutcome", on_delete=models.PROTECT, related_name="findings")
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "outcome__position"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "outcome"],
                name="%(app_label)s_%(class)s_unique_outcome",
                violation_error_message="This outcome is already judged in this audit.",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "judgement"], name="audits_finding_outcome_judged")]

    def __str__(self):
        return f"{self.outcome}: {self.get_judgement_display() or 'not judged'}"


class Action(BaseModel):
    """What must follow an audit: an owner, a due date, and when it was done."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="actions")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False) | ~models.Q(status="done"),
                name="%(app_label)s_%(class)s_done_has_date",
                violation_error_message="A done action has the date it was done.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="audits_action_owner_status")]

    def __str__(self):
        return self.description[:80]


class ConferenceRecord(BaseModel):
    """What a conference or review adds to its audit: attendance, advocacy, decision, next review."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="conference")
    child_attended = models.BooleanField("child attended or was seen", null=True, blank=True)
    views_given = models.BooleanField("child's views given", null=True, blank=True)
    advocate_offered = models.BooleanField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=ConferenceDecision.choices, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    next_review_computed_on = models.DateField(null=True, blank=True, editable=False)
    next_review_change_reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Conference record of {self.audit}"


class VisitRecord(BaseModel):
    """What a visit adds to its audit: whether the child was seen, alone, where, and their views."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="visit")
    child_seen = models.BooleanField(null=True, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    location = models.CharField("where", max_length=200, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Visit record of {self.audit}"


class CaseAuditTally(models.Model):
    """Per case: its audits that are not drafts, how many of them were moderated, and how many
    moderations agreed the grade. Kept by database triggers on audits_audit and audits_moderation
    (migration 0009), so no write path can forget it. The audit list totals a user's visible audits
    from these rows (AuditQuerySet.totals_for_user) rather than by reading every audit."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    audits = models.IntegerField(default=0)
    moderated = models.IntegerField(default=0)
    agreed = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.audits} audits of case {self.case_id}"


class Moderation(BaseModel):
    """A second look at a submitted audit by a head of service or QA administrator."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="moderation")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    agreed = models.BooleanField()
    grade = models.CharField("moderated grade", max_length=30, choices=Grade.choices, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreed=True) | ~models.Q(reason=""),
                name="%(app_label)s_%(class)s_change_has_reason",
                violation_error_message="A changed grade needs a reason.",
            ),
        ]

    def __str__(self):
        return f"Moderation of {self.audit}"


#
# Timeliness: what is owed, by whom, by when; reminders; random samples
#


class DueItem(BaseModel):
    """A record that is owed: a process on a subject by a date, and who must make it.

    Satisfied by the audit that meets it, on time or late. `key` makes planning idempotent: the
    database refuses a second row for the same occurrence, whichever process or task plans it.
    """

    # Indexes: planning writes a million rows a night, and every index costs each insert. The single-column
    # foreign-key indexes Django would add are left out where a composite index below leads with the same
    # column, or replaced by a partial index where most rows hold NULL (satisfied_by, sample_draw,
    # staff_member): the queries that follow those keys look up one value, never NULL.
    key = models.CharField(max_length=120, unique=True, editable=False)
    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="due_items", db_index=False)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="due_items")
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_workforce_items",
        db_index=False,
    )
    team = models.ForeignKey(
        "workforce.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )
    due_on = models.DateField()
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_items",
        db_index=False,
    )
    responsible_role = models.ForeignKey(
        "processes.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )
    source = models.CharField(max_length=10, choices=DueSource.choices, default=DueSource.RULE)
    status = models.CharField(max_length=10, choices=DueStatus.choices, default=DueStatus.OPEN)
    satisfied_by = models.ForeignKey(
        "Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="satisfies", db_index=False
    )
    completed_on = models.DateField(null=True, blank=True)
    sample_draw = models.ForeignKey(
        "SampleDraw", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", satisfied_by__isnull=False, completed_on__isnull=False)
                | ~models.Q(status="done"),
                name="%(app_label)s_%(class)s_done_is_satisfied",
                violation_error_message="A done item names the record that met it and when.",
            ),
        ]
        indexes = [
            # Reminders' stages and the due list's overdue filter.
            models.Index(fields=["status", "due_on"], name="audits_dueitem_status_due"),
            # The home page's "your items" and reminders to the responsible person.
            models.Index(fields=["responsible", "status", "due_on"], name="audits_dueitem_resp_status"),
            # The home page's team section and the due list's team filter.
            models.Index(fields=["team", "status", "due_on"], name="audits_dueitem_team_status"),
            # A case's items (scope of the due list) and the open item a record meets (case, process, status).
            models.Index(fields=["case", "process", "status"], name="audits_dueitem_case_process"),
            # Which item a record met (a retried task); which items a sample draw made; a staff member's items.
            models.Index(
                fields=["satisfied_by"],
                name="audits_dueitem_satisfied_by",
                condition=models.Q(satisfied_by__isnull=False),
            ),
            models.Index(
                fields=["sample_draw"], name="audits_dueitem_sample_draw", condition=models.Q(sample_draw__isnull=False)
            ),
            models.Index(
                fields=["staff_member", "process", "status"],
                name="audits_dueitem_staff_member",
                condition=models.Q(staff_member__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.process} due {self.due_on:%d/%m/%Y}"

    @property
    def was_late(self) -> bool | None:
        if self.status != DueStatus.DONE or not self.completed_on:
            return None
        return self.completed_on > self.due_on


class Reminder(models.Model):
    """One stage of reminding one person about one due item. The unique (due item, stage, recipient) row
    is inserted in the transaction that sends the digest and committed after the email goes, so
    overlapping runs and retries never send a stage to a person twice, and a failed send leaves no row;
    every head of service has their own row of an escalation to the heads. `digest` names the digest
    a row went out in (one per person per run)."""

    # The unique constraint leads with due_item and the indexes below with recipient: no separate
    # foreign-key indexes (a first run inserts millions of rows, and each index costs every insert).
    due_item = models.ForeignKey(DueItem, on_delete=models.PROTECT, related_name="reminders", db_index=False)
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["due_item", "stage", "recipient"],
                name="%(app_label)s_%(class)s_unique_stage_recipient",
                violation_error_message="This stage of this item has been reminded to this person already.",
            ),
        ]
        indexes = [
            # A digest's rows (recipient, sent_at = the run's time) and what a person was sent.
            models.Index(fields=["recipient", "sent_at"], name="audits_reminder_recipient_sent"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.due_item}"


class Notification(models.Model):
    """An in-app message (the header shows the unread count)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "read_at"], name="audits_notification_unread")]

    def __str__(self):
        return self.subject


class SampleDraw(BaseModel):
    """A random sample of a month's eligible records for one team, reproducible from its seed."""

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="sample_draws")
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="sample_draws")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For per-manager draws (the Sample Audit of all managers).",
    )
    period = models.DateField(help_text="The first day of the month drawn.")
    population = models.JSONField(help_text="The ids of the eligible cases, in id order.")
    size = models.PositiveIntegerField()
    seed = models.CharField(max_length=64)
    chosen = models.JSONField(help_text="The ids drawn, in the order drawn.")

    class Meta:
        ordering = ["-period", "process", "team"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["process", "team", "manager", "period"],
                name="%(app_label)s_%(class)s_unique_period",
                nulls_distinct=False,
                violation_error_message="This month has been drawn already.",
            ),
        ]

    def __str__(self):
        return f"{self.process} sample, {self.team}, {self.period:%B %Y}"


# The dashboard's rollup tables live in their own module; imported here so Django registers them.
from audits.rollups import AuditRollup, CoverageRollup, DashboardRefresh, DueRollup, FindingRollup  # noqa: E402, F401
