"""Teams and staff: who works where, who manages whom, and which catalogue roles each person holds."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import BaseModel, TimestampedModel


class Team(BaseModel):
    """A team of the service. Its auth group carries the team's case access (guardian object permissions)."""

    # Its group is called "Team: <name>", which must fit the group name's 150 characters.
    name = models.CharField(max_length=140, unique=True)
    service_area = models.ForeignKey(
        "processes.Area",
        on_delete=models.PROTECT,
        related_name="teams",
        help_text="The table of the support tool the team works under.",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_teams"
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team", editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce:team_detail", kwargs={"pk": self.pk})


class StaffProfile(TimestampedModel):
    """A member of staff: job, team, line manager and catalogue roles. Their groups follow their roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_profile")
    job_title = models.CharField(max_length=150)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="line_reports"
    )
    roles = models.ManyToManyField("processes.Role", related_name="staff", blank=True)
    start_date = models.DateField()
    newly_qualified = models.BooleanField(
        default=False, help_text="In the Assessed and Supported Year in Employment (ASYE)."
    )
    left_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[roles])

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_left_after_start",
                violation_error_message="The leaving date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("user")),
                name="%(app_label)s_%(class)s_not_own_line_manager",
                violation_error_message="A person cannot be their own line manager.",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def get_absolute_url(self):
        return reverse("workforce:staff_detail", kwargs={"pk": self.pk})
