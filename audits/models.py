"""Recording: an audit is one carrying-out of a catalogue process, judged against its required outcomes;
its findings, actions, conference and visit records, moderation, and the per-case tally."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from audits.choices import ActionStatus, AuditStatus, ConferenceDecision, Grade, Judgement
from audits.querysets import AuditQuerySet
from core.models import BaseModel


class Audit(BaseModel):
    """One carrying-out of a process on its subject (a case, a staff member, a foster carer, a meeting,
    a practice review or the service), with a finding per required outcome, an overall grade where the process grades,
    and the actions that must follow. Submitted audits change only by amendment (kept in history)."""

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="audits")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="audits")
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="workforce_records"
    )
    foster_carer = models.ForeignKey(
        "fostering.FosterCarer", on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    subject_label = models.CharField(
        max_length=200,
        blank=True,
        help_text="The meeting, service or practice review the record is about (a foster carer before the register).",
    )
    # A practice review (a board's management review, a child safeguarding practice review) names the
    # cases it looked at by reference only: its lead is a board role that never sees a child's record,
    # so the references are checked to exist (audits.services) and stored as text, never linked.
    case_references = models.JSONField(default=list, blank=True)
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
    # Lost updates: every write of the record adds one, under a row lock; a form carries the version it
    # was opened at, and a save from an older one is refused with what changed since (audits.staleness).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Double clicks: the start form's one-time token, kept on the draft it made, so the same form posted
    # twice finds that draft instead of making a second one.
    start_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        default_permissions = ("add", "change")
        permissions = [("moderate_audit", "Can moderate submitted audits")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, staff_member__isnull=True, foster_carer__isnull=True)
                    | models.Q(case__isnull=True, staff_member__isnull=False, foster_carer__isnull=True)
                    | models.Q(case__isnull=True, staff_member__isnull=True, foster_carer__isnull=False)
                    | models.Q(case__isnull=True, staff_member__isnull=True, foster_carer__isnull=True)
                ),
                name="%(app_label)s_%(class)s_one_subject",
                violation_error_message="A record is about one case, staff member or foster carer at most.",
            ),
            models.UniqueConstraint(
                fields=["start_token"],
                name="%(app_label)s_%(class)s_unique_start_token",
                violation_error_message="This record was already started from this form.",
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
            # A carer's records (the register's few hundred households; planning finds a carer's last review).
            models.Index(
                fields=["foster_carer", "process"],
                condition=models.Q(foster_carer__isnull=False),
                name="audits_audit_foster_carer",
            ),
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
        if self.foster_carer_id:
            return str(self.foster_carer)
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

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+")
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
