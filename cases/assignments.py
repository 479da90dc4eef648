"""Who holds which role for a child: reading case assignments (cases.CaseAssignment).

One function answers "who is this child's IRO (chair, PEP officer, ...) on a day" for every reader:
planning (who owes an item), scope (which cases an assigned role reaches) and the case page.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from cases.models import CaseAssignment


def live_on_q(on: date, *, prefix: str = "") -> Q:
    """Assignments live on a day: started by then and not ended before it."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def holders(case_ids: Iterable[int], *, on: date) -> dict[int, dict[str, int]]:
    """{case id: {role key: user id}} of the assignments live on `on`, one query. Where two people hold
    the same role for a child on the day (a handover), the one who started later holds it."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        CaseAssignment.objects.filter(case_id__in=list(case_ids))
        .filter(live_on_q(on))
        .order_by("case_id", "role__key", "start", "pk")
        .values_list("case_id", "role__key", "user_id")
    )
    for case_id, role_key, user_id in rows:
        found[case_id][role_key] = user_id
    return dict(found)
