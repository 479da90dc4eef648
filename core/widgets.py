"""Widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString


class Select(forms.Select):
    """Django's select, written out directly from its choices.

    The list pages' filter forms carry a hundred or more options. Django builds a dictionary per option
    and renders each through the template engine, which made the filters cost more than the rows of
    the list. Same HTML as Django's widget (tests/qa_portal/test_widgets.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        selected_one = False
        lines = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                lines.append(f'<optgroup label="{escape(group_value)}">')
                options = group_label
            else:
                options = [(group_value, group_label)]
            for option_value, option_label in options:
                option_value = "" if option_value is None else str(option_value)
                selected = (self.allow_multiple_selected or not selected_one) and option_value in chosen
                selected_one |= selected
                lines.append(
                    f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                    f"{escape(option_label)}</option>"
                )
            if options is group_label:
                lines.append("</optgroup>")
        lines.append("</select>")
        # Safe: the name, the attributes (flatatt), every value and every label are escaped above.
        return SafeString("\n".join(lines))
