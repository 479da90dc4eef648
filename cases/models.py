"""Children's cases, the episodes schedules hang on, and the log of who looked at which case."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import AccessAction, CaseStatus, EpisodeKind
from cases.querysets import CaseQuerySet
from core.models import BaseModel


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

    class Meta:
        db_table = "audits_accesslogentry"
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        verbose_name_plural = "access log entries"

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.case} at {self.at:%Y-%m-%d %H:%M}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        db_table = "audits_caseuserobjectpermission"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        db_table = "audits_casegroupobjectpermission"
