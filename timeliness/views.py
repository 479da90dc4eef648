"""The due list for managers (/due/, CSV at /due/export.csv) and the home page's due sections.

Scope (the rules: cases.scope.due_items_rule, may_see_due_list, case_in_scope_q): items on cases the
user may see (Case.objects.for_user) plus items they are responsible for; service-wide roles see every
item; board and scrutiny roles, who see no child's record, get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.choices import AccessAction
from cases.scope import case_in_scope_q, due_items_rule, managed_teams_q, may_see_due_list
from cases.services import access_log_record
from core.csv_export import csv_response
from core.paging import page_of, page_query
from timeliness.choices import DueStatus
from timeliness.filtersets import DueItemFilterSet, escalated_to
from timeliness.models import DueItem
from timeliness.reminders import notification_list as notifications_for
from timeliness.reminders import notifications_mark_read, unread_count

DUE_CSV_COLUMNS = ["id", "process", "subject", "team", "due_on", "responsible", "status", "completed_on", "late"]
RELATED = ("process", "case", "staff_member", "team", "responsible")


def due_items_for(user):
    """The due items a user may see (the rule: cases.scope.due_items_rule)."""
    if not user.is_authenticated:
        return DueItem.objects.none()
    rule = due_items_rule(user)
    items = DueItem.objects.all() if rule is None else DueItem.objects.filter(rule)
    return items.select_related(*RELATED)


def record_url(item: DueItem) -> str:
    url = reverse("audits:audit_start", kwargs={"key": item.process.key})
    return f"{url}?case={item.case_id}" if item.case_id else url


def subject_of(item: DueItem) -> str:
    if item.case_id:
        return item.case.reference
    if item.staff_member_id:
        return item.staff_member.get_full_name() or item.staff_member.username
    return ""


def _decorate(items, today):
    for item in items:
        item.record_url = record_url(item)
        item.subject = subject_of(item)
        item.is_overdue = item.status == DueStatus.OPEN and item.due_on < today
    return items


def _list_queryset(request):
    if not may_see_due_list(request.user):
        raise PermissionDenied
    filterset = DueItemFilterSet(request.GET or None, queryset=due_items_for(request.user), request=request)
    items = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, items.order_by("due_on", "pk")


@login_required
def due_list(request):
    filterset, items = _list_queryset(request)
    today = timezone.localdate()
    figures = items.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(status=DueStatus.OPEN, due_on__lt=today))
    )
    page = page_of(request, items, 50, count=figures["total"])  # counted with the overdue figure: spares a COUNT(*)
    return render(
        request,
        "timeliness/due_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "items": _decorate(list(page.object_list), today),
            "figures": figures,
            "page_query": page_query(request),
        },
    )


@login_required
def due_export(request):
    """The filtered list as CSV: what the user may see, references only (no child's name)."""
    _, items = _list_queryset(request)
    cases = []

    def rows():
        # Streamed from the database in chunks; the cases are gathered on the way for the access log.
        for item in items.iterator(chunk_size=2_000):
            late = item.was_late
            yield [
                item.pk,
                item.process.name,
                subject_of(item),
                item.team.name if item.team_id else "",
                item.due_on,
                (item.responsible.get_full_name() or item.responsible.username) if item.responsible_id else "",
                item.status,
                item.completed_on or "",
                "" if late is None else ("yes" if late else "no"),
            ]
            if item.case_id:
                cases.append(item.case)

    # The file name and headers this export has always had (no time stamp, no Cache-Control).
    response = csv_response("due-items", DUE_CSV_COLUMNS, rows(), stamped=False, no_store=False)
    if cases:
        unique = list({case.pk: case for case in cases}.values())
        access_log_record(user=request.user, cases=unique, action=AccessAction.EXPORTED, path=request.path)
    return response


#
# Home page sections
#

HOME_LIMIT = 50
TEAM_LIMIT = 20


def my_due_items(*, user, today=None):
    """The user's open items, overdue (earliest due) first."""
    today = today or timezone.localdate()
    items = (
        DueItem.objects.filter(responsible=user, status=DueStatus.OPEN)
        .select_related("process", "case", "staff_member")
        .order_by("due_on", "pk")[:HOME_LIMIT]
    )
    return _decorate(list(items), today)


def team_due_items(*, user, today=None) -> dict | None:
    """For a team manager: their teams' open items, the overdue count and the next TEAM_LIMIT. Managing
    a team (Team.manager) grants no case: an item on a case outside the user's scope stays off it."""
    today = today or timezone.localdate()
    items = DueItem.objects.filter(managed_teams_q(user), case_in_scope_q(user), status=DueStatus.OPEN)
    figures = items.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    if not figures["total"]:
        return None
    upcoming = items.select_related("process", "case", "staff_member", "responsible").order_by("due_on", "pk")
    return {**figures, "items": _decorate(list(upcoming[:TEAM_LIMIT]), today)}


def escalated_due_items(*, user, today=None) -> list[DueItem]:
    """Open items escalated to the user (as line manager or head of service), the most overdue first:
    the TEAM_LIMIT earliest, in one query; the due list (?mine=escalated) has them all."""
    today = today or timezone.localdate()
    # Escalation follows the line-management chain, which can cross teams: a case outside the user's
    # scope is left out, so its reference never reaches a page the user may not otherwise see.
    items = escalated_to(DueItem.objects.filter(case_in_scope_q(user), status=DueStatus.OPEN), user)
    items = items.select_related("process", "case", "staff_member", "responsible").order_by("due_on", "pk")
    return _decorate(list(items[:TEAM_LIMIT]), today)


PAGE_SIZE = 25


@login_required
def notification_list(request):
    page = page_of(request, notifications_for(user=request.user), PAGE_SIZE)
    return render(
        request,
        "timeliness/notifications.html",
        {"page_obj": page, "object_list": page.object_list, "unread": unread_count(request.user)},
    )


@require_POST
@login_required
def notifications_read(request):
    marked = notifications_mark_read(user=request.user)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect("timeliness:notification_list")
