"""The facts of a child's journey, as the case-management system holds them: placements, legal status,
care-leaver status and accommodation, detention, strategy discussions, visits and meetings held.

Facts are what happened; what is owed follows from them by the schedule rules (timeliness). Most come
from the case system (`import_events`, journeys.services): social workers record visits there, and the
portal does not make them type it twice. A visit or meeting recorded in the portal is a fact too
(source PORTAL), so one rule reads both.

Each fact is unique by what names it in the case system (a case's placement starting on a day, a visit
on a day...), so a second import of the same file finds every row there and changes nothing. Nothing is
deleted: a fact entered in error is withdrawn (`withdrawn_at`), with its history, and rules skip it.
"""

from django.conf import settings
from django.db import models

from core.models import BaseModel
from journeys.choices import (
    CareLeaverCategory,
    FactSource,
    LegalStatusKind,
    MeetingKind,
    PlacementKind,
    StrategyOutcome,
)


class Fact(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=FactSource.choices, default=FactSource.CASE_SYSTEM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="Entered in error: rules skip it.")

    class Meta:
        abstract = True
        default_permissions = ("add", "change", "view")


class Period(Fact):
    """A fact that lasts: from `start` to `end` (open while `end` is empty)."""

    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta(Fact.Meta):
        abstract = True
        ordering = ["case", "start", "pk"]

    @property
    def is_open(self) -> bool:
        return self.end is None


def _ends_after_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
        name=name,
        violation_error_message="It cannot end before it starts.",
    )


class Placement(Period):
    """Where a looked-after child lives. Every placement starts the statutory visits' clock again
    (CPPCR 2010 reg 28(2)), and `long_term` (intended to last until the child is 18) slows them after
    the first year."""

    kind = models.CharField(max_length=30, choices=PlacementKind.choices, default=PlacementKind.STANDARD)
    long_term = models.BooleanField(default=False, help_text="Intended to last until the child is 18.")
    carer_reference = models.CharField(max_length=40, blank=True, help_text="The carer's reference, if fostered.")

    class Meta(Period.Meta):
        constraints = [
            _ends_after_start("journeys_placement_ends_after_start"),
            models.UniqueConstraint(
                fields=["case", "start"],
                name="journeys_placement_unique_start",
                violation_error_message="This child already has a placement starting that day.",
            ),
        ]
        indexes = [models.Index(fields=["case", "start"], name="journeys_placement_case")]

    def __str__(self):
        return f"Placement from {self.start:%d/%m/%Y}"


class LegalStatus(Period):
    """A looked-after child's legal status over a period (section 20, care order, ...)."""

    status = models.CharField(max_length=30, choices=LegalStatusKind.choices)

    class Meta(Period.Meta):
        verbose_name_plural = "legal statuses"
        constraints = [
            _ends_after_start("journeys_legalstatus_ends_after_start"),
            models.UniqueConstraint(
                fields=["case", "status", "start"],
                name="journeys_legalstatus_unique_start",
                violation_error_message="This child already has that legal status from that day.",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} from {self.start:%d/%m/%Y}"


class CareLeaverStatus(Period):
    """Which care-leaver duties a young person is owed, over a period."""

    category = models.CharField(max_length=20, choices=CareLeaverCategory.choices)

    class Meta(Period.Meta):
        verbose_name_plural = "care-leaver statuses"
        constraints = [
            _ends_after_start("journeys_careleaverstatus_ends_after_start"),
            models.UniqueConstraint(
                fields=["case", "category", "start"],
                name="journeys_careleaverstatus_unique_start",
                violation_error_message="This young person already has that status from that day.",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} from {self.start:%d/%m/%Y}"


class CareLeaverAccommodation(Period):
    """Accommodation the authority provides a relevant or former relevant child (s23B, s24B): it starts
    the personal adviser's visits (Care Leavers (England) Regulations 2010 reg 8)."""

    class Meta(Period.Meta):
        verbose_name_plural = "care-leaver accommodation"
        constraints = [
            _ends_after_start("journeys_careleaveraccommodation_ends_after_start"),
            models.UniqueConstraint(
                fields=["case", "start"],
                name="journeys_careleaveraccommodation_unique_start",
                violation_error_message="This young person already has accommodation starting that day.",
            ),
        ]

    def __str__(self):
        return f"Accommodation from {self.start:%d/%m/%Y}"


class Detention(Period):
    """A period in custody (remand or sentence): it starts the visits to a former child in care in custody."""

    class Meta(Period.Meta):
        constraints = [
            _ends_after_start("journeys_detention_ends_after_start"),
            models.UniqueConstraint(
                fields=["case", "start"],
                name="journeys_detention_unique_start",
                violation_error_message="This young person already has a detention starting that day.",
            ),
        ]

    def __str__(self):
        return f"Detention from {self.start:%d/%m/%Y}"


class StrategyDiscussion(Fact):
    """A strategy discussion and what it decided: one that starts section 47 enquiries starts the ICPC's
    15 working days (Working Together 2023); one that does not starts nothing."""

    held_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=StrategyOutcome.choices)

    class Meta(Fact.Meta):
        ordering = ["case", "held_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "held_on"],
                name="journeys_strategydiscussion_unique_day",
                violation_error_message="This child already has a strategy discussion that day.",
            ),
        ]

    def __str__(self):
        return f"Strategy discussion on {self.held_on:%d/%m/%Y} ({self.get_outcome_display().lower()})"


class Visit(Fact):
    """A visit to the child. Only a visit in which the child was seen meets a statutory visit."""

    visited_on = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(Fact.Meta):
        ordering = ["case", "visited_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "visited_on"],
                name="journeys_visit_unique_day",
                violation_error_message="This child already has a visit recorded that day.",
            ),
            models.CheckConstraint(
                condition=models.Q(child_seen=True) | models.Q(seen_alone=False),
                name="journeys_visit_seen_alone_is_seen",
                violation_error_message="A child seen alone was seen.",
            ),
        ]
        indexes = [models.Index(fields=["case", "visited_on"], name="journeys_visit_case")]

    def __str__(self):
        seen = "seen alone" if self.seen_alone else "seen" if self.child_seen else "not seen"
        return f"Visit on {self.visited_on:%d/%m/%Y} (child {seen})"


class MeetingHeld(Fact):
    """A statutory meeting that took place (a looked-after review, a conference, ...): the next one's
    clock counts from it."""

    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    held_on = models.DateField()

    class Meta(Fact.Meta):
        ordering = ["case", "held_on", "pk"]
        verbose_name_plural = "meetings held"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "held_on"],
                name="journeys_meetingheld_unique_day",
                violation_error_message="This meeting is already recorded for that day.",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind", "held_on"], name="journeys_meeting_case")]

    def __str__(self):
        return f"{self.get_kind_display()} held on {self.held_on:%d/%m/%Y}"
