"""The signed-in user's in-app notifications: the list, and "Mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audits.reminders import notification_list as notifications_for
from audits.reminders import notifications_mark_read, unread_count

PAGE_SIZE = 25


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/notifications.html",
        {"page_obj": page, "object_list": page.object_list, "unread": unread_count(request.user)},
    )


@require_POST
@login_required
def notifications_read(request):
    marked = notifications_mark_read(user=request.user)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect("audits:notification_list")
