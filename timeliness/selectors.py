"""Reads of due items: what a user may see (the rule: cases.scope.due_items_rule), and the home page's
three due sections (the user's own, their teams', what was escalated to them).
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from audits.due_offers import DueOffer
from cases.scope import case_in_scope_q, due_items_rule_branches, managed_teams_q
from timeliness.choices import DueStatus
from timeliness.filtersets import IdIsAnyOf, escalated_to
from timeliness.models import DueItem

RELATED = ("process", "case", "staff_member", "foster_carer", "team", "responsible", "unassigned_role")


def due_items_for(user):
    """The due items a user may see (the rule: cases.scope.due_items_rule).

    Service-wide roles get every item with no scope test at all. Everyone else gets
    `id = ANY(ARRAY(branch UNION ALL branch))` (`id IN` on SQLite), one branch per condition of the
    rule (their cases' items, by the case index; their own, by the responsible index): the OR of the
    two conditions rules out every index, and PostgreSQL read all the items. An item in both branches
    appears twice in the array, which ANY does not mind (docs/timeliness-queries.md)."""
    if not user.is_authenticated:
        return DueItem.objects.none()
    branches = due_items_rule_branches(user)
    if branches is None:
        items = DueItem.objects.all()
    else:
        first, *others = (DueItem.objects.filter(branch).order_by().values("pk") for branch in branches)
        ids = first.union(*others, all=True)
        # On PostgreSQL `id = ANY(ARRAY(...))`, as for escalations (timeliness.filtersets.escalated_to):
        # the ids gathered once, the items read by primary key, whatever the statistics say.
        on_postgresql = connection.vendor == "postgresql"
        items = DueItem.objects.filter(IdIsAnyOf(F("pk"), ArraySubquery(ids)) if on_postgresql else Q(pk__in=ids))
    return items.select_related(*RELATED)


def record_url(item: DueItem) -> str:
    """The start page, with the item (the draft is tied to it and carries its due date) and its case."""
    url = reverse("audits:audit_start", kwargs={"key": item.process.key})
    if item.foster_carer_id:
        return f"{url}?foster_carer={item.foster_carer_id}&due={item.pk}"
    return f"{url}?case={item.case_id}&due={item.pk}" if item.case_id else f"{url}?due={item.pk}"


def due_offer_for(*, user, process, pk: int) -> DueOffer | None:
    """The open item `pk` of `process` if the user may see it (audits.due_offers' resolver)."""
    row = (
        due_items_for(user)
        .filter(pk=pk, process=process, status=DueStatus.OPEN)
        .values_list("pk", "due_on", "case_id", "staff_member_id")
        .first()
    )
    return DueOffer(*row) if row else None


def subject_of(item: DueItem) -> str:
    if item.case_id:
        return item.case.reference
    if item.staff_member_id:
        return item.staff_member.get_full_name() or item.staff_member.username
    if item.foster_carer_id:
        return str(item.foster_carer)
    return ""


def decorate(items, today):
    for item in items:
        item.record_url = record_url(item)
        item.subject = subject_of(item)
        item.is_overdue = item.status == DueStatus.OPEN and item.due_on < today
    return items


HOME_LIMIT = 50


TEAM_LIMIT = 20


def my_due_items(*, user, today=None):
    """The user's open items, overdue (earliest due) first."""
    today = today or timezone.localdate()
    items = (
        DueItem.objects.filter(responsible=user, status=DueStatus.OPEN)
        .select_related("process", "case", "staff_member", "foster_carer", "unassigned_role")
        .order_by("due_on", "pk")[:HOME_LIMIT]
    )
    return decorate(list(items), today)


def team_due_items(*, user, today=None) -> dict | None:
    """For a team manager: their teams' open items, the overdue count and the next TEAM_LIMIT. Managing
    a team (Team.manager) grants no case: an item on a case outside the user's scope stays off it."""
    today = today or timezone.localdate()
    items = DueItem.objects.filter(managed_teams_q(user), case_in_scope_q(user), status=DueStatus.OPEN)
    # Counted by due_on (never null), not id: the team index holds team, status and due_on, so it counts
    # from the index alone.
    figures = items.aggregate(total=Count("due_on"), overdue=Count("due_on", filter=Q(due_on__lt=today)))
    if not figures["total"]:
        return None
    upcoming = items.select_related(*RELATED).order_by("due_on", "pk")
    # Work that waits with the manager because nobody holds its role for the child: one line a role.
    unassigned = (
        items.exclude(unassigned_role=None)
        .values("unassigned_role__key", "unassigned_role__name")
        .annotate(items=Count("pk"), cases=Count("case", distinct=True))
        .order_by("unassigned_role__name")
    )
    return {**figures, "items": decorate(list(upcoming[:TEAM_LIMIT]), today), "unassigned": list(unassigned)}


def escalated_due_items(*, user, today=None) -> list[DueItem]:
    """Open items escalated to the user (as line manager or head of service), the most overdue first:
    the TEAM_LIMIT earliest, in one query; the due list (?mine=escalated) has them all."""
    today = today or timezone.localdate()
    # Escalation follows the line-management chain, which can cross teams: a case outside the user's
    # scope is left out, so its reference never reaches a page the user may not otherwise see.
    items = escalated_to(DueItem.objects.filter(case_in_scope_q(user), status=DueStatus.OPEN), user)
    items = items.select_related(*RELATED).order_by("due_on", "pk")
    return decorate(list(items[:TEAM_LIMIT]), today)
