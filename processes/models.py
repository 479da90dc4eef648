"""The process catalogue: the nine tables of the support tool, their processes and required outcomes.

Rows are written only by the catalogue loader (processes.services), from fixtures.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from processes.choices import SubjectKind
from processes.roles import Scope
from qa_portal.models import BaseModel, TimestampedModel
from qa_portal.querysets import ScopedQuerySet


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
