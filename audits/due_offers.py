"""The due item a record is started from: the one hook by which the start page reads a due item.

"Record it" on a due list links to the start page with `?due=<id>`. Due items belong to timeliness,
which this app must not import; timeliness registers a resolver in its AppConfig.ready(): given the user,
the process and the id, the item's subject and due date if the user may see that open item of that
process, else None (the start page answers 404). With no resolver registered, no offer is ever found.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DueOffer:
    """An open due item a record may be started from: which, about whom, and by when."""

    pk: int
    due_on: date
    case_id: int | None
    staff_member_id: int | None


_RESOLVERS: list[Callable[..., DueOffer | None]] = []


def due_offer_register(resolver: Callable[..., DueOffer | None]) -> None:
    """Set the resolver (called once, by timeliness; registering again replaces it)."""
    _RESOLVERS[:] = [resolver]


def due_offer(*, user, process, pk: int) -> DueOffer | None:
    """The open item `pk` of `process`, if `user` may see it; None otherwise."""
    return _RESOLVERS[0](user=user, process=process, pk=pk) if _RESOLVERS else None
