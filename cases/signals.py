"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

episode_ended(episode_id): an episode's end was recorded and committed; timeliness closes its open
items (missed if due by the end, cancelled if due after it).

case_closed(case_ids, actor, reason): a write saved these cases closed (closing them, or changing a
closed case); receivers act on what is still open, so a send for a case closed long ago does nothing.
Sent inside the transaction that closes them: their open due items close with them (missed or
cancelled) before the COMMIT, so no page offers "Record it" on a closed case.

case_responsibility_changed(moves, actor, reason): cases changed team or allocated worker, or someone
was assigned to them or left (cases.CaseAssignment: the chair, the IRO, the PEP officer, ...).
Sent inside the transaction that changes them (not on commit): what follows the case (its open due
items, its drafts) moves in the same transaction, or not at all. One send per write, with every case
the write moved, so an import of many rows costs the receivers a few queries, not a few per case.
"""

from dataclasses import dataclass

from django.dispatch import Signal

episode_ended = Signal()
case_closed = Signal()
case_responsibility_changed = Signal()


@dataclass(frozen=True)
class CaseMove:
    """Who answered for a case before and after a change: (team, allocated worker) ids; both empty when
    only its assignments changed (the receivers read who holds what now: cases.assignments.holders)."""

    case_id: int
    old: tuple[int | None, ...]
    new: tuple[int | None, ...]
