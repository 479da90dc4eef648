"""The submit button of a form that writes."""

from crispy_forms_gds.layout import Button


def write_button(value: str, name: str = "submit") -> Button:
    """A GOV.UK button with `data-prevent-double-click`: GOV.UK Frontend then ignores a second click
    within a second, beside each service's own guard against a repeated POST. Every crispy form that
    writes ends with one (tests/core/test_write_buttons.py)."""
    return Button(name, value, data_prevent_double_click="true")
