"""processes.timescales for templates: flag a due date that falls on no working day."""

from django import template

from processes.schedules import closure_days
from processes.timescales import non_working_reason

register = template.Library()


@register.simple_tag(takes_context=True)
def non_working_day(context, day) -> str:
    """{% non_working_day item.due_on as flag %}: "Falls on a Sunday", "Falls on a bank holiday: Boxing
    Day", "Falls on a closure day", or "" on a working day (or no date). The date is not moved: a
    calendar-day limit ends on its date. The closure days are read once per request, however many rows."""
    if not day:
        return ""
    request = context.get("request")
    closures = getattr(request, "_closure_days", None)
    if closures is None:
        closures = closure_days()
        if request is not None:
            request._closure_days = closures
    return non_working_reason(day, closures) or ""
