"""The audit list, its agreement rate and CSV, the access log, and the case and home pages' recording
sections: each shows only what the user may see."""

import csv
import io

import pytest
from django.utils import timezone

from audits.choices import ActionStatus, Judgement
from audits.models import Action
from audits.services import audit_moderate
from cases.choices import AccessAction
from cases.models import AccessLogEntry
from tests.audits.helpers import record

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


#
# The list, its agreement rate and its CSV
#


def listed(response) -> set[int]:
    return {audit.pk for audit in response.context["page_obj"].object_list}


@pytest.mark.parametrize(
    "role,expected",
    [
        # The draft is tm.assessment's: nobody else sees it until it is submitted.
        ("qa.admin", {"submitted", "workforce", "cic"}),
        ("hos", {"submitted", "workforce", "cic"}),
        ("tm.assessment", {"submitted", "draft", "workforce"}),
        ("sw.assessment", {"submitted", "workforce"}),
        ("chair", {"submitted"}),
        ("tm.cic", {"cic"}),
        ("iro", {"cic"}),
        ("tm.yos", set()),
        ("scrutiny", set()),
    ],
)
def test_the_list_shows_exactly_the_audits_in_the_users_scope(client, cast, records, role, expected):
    client.force_login(cast[role])
    response = client.get("/audits/")
    assert response.status_code == 200
    assert listed(response) == {records[name].pk for name in expected}


def test_scrutiny_gets_a_list_with_no_case_reference_or_child_name(client, cast, records):
    client.force_login(cast["scrutiny"])
    response = client.get("/audits/")
    content = response.getvalue().decode()
    assert response.status_code == 200
    for case in cast.cases.values():
        assert case.reference not in content and case.child_name not in content
    assert "No audits to show." in content


def test_the_list_shows_the_moderation_agreement_rate(client, cast, records):
    audit_moderate(actor=cast["hos"], audit=records["submitted"], agreed=True)
    audit_moderate(actor=cast["hos"], audit=records["cic"], agreed=False, grade="inadequate", reason="Thin plan")
    client.force_login(cast["hos"])
    assert "1 of 2 moderated audits (50%)" in client.get("/audits/").getvalue().decode()
    client.force_login(cast["tm.assessment"])
    assert "1 of 1 moderated audits (100%)" in client.get("/audits/").getvalue().decode()
    client.force_login(cast["tm.yos"])
    assert "No audit in this list has been moderated yet." in client.get("/audits/").getvalue().decode()


def test_the_list_filters_by_status_and_process(client, cast, records):
    client.force_login(cast["tm.assessment"])
    assert listed(client.get("/audits/", {"status": "draft"})) == {records["draft"].pk}
    client.force_login(cast["hos"])
    assert listed(client.get("/audits/", {"status": "draft"})) == set()
    assert listed(client.get("/audits/", {"process": "csc-supervision"})) == {records["workforce"].pk}


def export_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def test_the_export_holds_only_what_the_user_may_see_and_no_child_name(client, cast, records):
    client.force_login(cast["tm.cic"])
    response = client.get("/audits/export.csv")
    rows = export_rows(response)
    assert [int(row["id"]) for row in rows] == [records["cic"].pk]
    assert rows[0]["subject"] == "CASE-C1"
    assert "Child CASE" not in response.getvalue().decode()

    client.force_login(cast["hos"])
    response = client.get("/audits/export.csv")
    submitted = {audit.pk for name, audit in records.items() if name != "draft"}
    assert {int(row["id"]) for row in export_rows(response)} == submitted
    assert "Child CASE" not in response.getvalue().decode()

    client.force_login(cast["scrutiny"])
    assert export_rows(client.get("/audits/export.csv")) == []


def test_the_export_logs_each_case_it_holds(client, cast, records):
    client.force_login(cast["tm.cic"])
    client.get("/audits/export.csv")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.case, entry.action) == (cast["tm.cic"], cast.cases["cic"], AccessAction.EXPORTED)


def test_an_export_of_three_audits_of_two_cases_logs_each_case_once_naming_the_export(client, cast, records):
    record(cast["tm.assessment"], "csc-sample-audit", case=cast.cases["assessment"])
    client.force_login(cast["hos"])
    rows = export_rows(client.get("/audits/export.csv"))
    assert sorted(row["subject"] for row in rows if row["subject"].startswith("CASE")) == [
        "CASE-A1",
        "CASE-A1",
        "CASE-C1",
    ]
    logged = AccessLogEntry.objects.values_list("case__reference", "action", "path")
    assert sorted(logged) == [
        ("CASE-A1", AccessAction.EXPORTED, "/audits/export.csv"),
        ("CASE-C1", AccessAction.EXPORTED, "/audits/export.csv"),
    ]


def test_the_export_is_logged_before_a_byte_is_read(client, cast, records):
    # A download the client abandons has still been logged: the log is written before the rows stream.
    client.force_login(cast["hos"])
    response = client.get("/audits/export.csv")
    assert response.streaming
    assert AccessLogEntry.objects.filter(action=AccessAction.EXPORTED).count() == 2
    response.getvalue()  # read to the end, as the test client expects of a streamed response


#
# The access log
#


def test_viewing_an_audit_of_a_case_writes_an_access_log_entry(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["chair"])
    assert client.get(f"/audits/{audit.pk}/").status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.case, entry.action, entry.path) == (
        cast["chair"],
        cast.cases["assessment"],
        AccessAction.VIEWED_AUDIT,
        f"/audits/{audit.pk}/",
    )


def test_a_refused_audit_page_or_a_workforce_record_writes_nothing_to_the_log(client, cast, records):
    client.force_login(cast["tm.yos"])
    assert client.get(f"/audits/{records['submitted'].pk}/").status_code == 404
    client.force_login(cast["sw.assessment"])
    assert client.get(f"/audits/{records['workforce'].pk}/").status_code == 200
    assert not AccessLogEntry.objects.exists()


#
# The case page and the home page
#


def test_the_case_page_lists_its_audits_the_outcomes_not_met_and_open_actions(client, cast, records):
    client.force_login(cast["tm.assessment"])
    response = client.get(f"/cases/{cast.cases['assessment'].pk}/")
    assert {audit.pk for audit in response.context["audits"]} == {records["submitted"].pk, records["draft"].pk}
    content = response.getvalue().decode()
    not_met = records["submitted"].findings.get(judgement=Judgement.NOT_MET)
    assert f"Not met: {not_met.outcome.text[:60]}" in content
    assert [action.description for action in response.context["open_actions"]] == ["Write the plan"]
    assert "Write the plan" in content
    assert f'href="/audits/{records["submitted"].pk}/"' in content


@pytest.fixture
def draft_with_an_action(cast, records):
    """tm.assessment's draft of the assessment case, saved with an action for the social worker."""
    from datetime import timedelta

    from audits.services import audit_save
    from tests.audits.helpers import completed

    draft = records["draft"]
    arguments = completed(draft)
    arguments["new_actions"] = [
        {
            "description": "Draft-only action",
            "owner": cast["sw.assessment"],
            "due_on": timezone.localdate() + timedelta(days=7),
        }
    ]
    audit_save(actor=cast["tm.assessment"], audit=draft, **arguments)
    assert Action.objects.filter(audit=draft, status=ActionStatus.OPEN).exists()
    return draft


@pytest.mark.parametrize("role", ["sw.assessment", "chair", "hos", "qa.admin"])
def test_the_case_page_shows_no_action_of_a_draft_the_viewer_may_not_open(client, cast, draft_with_an_action, role):
    client.force_login(cast[role])
    response = client.get(f"/cases/{cast.cases['assessment'].pk}/")
    assert response.status_code == 200
    assert [action.description for action in response.context["open_actions"]] == ["Write the plan"]
    assert "Draft-only action" not in response.getvalue().decode()
    assert client.get(f"/audits/{draft_with_an_action.pk}/").status_code == 404  # the draft they may not open


def test_the_drafts_author_sees_its_actions_on_the_case_page(client, cast, draft_with_an_action):
    client.force_login(cast["tm.assessment"])
    response = client.get(f"/cases/{cast.cases['assessment'].pk}/")
    assert sorted(action.description for action in response.context["open_actions"]) == [
        "Draft-only action",
        "Write the plan",
    ]


def test_the_home_page_lists_the_users_open_actions_and_drafts(client, cast, records):
    client.force_login(cast["sw.assessment"])
    content = client.get("/").getvalue().decode()
    assert "Write the plan" in content and "You have no drafts." in content
    client.force_login(cast["tm.assessment"])
    content = client.get("/").getvalue().decode()
    assert f'href="/audits/{records["draft"].pk}/edit/"' in content
    assert "You have no open actions." in content


def test_mark_as_done_works_from_the_home_page(client, cast, records):
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast["sw.assessment"])
    content = client.get("/").getvalue().decode()
    assert f'action="/actions/{action.pk}/done/"' in content
    response = client.post(f"/actions/{action.pk}/done/", {"next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.DONE, timezone.localdate())
    assert action.history.first().history_user == cast["sw.assessment"]
    assert "You have no open actions." in client.get("/").getvalue().decode()


def test_mark_as_done_never_returns_to_another_site(client, cast, records):
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast["sw.assessment"])
    response = client.post(f"/actions/{action.pk}/done/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == f"/audits/{records['submitted'].pk}/"
