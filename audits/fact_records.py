"""Records made in the portal that are journey facts too, so that nobody types a visit or a meeting twice.

A submitted visit record (any process whose record form is "visit") is a visit: journeys.Visit, with the
child seen (and alone) as the record says, on the day it was held. A submitted conference record is a
meeting held only for the processes that are that meeting, listed here and nowhere else:
MEETING_KIND_BY_PROCESS (process key -> journeys.choices.MeetingKind). A test holds every key to a
process of the catalogue with the conference form.

Where the case system has stated a fact of that kind for that case and day already, it stands, and the
record writes nothing (journeys.services.portal_fact_record).
"""

from journeys.choices import MeetingKind
from journeys.models import MeetingHeld, Visit
from journeys.services import portal_fact_record

MEETING_KIND_BY_PROCESS: dict[str, str] = {
    # The looked-after review (CPPCR 2010 reg 33), recorded by its IRO.
    "voice-children-in-care": MeetingKind.LOOKED_AFTER_REVIEW,
    # The initial conference and the review conferences (Working Together 2023).
    "aa-initial-child-protection-conference": MeetingKind.CP_CONFERENCE,
    "aa-child-protection-review": MeetingKind.CP_CONFERENCE,
}


def fact_of(audit):
    """The unsaved journey fact a submitted record states, or None."""
    if audit.case_id is None or audit.held_on is None:
        return None
    process = audit.process
    common = {"case_id": audit.case_id, "recorded_by_id": audit.carried_out_by_id}
    if process.record_form == "visit":
        visit = audit.visit
        return Visit(
            **common,
            visited_on=audit.held_on,
            child_seen=bool(visit.child_seen),
            seen_alone=bool(visit.child_seen and visit.seen_alone),
            visitor_id=audit.carried_out_by_id,
        )
    kind = MEETING_KIND_BY_PROCESS.get(process.key)
    if process.record_form == "conference" and kind:
        return MeetingHeld(**common, kind=kind, held_on=audit.held_on)
    return None


def record_fact(audit, *, actor) -> bool:
    """Write the fact a submitted record states (inside its transaction); whether one was written."""
    fact = fact_of(audit)
    if fact is None:
        return False
    return portal_fact_record(fact, actor=actor, reason=f"Recorded in the portal ({audit.process.name})")
