"""The rules of audits.rules for templates: a page offers a button only where the service accepts."""

from django import template

from audits import rules

register = template.Library()


@register.filter
def may_complete(action, user) -> bool:
    """{% if action|may_complete:user %}: audits.rules.may_complete_action."""
    return rules.may_complete_action(user, action)
