"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

episode_ended(episode_id): an episode's end was recorded and committed; timeliness cancels the items
that fall after it.

case_responsibility_changed(moves, actor, reason): cases changed team or allocated worker, or someone
was assigned to them or left (cases.CaseAssignment: the chair, the IRO, the PEP officer, ...).
Sent inside the transaction that changes them (not on commit): what follows the case (its open due
items, its drafts) moves in the same transaction, or not at all. One send per write, with every case
the write moved, so an import of many rows costs the receivers a few queries, not a few per case.
"""

from dataclasses import dataclass

from django.dispatch import Signal

episode_ended = Signal()
case_responsibility_changed = Signal()


@dataclass(frozen=True)
class CaseMove:
    """Who answered for a case before and after a change: (team, allocated worker) ids; both empty when
    only its assignments changed (the receivers read who holds what now: cases.assignments.holders)."""

    case_id: int
    old: tuple[int | None, ...]
    new: tuple[int | None, ...]
