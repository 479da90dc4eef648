"""The foster-carer register: the households the fostering service has approved, so that their reviews
and fostering panels have something to be recorded about and planned against."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import BaseModel
from fostering.choices import ApprovalKind, CarerStatus
from fostering.querysets import FosterCarerQuerySet


class FosterCarer(BaseModel):
    """An approved foster-carer household, as the case-management system holds it: its reference, its
    approval (when, of what kind), whether it is still approved, the team that supervises it (which decides
    who sees it: fostering.scope) and the Fostering Service Reviewing Officer who reviews it."""

    reference = models.CharField(max_length=50, unique=True, help_text="The case-management system's reference.")
    name = models.CharField("household", max_length=200, help_text='e.g. "Mr and Mrs A Smith".')
    approved_on = models.DateField("approved on")
    approval_kind = models.CharField(max_length=20, choices=ApprovalKind.choices, default=ApprovalKind.GENERAL)
    status = models.CharField(max_length=12, choices=CarerStatus.choices, default=CarerStatus.APPROVED)
    ended_on = models.DateField("deregistered on", null=True, blank=True)
    supervising_team = models.ForeignKey(
        "workforce.Team",
        on_delete=models.PROTECT,
        related_name="foster_carers",
        help_text="The team whose supervising social workers support the household; its members see it.",
    )
    reviewing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_foster_carers",
        help_text="The Fostering Service Reviewing Officer who reviews the household's approval.",
    )

    objects = FosterCarerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        default_permissions = ("add", "change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="deregistered", ended_on__isnull=False)
                | (~models.Q(status="deregistered") & models.Q(ended_on__isnull=True)),
                name="%(app_label)s_%(class)s_ended_when_deregistered",
                violation_error_message="A deregistered carer has the date it ended; an approved one has none.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self):
        return reverse("fostering:carer_detail", kwargs={"pk": self.pk})
