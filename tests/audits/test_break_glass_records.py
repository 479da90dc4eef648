"""A case opened by break glass shows its records on its page, and each record's page opens read-only
(logged with the grant); nothing else widens: no draft, no edit, no amend, no audit list entry."""

import pytest

from cases.models import AccessLogEntry
from cases.services import break_glass_open

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

REASON = "Strategy discussion this afternoon about a sibling of a child in my team"


@pytest.fixture
def outsider(client, cast, records):
    """The youth offending team's manager, with a live break-glass grant on the assessment case."""
    manager = cast["tm.yos"]
    _, grant = break_glass_open(actor=manager, reference=cast.cases["assessment"].reference, reason=REASON, path="/")
    assert grant is not None
    client.force_login(manager)
    return grant


def test_the_case_page_shows_the_cases_submitted_records_but_no_draft(client, cast, records, outsider):
    page = client.get(f"/cases/{cast.cases['assessment'].pk}/").content.decode()
    assert f"/audits/{records['submitted'].pk}/" in page
    assert f"/audits/{records['draft'].pk}/" not in page


def test_a_records_page_opens_and_is_logged_with_the_grant(client, records, outsider):
    assert client.get(f"/audits/{records['submitted'].pk}/").status_code == 200
    entry = AccessLogEntry.objects.filter(action="viewed_audit").get()
    assert entry.break_glass == outsider and entry.break_glass.reason == REASON


def test_the_grant_changes_nothing_else(client, records, outsider):
    submitted = records["submitted"].pk
    assert client.get(f"/audits/{records['draft'].pk}/").status_code == 404
    assert client.get(f"/audits/{submitted}/edit/").status_code == 404
    assert client.get(f"/audits/{submitted}/amend/").status_code == 404
    assert f"/audits/{submitted}/" not in client.get("/audits/").content.decode()


def test_without_a_grant_the_record_is_not_found(client, cast, records):
    client.force_login(cast["tm.yos"])
    assert client.get(f"/audits/{records['submitted'].pk}/").status_code == 404
