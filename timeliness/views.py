"""The due list for managers (/due/, CSV at /due/export.csv) and its CSV; the user's notifications.

Scope (the rules: cases.scope.due_items_rule, may_see_due_list, case_in_scope_q): items on cases the
user may see (Case.objects.for_user) plus items they are responsible for; service-wide roles see every
item; board and scrutiny roles, who see no child's record, get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.scope import may_see_due_list
from cases.services import access_log_record_export
from core.csv_export import csv_response
from core.paging import keyset_page, page_of, page_query
from timeliness.choices import DueStatus
from timeliness.exports import DUE_CSV_COLUMNS, due_export_rows
from timeliness.filtersets import DueItemFilterSet
from timeliness.reminders import notification_list as notifications_for
from timeliness.reminders import notifications_mark_read, unread_count
from timeliness.selectors import decorate, due_items_for


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
    # Counted by due_on (never null), not id: the (status, due_on) index then counts without the table.
    figures = items.order_by().aggregate(
        total=Count("due_on"), overdue=Count("due_on", filter=Q(status=DueStatus.OPEN, due_on__lt=today))
    )
    # Keyset past the first pages: a deep page reads its 50 rows, never OFFSETs through the list.
    page = keyset_page(request, items, 50, count=figures["total"], field="due_on")
    return render(
        request,
        "timeliness/due_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "items": decorate(list(page.object_list), today),
            "figures": figures,
            "page_query": page_query(request),
        },
    )


@login_required
def due_export(request):
    """The filtered list as CSV, streamed: what the user may see, references only (no child's name). The
    cases it names are logged, once each, before the file is sent."""
    _, items = _list_queryset(request)
    access_log_record_export(user=request.user, queryset=items, case_field="case", path=request.path)
    # The file name this export has always had (no time stamp).
    return csv_response("due-items", DUE_CSV_COLUMNS, due_export_rows(items), stamped=False)


#
# Home page sections
#


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
