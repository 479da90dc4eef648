"""{% figure value kind suppress %}: a dashboard figure as the tables show it (dashboard.selectors.display)."""

from django import template

from dashboard.tables import display

register = template.Library()


@register.simple_tag
def figure(value, kind, suppress):
    return display(value, kind, suppress=bool(suppress))
