"""Reads of cases. The list and detail shapes take a queryset already narrowed to the user
(Case.objects.for_user(), through CaseScopedMixin on the pages) and only shape it: nothing here scopes,
and nothing here widens a user's scope."""

from django.db.models import Prefetch
from django.utils import timezone

from cases.assignments import live_on_q
from cases.models import BreakGlassGrant, Case, CaseAssignment, Episode
from processes.roles import ASSIGNABLE_ROLE_KEYS

OPEN_EPISODES = Prefetch(
    "episodes", queryset=Episode.objects.filter(end__isnull=True).order_by("start"), to_attr="open_episodes"
)


# What the case list and its CSV show: not the child's other details, nor the worker's account.
CASE_LIST_FIELDS = (
    "reference",
    "child_name",
    "date_of_birth",
    "status",
    "closed_on",
    "team__name",
    "allocated_worker__username",
    "allocated_worker__first_name",
    "allocated_worker__last_name",
)


def case_list(cases):
    """The case list's shape of `cases` (a scoped queryset): its columns, open episodes and order."""
    return (
        cases.select_related("team", "allocated_worker")
        .only(*CASE_LIST_FIELDS)
        .prefetch_related(OPEN_EPISODES)
        .order_by("reference", "pk")
    )


def case_detail_queryset(cases):
    """The case page's shape of `cases` (a scoped queryset): the related rows the page shows."""
    return cases.select_related("team", "team__service_area", "allocated_worker").prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.order_by("start", "pk"))
    )


def case_assigned(case: Case, *, on=None) -> list[CaseAssignment]:
    """The case page's "Assigned" list: who holds which role for the child today, since when (the
    order of the roles module's ASSIGNABLE_ROLE_KEYS, then by start)."""
    on = on or timezone.localdate()
    live = case.assignments.filter(live_on_q(on)).select_related("role", "user")
    order = {key: position for position, key in enumerate(ASSIGNABLE_ROLE_KEYS)}
    return sorted(live, key=lambda held: (order.get(held.role.key, len(order)), held.start, held.pk))


CASE_FIELDS = {
    "reference": "Reference",
    "child_name": "Child's name",
    "date_of_birth": "Date of birth",
    "ethnicity": "Ethnicity",
    "faith": "Faith",
    "language": "Language",
    "team_id": "Team",
    "allocated_worker_id": "Allocated worker",
    "status": "Status",
    "closed_on": "Closed on",
}
EPISODE_FIELDS = {"kind": "Kind", "start": "Start", "end": "End"}
ASSIGNMENT_FIELDS = {"role_id": "Role", "user_id": "Person", "start": "Start", "end": "End"}


def case_history(case: Case) -> list[dict]:
    """Who changed what and when, for the case and its episodes, newest first, in a fixed number of queries."""
    entries = []
    records = case.history.select_related("history_user").order_by("history_date", "history_id")
    entries += _changes(records, CASE_FIELDS, "Case")
    episode_records = (
        Episode.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    by_episode: dict[int, list] = {}
    for record in episode_records:
        by_episode.setdefault(record.id, []).append(record)
    for records_of_one in by_episode.values():
        entries += _changes(records_of_one, EPISODE_FIELDS, "Episode")
    assignment_records = (
        CaseAssignment.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    by_assignment: dict[int, list] = {}
    for record in assignment_records:
        by_assignment.setdefault(record.id, []).append(record)
    for records_of_one in by_assignment.values():
        entries += _changes(records_of_one, ASSIGNMENT_FIELDS, "Assignment")
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries


def _changes(records, fields: dict[str, str], label: str) -> list[dict]:
    entries, previous = [], None
    for record in records:
        if previous is None or record.history_type == "+":
            changed = [f"{label} created"]
        else:
            changed = [name for field, name in fields.items() if getattr(record, field) != getattr(previous, field)]
            changed = [f"{label}: {', '.join(changed)}"] if changed else [f"{label} saved with no change"]
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "reason": record.history_change_reason or "",
                "changes": changed,
            }
        )
        previous = record
    return entries


#
# Break glass: what the reviewers see
#

BREAK_GLASS_STATES = {
    "to-review": "To review",
    "open": "Open now",
    "expired": "Expired, not reviewed",
    "reviewed": "Reviewed",
    "all": "All",
}


def break_glass_grants(*, state: str = "to-review", at=None):
    """Break-glass accesses for the QA administrators, newest first: to review (the default: not yet
    reviewed, open or expired), open now, expired and not reviewed, reviewed, or all."""
    at = at or timezone.now()
    grants = BreakGlassGrant.objects.select_related("user", "case", "reviewed_by")
    if state == "to-review":
        grants = grants.unreviewed()
    elif state == "open":
        grants = grants.live(at)
    elif state == "expired":
        grants = grants.unreviewed().filter(expires_at__lte=at)
    elif state == "reviewed":
        grants = grants.filter(reviewed_at__isnull=False)
    return grants.order_by("-started_at", "-pk")


def break_glass_unreviewed_count() -> int:
    """How many break-glass accesses wait for a review (the reviewers' home page and list)."""
    return BreakGlassGrant.objects.unreviewed().count()
