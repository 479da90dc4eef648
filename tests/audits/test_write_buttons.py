"""Every button that writes a record says `data-prevent-double-click` (GOV.UK Frontend's Button then
ignores a second click within a second), beside the server's own guard (the start form's token and the
record's version, tests/audits/test_double_clicks_and_lost_updates.py).

The scan reads the templates as text: each `<form ... method="post">` and the `<button>` tags (or a
`govuk_button` call) inside it. A GET form (a filter) writes nothing and is left alone."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# The recording pages' templates; the other apps' pages are their own briefs' (widen the list as they
# join the rule).
SCANNED = ["audits"]

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']post[\"'][^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
BUTTON = re.compile(r"<button\b[^>]*>|\{%\s*govuk_button\b[^%]*%\}|\{\{\s*govuk_button\b[^}]*\}\}", re.IGNORECASE)


def templates_dir() -> Path:
    return Path(settings.BASE_DIR) / "templates"


def write_buttons(text: str) -> list[str]:
    return [button for form in POST_FORM.findall(text) for button in BUTTON.findall(form)]


def scanned_templates() -> list[Path]:
    return sorted(path for folder in SCANNED for path in (templates_dir() / folder).rglob("*.html"))


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
    missing = [button for button in write_buttons(path.read_text()) if "data-prevent-double-click" not in button]
    assert missing == []
