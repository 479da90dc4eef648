"""Widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class Select(forms.Select):
    """Django's select, written out in Python rather than through templates.

    The list pages' filter forms carry a hundred or more options; rendered through the template engine
    they cost more than the rows of the list. Same HTML as Django's widget (tests/qa_portal/test_widgets.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), flatatt(option["attrs"]), option["label"]) for option in options),
            )
            groups.append(
                format_html('<optgroup label="{}">\n{}\n</optgroup>', group_name, html) if group_name else html
            )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("\n", "{}", ((group,) for group in groups)),
        )
