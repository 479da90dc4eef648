"""Children's cases, the episodes schedules hang on, and the log of who looked at which case."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import AccessAction, BreakGlassOutcome, CaseStatus, EpisodeKind, ImportStatus
from cases.querysets import BreakGlassGrantQuerySet, CaseQuerySet
from core.models import BaseModel, TimestampedModel


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
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        db_table = "audits_case"
        ordering = ["reference"]
        # No model-wide view permission: it would reach every child. Access is granted per case.
        default_permissions = ("add", "change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="audits_case_closed_on_matches_status",
                violation_error_message="A closed case has a closing date; an open case has none.",
            ),
        ]
        permissions = [("view_case", "Can view this case")]
        indexes = [models.Index(fields=["team", "status"], name="audits_case_team_status")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("cases:case_detail", kwargs={"pk": self.pk})


class Episode(BaseModel):
    """A period the child is open for (child in need, on a plan, looked after...): schedules start here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="episodes")
    kind = models.CharField(max_length=30, choices=EpisodeKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "audits_episode"
        ordering = ["case", "start", "pk"]
        default_permissions = ("add", "change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="audits_episode_ends_after_start",
                violation_error_message="An episode cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["case", "kind", "start"],
                name="audits_episode_unique_start",
                violation_error_message="This case already has an episode of that kind starting that day.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "end"], name="audits_episode_kind_end")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end is None


class CaseAssignment(BaseModel):
    """Who holds a role for a child over a period: the independent chair, the IRO, the PEP officer, the
    panel advisor, the agency decision maker, the YOT case manager, the personal adviser, ...

    The case system names these people; the portal takes them from it (import_cases, import_events).
    An assigned-scope role reaches the cases it holds a live assignment on (cases.scope), and a due item
    goes to whoever holds its lead role for that child (timeliness). Ended, never deleted: the history
    of who held a role, and when, is what an inspector asks for.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    role = models.ForeignKey("processes.Role", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "role", "start", "pk"]
        default_permissions = ("add", "change", "view")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cases_caseassignment_ends_after_start",
                violation_error_message="An assignment cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["case", "role", "user", "start"],
                name="cases_caseassignment_unique_start",
                violation_error_message="This person is already assigned to this role for the child from that day.",
            ),
        ]
        indexes = [
            # A case's people (planning, the case page) and a user's assigned cases (scope).
            models.Index(fields=["case", "role", "end"], name="cases_assignment_case_role"),
            models.Index(fields=["user", "end"], name="cases_assignment_user"),
        ]

    def __str__(self):
        return f"{self.user} as {self.role} for {self.case} from {self.start:%d/%m/%Y}"

    def is_live(self, on) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)


class AccessLogEntry(models.Model):
    """Who looked at which child's case, and when. Written once, never changed: on PostgreSQL the
    application's role may only read and add rows (core.database_roles), and a trigger refuses UPDATE
    and DELETE from anyone else."""

    # The application role gets SELECT and INSERT only on this table (core.database_roles).
    append_only = True

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    path = models.CharField(max_length=500)
    # Set when the user reached the case through a break-glass grant: the log then carries its reason.
    break_glass = models.ForeignKey(
        "cases.BreakGlassGrant", on_delete=models.PROTECT, null=True, blank=True, related_name="log_entries"
    )

    class Meta:
        db_table = "audits_accesslogentry"
        ordering = ["-at", "-pk"]
        # The log page filtered by case or by person, newest first: one index range each, in page order,
        # however long the log (the single-column foreign-key indexes made the server sort every entry).
        indexes = [
            models.Index(fields=["case", "-at", "-id"], name="audits_accesslog_case_at"),
            models.Index(fields=["user", "-at", "-id"], name="audits_accesslog_user_at"),
        ]
        default_permissions = ("view",)
        verbose_name_plural = "access log entries"

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.case} at {self.at:%Y-%m-%d %H:%M}"


class BreakGlassGrant(BaseModel):
    """A user's access to one case outside their scope, for a reason they stated, until `expires_at`.

    Made by cases.services.break_glass_open and read by the scope rule cases.scope.break_glass_case_ids
    (live grants only). Never deleted and never extended: a new need states a new reason. A QA
    administrator reviews each one (cases.services.break_glass_review); the review fields are set together.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the user needed the case, in their words.")
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=BreakGlassOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        # Nobody edits or deletes a grant through the admin or a model-wide permission; reviewers review.
        default_permissions = ()
        permissions = [("review_breakglassgrant", "Can review access to cases outside the user's scope")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="%(app_label)s_%(class)s_expires_after_start",
                violation_error_message="Access must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_outcome="")
                | (models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~models.Q(review_outcome="")),
                name="%(app_label)s_%(class)s_review_complete",
                violation_error_message="A review records who reviewed, when, and the outcome.",
            ),
        ]
        indexes = [
            # The scope rule: this user's grants on a case, live until a time.
            models.Index(fields=["user", "expires_at"], name="cases_breakglass_user_expiry"),
            # The reviewers' count and list of what is still to review.
            models.Index(
                fields=["started_at"], condition=models.Q(reviewed_at__isnull=True), name="cases_breakglass_unreviewed"
            ),
        ]

    def __str__(self):
        return f"{self.user} opened {self.case} at {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("cases:break_glass_review", kwargs={"pk": self.pk})

    def is_live(self, at=None) -> bool:
        at = at or timezone.now()
        return self.started_at <= at < self.expires_at

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class CaseImportJob(TimestampedModel):
    """One case import from the browser: the uploaded file, kept here (not in the session) while the
    worker checks it and, once the administrator applies it, writes it (cases.tasks).

    No history table: the worker writes the status, and a history row would copy the whole file at
    each step. The file's text is emptied when the job ends (imported, cancelled, invalid or failed),
    so children's details do not wait here; the summary and problems stay.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=255, help_text="The uploaded file's name.")
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    lines = models.PositiveIntegerField(default=0, help_text="Rows of the file, the header aside.")
    cases_total = models.PositiveIntegerField(default=0)
    cases_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # the plan's counts and references (no child details)
    problems = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["created_by", "status"], name="cases_importjob_user_status")]

    def __str__(self):
        return f"{self.source} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("cases:case_import_job", kwargs={"pk": self.pk})

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        db_table = "audits_caseuserobjectpermission"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        db_table = "audits_casegroupobjectpermission"
