"""Reads of the journey facts."""

from journeys.models import CareLeaverStatus, LegalStatus, MeetingHeld, Placement, Visit

LATEST = 10


def case_page_journey(*, user, case) -> dict:
    """The case page's Journey section (registered with cases.sections): the case's placements, legal
    statuses and care-leaver statuses, its latest visits and meetings held, leaving out facts withdrawn.
    One query each, whatever the case holds. The page has checked the case is in the user's scope (and
    logged the view); every fact of a case is for whoever may see the case, so nothing narrows further."""
    live = {"case": case, "withdrawn_at__isnull": True}
    return {
        "journey_placements": list(Placement.objects.filter(**live).order_by("-start", "-pk")),
        "journey_legal_statuses": list(LegalStatus.objects.filter(**live).order_by("-start", "-pk")),
        "journey_care_leaver_statuses": list(CareLeaverStatus.objects.filter(**live).order_by("-start", "-pk")),
        "journey_visits": list(Visit.objects.filter(**live).order_by("-visited_on", "-pk")[:LATEST]),
        "journey_meetings": list(MeetingHeld.objects.filter(**live).order_by("-held_on", "-pk")[:LATEST]),
    }
