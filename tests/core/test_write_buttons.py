"""Every button that writes says `data-prevent-double-click` (GOV.UK Frontend's Button then ignores a
second click within a second), beside the server's own guards (for records: the start form's token and
the record's version, tests/audits/test_double_clicks_and_lost_updates.py).

The scan reads every template as text: each `<form ... method="post">` and the `<button>` tags (or a
`govuk_button` call) inside it. A GET form (a filter) writes nothing and is left alone, and so is a
`type="button"` (a show-password toggle). Crispy forms end with core.buttons.write_button, which a
source scan checks."""

import re
from pathlib import Path

import pytest
from django.conf import settings

APPS = ["core", "processes", "workforce", "cases", "audits", "timeliness", "dashboard", "qa_portal"]

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']post[\"'][^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
BUTTON = re.compile(r"<button\b[^>]*>|\{%\s*govuk_button\b[^%]*%\}|\{\{\s*govuk_button\b[^}]*\}\}", re.IGNORECASE)


def templates_dir() -> Path:
    return Path(settings.BASE_DIR) / "templates"


def write_buttons(text: str) -> list[str]:
    return [button for form in POST_FORM.findall(text) for button in BUTTON.findall(form)]


def write_buttons_missing_the_attribute(text: str) -> list[str]:
    return [
        button
        for button in write_buttons(text)
        if "data-prevent-double-click" not in button and 'type="button"' not in button
    ]


def scanned_templates() -> list[Path]:
    return sorted(templates_dir().rglob("*.html"))


def test_the_scan_finds_the_recording_pages_write_buttons():
    found = {path.name for path in scanned_templates() if write_buttons(path.read_text())}
    assert {"audit_start.html", "audit_edit.html", "audit_amend.html", "audit_moderate.html"} <= found
    assert "action_table.html" in found


def test_the_scan_sees_a_button_without_the_attribute_and_ignores_get_forms():
    text = (
        '<form method="get"><button type="submit">Filter</button></form>'
        '<form action="/x/" method="post"><button class="govuk-button">Save</button></form>'
    )
    assert write_buttons(text) == ['<button class="govuk-button">']


@pytest.mark.parametrize("path", scanned_templates(), ids=lambda path: str(path.relative_to(templates_dir())))
def test_every_button_in_a_post_form_prevents_a_double_click(path):
    assert write_buttons_missing_the_attribute(path.read_text()) == []


def test_a_toggle_button_is_not_a_write():
    text = '<form method="post"><button type="button" aria-label="Show password">Show</button></form>'
    assert write_buttons_missing_the_attribute(text) == []


def test_crispy_forms_submit_through_the_write_button():
    """A crispy `Button("submit", ...)` would render without the attribute: forms use write_button."""
    root = Path(settings.BASE_DIR)
    plain = [
        f"{path.relative_to(root)}:{number}"
        for app in APPS
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "buttons.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bButton(\.\w+)?\(", line)
    ]
    assert plain == []


def test_the_write_button_renders_the_attribute():
    from crispy_forms.utils import render_crispy_form
    from crispy_forms_gds.helper import FormHelper
    from crispy_forms_gds.layout import Layout
    from django import forms

    from core.buttons import write_button

    class Form(forms.Form):
        name = forms.CharField()

    form = Form()
    form.helper = FormHelper()
    form.helper.layout = Layout("name", write_button("Save"))
    assert 'data-prevent-double-click="true"' in render_crispy_form(form)
