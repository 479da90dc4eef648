"""The process catalogue: the nine tables of the support tool, their processes and required outcomes.

Catalogue rows are written only by the catalogue loader (processes.services), from fixtures. Closure days
and schedule overrides (the authority's own calendar and local timescales) are kept by administrators.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import BaseModel, TimestampedModel
from core.querysets import ScopedQuerySet
from processes.choices import SubjectKind
from processes.overrides import override_errors
from processes.roles import Scope


class Role(BaseModel):
    """A lead-responsibility role (processes.roles), tied one-to-one to the auth Group its holders join."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=20, choices=Scope.CHOICES)
    is_manager = models.BooleanField(default=False, help_text='Covered by "All Managers".')
    position = models.PositiveIntegerField(default=0)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Area(BaseModel):
    """One table of the support tool (i. to ix.), with its version and effective date."""

    key = models.SlugField(max_length=80, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300)
    preamble = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    effective_date = models.DateField()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.title

    @property
    def numeral(self) -> str:
        numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
        return numerals[self.number - 1] if self.number <= len(numerals) else str(self.number)


class Process(TimestampedModel):
    """A QA process: who leads it, what it is carried out on, its schedule rule and sample rate.

    Identity is the stable `key`; a rename keeps the row (and everything recorded against it) and
    remembers the old name in `former_names`. Processes dropped from the fixtures become inactive.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="processes")
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    position = models.PositiveIntegerField()
    lead = models.CharField("lead responsibility", max_length=300, help_text="As printed in the support tool.")
    lead_roles = models.ManyToManyField(Role, related_name="processes")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    schedule_rule = models.JSONField(null=True, blank=True)
    sample_rate = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    former_names = models.JSONField(default=list, blank=True)
    record_form = models.CharField(
        max_length=20,
        choices=[
            ("audit", "Audit"),
            ("conference", "Conference or review"),
            ("visit", "Visit"),
            ("workforce", "Workforce record"),
        ],
        default="audit",
    )
    grades = models.BooleanField(
        default=False, help_text="Records carry an overall grade on Ofsted's four-point scale."
    )
    asks_child_voice = models.BooleanField(default=False, help_text="Records ask for the child's voice.")
    next_review_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A conference that sets the next review date of another process (the ICPC sets the first review).",
    )
    same_act_as = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="same_acts",
        help_text="Printed twice in the support tool: the one act both rows name. Its items are this one's.",
    )
    is_active = models.BooleanField(default=True)

    # Process.objects.for_user(user, "record"): the processes the user's roles lead.
    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[lead_roles])

    class Meta:
        ordering = ["area__number", "position"]
        verbose_name_plural = "processes"
        permissions = [
            ("record_process", "Can record this process"),
            ("load_catalogue", "Can load the process catalogue"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("processes:process_detail", kwargs={"key": self.key})


class RequiredOutcome(BaseModel):
    """One required outcome of a process, as printed; findings are judged against it."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="outcomes")
    position = models.PositiveIntegerField()
    text = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["process", "position"]

    def __str__(self):
        return self.text


#
# Object permissions (guardian, direct foreign keys: fast joins, no generic content types)
#


class ProcessGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Process, on_delete=models.CASCADE)


class ProcessUserObjectPermission(UserObjectPermissionBase):
    # Not granted by the loader (leads are roles), but an administrator may grant one person in the
    # admin; scoping reads direct-foreign-key tables only, so the table must exist.
    content_object = models.ForeignKey(Process, on_delete=models.CASCADE)


#
# Schedules: the authority's closure days, and local changes to local schedule rules
#


class ClosureDay(BaseModel):
    """A weekday the authority's offices are closed beyond the bank holidays (e.g. the days between
    Christmas and New Year): not a working day, so working-day deadlines step over it."""

    date = models.DateField()
    reason = models.CharField(max_length=200, help_text="e.g. Office closure between Christmas and New Year.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="%(app_label)s_%(class)s_unique_date",
                violation_error_message="That day is already a closure day.",
            )
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.reason}"

    def get_absolute_url(self):
        return reverse("admin:processes_closureday_change", args=[self.pk])


class ScheduleOverride(BaseModel):
    """An administrator's change to a local schedule rule: new intervals (and repeats) replace the
    fixture's, which stay the default. Statutory and national rules cannot be overridden."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="schedule_override")
    intervals = models.JSONField(help_text='Intervals in order, e.g. ["10 working days", "4 weeks"].')
    repeats = models.BooleanField(default=False, help_text="The last interval repeats.")
    reason = models.TextField(help_text="Why the authority departs from the default, and on whose decision.")

    class Meta:
        ordering = ["process__area__number", "process__position"]

    def __str__(self):
        return f"Local schedule for {self.process}"

    def get_absolute_url(self):
        return reverse("admin:processes_scheduleoverride_change", args=[self.pk])

    def clean(self):
        errors = override_errors(self.process if self.process_id else None, self.intervals, self.repeats)
        if errors:
            raise ValidationError(errors)
