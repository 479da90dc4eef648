"""Recording pages: every recording URL answers every demo role as its scope says, forms offer only
what is in scope, bad input saves nothing, and the lists, CSV, case page and home page show only what
the user may see, in a fixed number of queries.

GET answers per role are also rows of tests/test_access_matrix.py; this module covers the writes.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.choices import ActionStatus, AuditStatus, Judgement
from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from audits.services import audit_moderate, audit_save, audit_start, audit_submit
from cases.choices import AccessAction
from cases.models import AccessLogEntry
from processes.models import Process, RequiredOutcome
from tests.cast import ROLE_NAMES

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

SEES_ASSESSMENT_CASE = {"qa.admin", "hos", "tm.assessment", "sw.assessment", "chair"}
MODERATORS = {"qa.admin", "hos"}


def answers(default: int, **by_status: set[str]) -> dict[str, int]:
    """Expected status per role: answers(404, ok={...}, forbidden={...})."""
    codes = {"ok": 200, "redirect": 302, "bad": 400, "forbidden": 403}
    expected = dict.fromkeys(ROLE_NAMES, default)
    for name, roles in by_status.items():
        expected |= dict.fromkeys(roles, codes[name])
    return expected


def process(key) -> Process:
    return Process.objects.get(key=key)


def a_week_ago() -> date:
    return timezone.localdate() - timedelta(days=7)


def completed(audit, **fields) -> dict:
    """Service arguments that make `audit` complete: every outcome met, dated, graded if it grades."""
    values = {"held_on": a_week_ago(), "summary": "Checked.", **fields}
    if audit.process.grades:
        values.setdefault("grade", "good")
    if audit.process.asks_child_voice:
        values.setdefault("child_voice", "Said school is going well.")
    findings = {finding.pk: {"judgement": "met", "evidence": ""} for finding in audit.findings.all()}
    return {"fields": values, "findings": findings}


def record(actor, key, *, submit=True, not_met=False, action_owner=None, **subject) -> Audit:
    """An audit through the services: started, completed and (unless submit=False) submitted."""
    audit = audit_start(actor=actor, process=process(key), **subject)
    if not submit:
        return audit
    arguments = completed(audit)
    if not_met:
        first = audit.findings.order_by("outcome__position").first()
        arguments["findings"][first.pk] = {"judgement": "not_met", "evidence": "No plan on file."}
    if action_owner:
        arguments["new_actions"] = [
            {
                "description": "Write the plan",
                "owner": action_owner,
                "due_on": timezone.localdate() + timedelta(days=14),
            }
        ]
    audit_save(actor=actor, audit=audit, **arguments)
    return audit_submit(actor=actor, audit=audit)


@pytest.fixture
def records(cast):
    """A submitted, graded audit of the assessment case (one outcome not met, an action for the social
    worker), a draft of the same case, a workforce record about the social worker, and a submitted
    audit of the children-in-care case. All but the last by tm.assessment."""
    manager = cast["tm.assessment"]
    return {
        "submitted": record(
            manager,
            "csc-sample-audit",
            case=cast.cases["assessment"],
            not_met=True,
            action_owner=cast["sw.assessment"],
        ),
        "draft": record(manager, "csc-sample-audit", case=cast.cases["assessment"], submit=False),
        "workforce": record(manager, "csc-supervision", staff_member=cast["sw.assessment"]),
        "cic": record(cast["tm.cic"], "csc-sample-audit", case=cast.cases["cic"]),
    }


DATE_FIELDS = ("held_on", "due_on", "next_review_on", "action_due_on")


def date_parts(name: str, value) -> dict:
    """A GOV.UK date input's three boxes (day, month, year) for an ISO date, a date or blank."""
    if not value:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    year, month, day = str(value).split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def form_data(audit, *, action="save", judgement="met", **overrides) -> dict:
    """What the record form posts when every field is filled in. Dates may be given as ISO dates."""
    data = {"action": action, "held_on": a_week_ago().isoformat(), "due_on": "", "summary": "Checked."}
    for finding in audit.findings.all():
        data[f"finding-{finding.pk}-judgement"] = judgement
        data[f"finding-{finding.pk}-evidence"] = ""
    if audit.process.grades:
        data["grade"] = "good"
    if audit.process.asks_child_voice:
        data["child_voice"] = "Said school is going well."
    data |= overrides
    for name in DATE_FIELDS:
        if name in data:
            data |= date_parts(name, data.pop(name))
    return data


def snapshot() -> dict:
    """Every recording row and history count: equal before and after means nothing was written."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Audit, Finding, Action, ConferenceRecord, VisitRecord, Moderation)
    }
    history = {f"{model.__name__} history": model.history.count() for model in (Audit, Finding, Action, Moderation)}
    return rows | history


def error_summary(response) -> str:
    """The page's content, once it is known to carry the GOV.UK error summary and "Error:" title."""
    content = response.content.decode()
    assert "<title>Error: " in content
    assert 'class="govuk-error-summary"' in content
    assert "There is a problem" in content
    return content


#
# Writes, role by role
#


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_a_manager_who_sees_the_case_may_start_a_sample_audit_of_it(client, cast, role):
    expected = answers(403, redirect={"tm.assessment", "hos"}, bad={"tm.cic", "tm.yos"})
    client.force_login(cast[role])
    before = Audit.objects.count()
    response = client.post("/audits/new/csc-sample-audit/", {"case": cast.cases["assessment"].pk})
    assert response.status_code == expected[role]
    if expected[role] == 302:
        audit = Audit.objects.get()
        assert response["Location"] == f"/audits/{audit.pk}/edit/"
        assert (audit.carried_out_by, audit.case, audit.status) == (cast[role], cast.cases["assessment"], "draft")
    else:
        assert Audit.objects.count() == before


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_the_author_may_save_a_draft(client, cast, records, role):
    # A draft is its author's alone: everyone else, whatever their scope, is told it is not there.
    expected = answers(404, redirect={"tm.assessment"})
    draft = records["draft"]
    client.force_login(cast[role])
    before = snapshot()
    response = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Changed by someone"))
    assert response.status_code == expected[role]
    if expected[role] == 302:
        draft.refresh_from_db()
        assert draft.summary == "Changed by someone"
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_author_and_the_moderators_may_amend_a_submitted_audit(client, cast, records, role):
    expected = answers(404, redirect={"tm.assessment", "hos", "qa.admin"}, forbidden={"sw.assessment", "chair"})
    audit = records["submitted"]
    client.force_login(cast[role])
    before = snapshot()
    data = form_data(audit, summary="Amended summary", reason="Summary was incomplete")
    response = client.post(f"/audits/{audit.pk}/amend/", data)
    assert response.status_code == expected[role]
    audit.refresh_from_db()
    if expected[role] == 302:
        assert (audit.status, audit.summary) == (AuditStatus.AMENDED, "Amended summary")
        assert audit.history.first().history_user == cast[role]
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_a_head_of_service_or_qa_administrator_may_moderate(client, cast, records, role):
    expected = answers(403, redirect=MODERATORS)
    audit = records["submitted"]
    client.force_login(cast[role])
    before = snapshot()
    response = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes"})
    assert response.status_code == expected[role]
    if expected[role] == 302:
        moderation = Moderation.objects.get(audit=audit)
        assert (moderation.moderator, moderation.agreed) == (cast[role], True)
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_the_owner_or_the_auditor_may_mark_an_action_done(client, cast, records, role):
    expected = answers(
        404,
        redirect={"sw.assessment", "tm.assessment"},
        forbidden=SEES_ASSESSMENT_CASE - {"sw.assessment", "tm.assessment"},
    )
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast[role])
    response = client.post(f"/actions/{action.pk}/done/")
    assert response.status_code == expected[role]
    action.refresh_from_db()
    assert action.status == (ActionStatus.DONE if expected[role] == 302 else ActionStatus.OPEN)


@pytest.mark.parametrize("role", [None, *ROLE_NAMES])
def test_marking_an_action_done_answers_only_a_post(client, cast, records, role):
    action = Action.objects.get(audit=records["submitted"])
    if role:
        client.force_login(cast[role])
    assert client.get(f"/actions/{action.pk}/done/").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/audits/new/csc-sample-audit/",
        "/audits/{draft}/edit/",
        "/audits/{submitted}/amend/",
        "/audits/{submitted}/moderate/",
        "/actions/{action}/done/",
    ],
)
def test_anonymous_posts_are_sent_to_sign_in_and_write_nothing(client, cast, records, path):
    action = Action.objects.get(audit=records["submitted"])
    url = path.format(draft=records["draft"].pk, submitted=records["submitted"].pk, action=action.pk)
    before = snapshot()
    response = client.post(url, {"case": cast.cases["assessment"].pk, "agreed": "yes", "reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


#
# Forms offer only what is in scope
#


def case_references(response) -> set[str]:
    return {case.reference for case in response.context["form"].fields["case"].queryset}


def test_the_start_forms_date_due_is_a_gov_uk_date_input_whose_errors_name_it(client, cast):
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    data = {"case": cast.cases["assessment"].pk} | date_parts("due_on", "2026-02-30")
    response = client.post("/audits/new/csc-sample-audit/", data)
    assert response.status_code == 400
    assert "The date due must be a real date" in error_summary(response)
    assert 'href="#id_due_on_0"' in response.content.decode()
    assert snapshot() == before
    data = {"case": cast.cases["assessment"].pk} | {"due_on_0": "4", "due_on_1": "", "due_on_2": "2026"}
    assert "The date due must include a month" in error_summary(client.post("/audits/new/csc-sample-audit/", data))


def test_the_start_form_offers_a_team_manager_only_their_teams_cases(client, cast):
    client.force_login(cast["tm.cic"])
    response = client.get("/audits/new/csc-sample-audit/")
    assert case_references(response) == {"CASE-C1"}
    content = response.content.decode()
    assert "CASE-C1" in content
    assert "CASE-A1" not in content and "CASE-Y1" not in content


def test_the_start_form_offers_the_chair_only_the_case_they_chair(client, cast):
    client.force_login(cast["chair"])
    response = client.get("/audits/new/aa-child-protection-review/")
    assert case_references(response) == {"CASE-A1"}
    assert "CASE-A2" not in response.content.decode()


def test_the_start_form_offers_a_manager_only_their_team_as_staff(client, cast):
    client.force_login(cast["tm.assessment"])
    response = client.get("/audits/new/csc-supervision/")
    staff = {user.username for user in response.context["form"].fields["staff_member"].queryset}
    assert staff == {"sw.assessment"}


def test_a_case_offered_from_outside_the_scope_is_not_found(client, cast):
    client.force_login(cast["tm.cic"])
    assert client.get(f"/audits/new/csc-sample-audit/?case={cast.cases['assessment'].pk}").status_code == 404


def test_posting_an_out_of_scope_case_re_renders_with_an_error_and_creates_nothing(client, cast):
    client.force_login(cast["tm.cic"])
    before = snapshot()
    response = client.post("/audits/new/csc-sample-audit/", {"case": cast.cases["assessment"].pk})
    assert response.status_code == 400
    assert "Choose a case from the list" in error_summary(response)
    assert snapshot() == before


def test_posting_someone_outside_the_team_as_staff_creates_nothing(client, cast):
    client.force_login(cast["tm.cic"])
    before = snapshot()
    response = client.post("/audits/new/csc-supervision/", {"staff_member": cast["sw.assessment"].pk})
    assert response.status_code == 400
    assert "Choose someone from the list" in error_summary(response)
    assert snapshot() == before


#
# Bad input on the record form saves nothing
#


def test_submitting_not_met_without_evidence_re_renders_the_errors_and_saves_nothing(client, cast, records):
    draft = records["draft"]
    first = draft.findings.order_by("outcome__position").first()
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    data = form_data(
        draft,
        action="submit",
        summary="Should not be kept",
        action_description="Chase the plan",
        action_owner=cast["sw.assessment"].pk,
        action_due_on=(timezone.localdate() + timedelta(days=7)).isoformat(),
    )
    data[f"finding-{first.pk}-judgement"] = Judgement.NOT_MET
    response = client.post(f"/audits/{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert "Give the evidence for the outcome not fully met" in error_summary(response)
    assert snapshot() == before


def test_an_invalid_date_re_renders_with_the_error_and_saves_nothing(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    response = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, held_on="2026-02-31"))
    assert response.status_code == 400
    assert "The date carried out must be a real date" in error_summary(response)
    assert snapshot() == before


def test_an_action_without_an_owner_is_refused_and_saves_nothing(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    response = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, action_description="Chase the plan"))
    assert response.status_code == 400
    content = error_summary(response)
    assert "Choose who owns the action" in content and "Enter the date the action is due by" in content
    assert snapshot() == before


#
# Journeys: start, save, submit, amend, moderate
#


def test_starting_saving_then_submitting_writes_history_with_the_acting_user(client, cast):
    manager = cast["tm.assessment"]
    client.force_login(manager)
    response = client.post("/audits/new/csc-sample-audit/", {"case": cast.cases["assessment"].pk})
    audit = Audit.objects.get()
    assert response["Location"] == f"/audits/{audit.pk}/edit/"

    data = form_data(audit, action="save", summary="Half way")
    data.pop("grade")
    response = client.post(f"/audits/{audit.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/edit/"
    audit.refresh_from_db()
    assert (audit.status, audit.summary, audit.grade) == (AuditStatus.DRAFT, "Half way", "")
    assert audit.history.first().history_change_reason == "Draft saved"

    response = client.post(f"/audits/{audit.pk}/edit/", form_data(audit, action="submit", summary="Done"))
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/"
    audit.refresh_from_db()
    assert (audit.status, audit.summary, audit.grade) == (AuditStatus.SUBMITTED, "Done", "good")
    assert audit.submitted_at is not None
    reasons = [row.history_change_reason for row in audit.history.order_by("history_date", "history_id")]
    assert reasons == ["Started", "Draft saved", "Draft saved", "Submitted"]
    assert {row.history_user for row in audit.history.all()} == {manager}
    assert {row.history_user for row in Finding.history.filter(audit_id=audit.pk)} == {manager}
    assert set(audit.findings.values_list("judgement", flat=True)) == {Judgement.MET}


def test_an_action_agreed_on_the_form_is_saved_with_its_owner(client, cast, records):
    draft = records["draft"]
    finding = draft.findings.order_by("outcome__position").first()
    client.force_login(cast["tm.assessment"])
    due = timezone.localdate() + timedelta(days=10)
    data = form_data(
        draft,
        action_description="Update the chronology",
        action_owner=cast["sw.assessment"].pk,
        action_due_on=due.isoformat(),
        action_finding=str(finding.pk),
    )
    assert client.post(f"/audits/{draft.pk}/edit/", data).status_code == 302
    action = Action.objects.get(audit=draft)
    assert (action.owner, action.due_on, action.finding, action.status) == (cast["sw.assessment"], due, finding, "open")
    assert action.history.get().history_user == cast["tm.assessment"]


def test_an_amendment_needs_a_reason(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    response = client.post(f"/audits/{audit.pk}/amend/", form_data(audit, summary="New", reason=" "))
    assert response.status_code == 400
    assert "Give the reason for the amendment" in error_summary(response)
    assert snapshot() == before

    response = client.post(f"/audits/{audit.pk}/amend/", form_data(audit, summary="New", reason="Typo"))
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/"
    audit.refresh_from_db()
    assert (audit.status, audit.summary) == (AuditStatus.AMENDED, "New")
    latest = audit.history.first()
    assert (latest.history_user, latest.history_change_reason) == (cast["tm.assessment"], "Amended: Typo")
    assert audit.history.filter(summary="Checked.", status=AuditStatus.SUBMITTED).exists()


def test_an_amendment_that_leaves_the_record_incomplete_saves_nothing(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["tm.assessment"])
    before = snapshot()
    data = form_data(audit, reason="Grade was wrong")
    data.pop("grade")
    response = client.post(f"/audits/{audit.pk}/amend/", data)
    assert response.status_code == 400
    assert "Choose an overall grade" in error_summary(response)
    assert snapshot() == before


def test_a_moderator_who_changes_the_grade_must_give_a_reason(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["hos"])
    before = snapshot()
    response = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "no", "grade": "inadequate", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for changing the grade" in error_summary(response)
    assert snapshot() == before

    data = {"agreed": "no", "grade": "inadequate", "reason": "No plan"}
    assert client.post(f"/audits/{audit.pk}/moderate/", data).status_code == 302
    audit.refresh_from_db()
    assert (audit.status, audit.grade) == (AuditStatus.MODERATED, "inadequate")
    assert audit.history.first().history_user == cast["hos"]


def test_a_draft_an_ungraded_or_a_moderated_record_offers_no_moderation_form(client, cast, records):
    audit_moderate(actor=cast["qa.admin"], audit=records["cic"], agreed=True)
    client.force_login(cast["hos"])
    before = snapshot()
    for name in ("workforce", "cic"):
        url = f"/audits/{records[name].pk}/moderate/"
        for response in (client.get(url), client.post(url, {"agreed": "yes"})):
            assert (response.status_code, response["Location"]) == (302, f"/audits/{records[name].pk}/"), name
    # Someone else's draft is not there at all.
    url = f"/audits/{records['draft'].pk}/moderate/"
    assert client.get(url).status_code == client.post(url, {"agreed": "yes"}).status_code == 404
    assert snapshot() == before


def test_a_moderator_may_not_moderate_their_own_record(client, cast):
    audit = record(cast["hos"], "csc-sample-audit", case=cast.cases["yos"])
    client.force_login(cast["hos"])
    assert client.get(f"/audits/{audit.pk}/moderate/").status_code == 302
    assert "/moderate/" not in client.get(f"/audits/{audit.pk}/").content.decode()
    client.force_login(cast["qa.admin"])
    assert client.get(f"/audits/{audit.pk}/moderate/").status_code == 200
    assert f'href="/audits/{audit.pk}/moderate/"' in client.get(f"/audits/{audit.pk}/").content.decode()


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
    content = response.content.decode()
    assert response.status_code == 200
    for case in cast.cases.values():
        assert case.reference not in content and case.child_name not in content
    assert "No audits to show." in content


def test_the_list_shows_the_moderation_agreement_rate(client, cast, records):
    audit_moderate(actor=cast["hos"], audit=records["submitted"], agreed=True)
    audit_moderate(actor=cast["hos"], audit=records["cic"], agreed=False, grade="inadequate", reason="Thin plan")
    client.force_login(cast["hos"])
    assert "1 of 2 moderated audits (50%)" in client.get("/audits/").content.decode()
    client.force_login(cast["tm.assessment"])
    assert "1 of 1 moderated audits (100%)" in client.get("/audits/").content.decode()
    client.force_login(cast["tm.yos"])
    assert "No audit in this list has been moderated yet." in client.get("/audits/").content.decode()


def test_the_list_filters_by_status_and_process(client, cast, records):
    client.force_login(cast["tm.assessment"])
    assert listed(client.get("/audits/", {"status": "draft"})) == {records["draft"].pk}
    client.force_login(cast["hos"])
    assert listed(client.get("/audits/", {"status": "draft"})) == set()
    assert listed(client.get("/audits/", {"process": "csc-supervision"})) == {records["workforce"].pk}


def export_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_holds_only_what_the_user_may_see_and_no_child_name(client, cast, records):
    client.force_login(cast["tm.cic"])
    response = client.get("/audits/export.csv")
    rows = export_rows(response)
    assert [int(row["id"]) for row in rows] == [records["cic"].pk]
    assert rows[0]["subject"] == "CASE-C1"
    assert "Child CASE" not in response.content.decode()

    client.force_login(cast["hos"])
    response = client.get("/audits/export.csv")
    submitted = {audit.pk for name, audit in records.items() if name != "draft"}
    assert {int(row["id"]) for row in export_rows(response)} == submitted
    assert "Child CASE" not in response.content.decode()

    client.force_login(cast["scrutiny"])
    assert export_rows(client.get("/audits/export.csv")) == []


def test_the_export_logs_each_case_it_holds(client, cast, records):
    client.force_login(cast["tm.cic"])
    client.get("/audits/export.csv")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.case, entry.action) == (cast["tm.cic"], cast.cases["cic"], AccessAction.EXPORTED)


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
    content = response.content.decode()
    not_met = records["submitted"].findings.get(judgement=Judgement.NOT_MET)
    assert f"Not met: {not_met.outcome.text[:60]}" in content
    assert [action.description for action in response.context["open_actions"]] == ["Write the plan"]
    assert "Write the plan" in content
    assert f'href="/audits/{records["submitted"].pk}/"' in content


def test_the_home_page_lists_the_users_open_actions_and_drafts(client, cast, records):
    client.force_login(cast["sw.assessment"])
    content = client.get("/").content.decode()
    assert "Write the plan" in content and "You have no drafts." in content
    client.force_login(cast["tm.assessment"])
    content = client.get("/").content.decode()
    assert f'href="/audits/{records["draft"].pk}/edit/"' in content
    assert "You have no open actions." in content


def test_mark_as_done_works_from_the_home_page(client, cast, records):
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast["sw.assessment"])
    content = client.get("/").content.decode()
    assert f'action="/actions/{action.pk}/done/"' in content
    response = client.post(f"/actions/{action.pk}/done/", {"next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.DONE, timezone.localdate())
    assert action.history.first().history_user == cast["sw.assessment"]
    assert "You have no open actions." in client.get("/").content.decode()


def test_mark_as_done_never_returns_to_another_site(client, cast, records):
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast["sw.assessment"])
    response = client.post(f"/actions/{action.pk}/done/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == f"/audits/{records['submitted'].pk}/"


#
# Fixed query counts
#


def add_audits(count: int, *, cases, workforce_about=None, auditors, moderator) -> list[Audit]:
    """Submitted sample audits in bulk, spread over `cases` (and workforce records about one person),
    each with its findings, one in five moderated (half of those agreed).

    The list prefetches people, teams and processes: a prefetch with nothing to fetch runs no query,
    so pages compared by their query counts must hold the same kinds of record."""
    sample, supervision = process("csc-sample-audit"), process("csc-supervision")
    outcomes = {p.pk: list(p.outcomes.filter(is_active=True)) for p in (sample, supervision)}
    today = timezone.localdate()
    audits = []
    for n in range(count):
        workforce = workforce_about is not None and n % 10 == 9
        case = None if workforce else cases[n % len(cases)]
        audits.append(
            Audit(
                process=supervision if workforce else sample,
                case=case,
                staff_member=workforce_about if workforce else None,
                team=case.team if case else workforce_about.staff_profile.team,
                carried_out_by=auditors[n % len(auditors)],
                # Ten a day, the tenth a workforce record: every page holds both kinds.
                held_on=today - timedelta(days=n // 10),
                due_on=today - timedelta(days=n // 10 + n % 3 - 1),
                status=AuditStatus.SUBMITTED,
                grade="" if workforce else "good",
            )
        )
    audits = Audit.objects.bulk_create(audits, batch_size=2000)
    Finding.objects.bulk_create(
        (
            Finding(audit=audit, outcome=outcome, judgement=Judgement.MET if n % 4 else Judgement.NOT_MET)
            for audit in audits
            for n, outcome in enumerate(outcomes[audit.process_id])
        ),
        batch_size=2000,
    )
    Moderation.objects.bulk_create(
        (
            Moderation(
                audit=audit,
                moderator=moderator,
                original_grade="good",
                agreed=n % 10 == 0,
                grade="good" if n % 10 == 0 else "requires_improvement",
                reason="" if n % 10 == 0 else "Plan thin",
            )
            for n, audit in enumerate(audits)
            if moderator and n % 5 == 0 and audit.grade
        ),
        batch_size=2000,
    )
    return audits


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["tm.assessment", "hos"])
def test_the_audit_list_runs_the_same_number_of_queries_at_ten_and_ten_thousand_audits(client, cast, records, role):
    client.force_login(cast[role])
    bulk = {
        "cases": [cast.cases["assessment"], cast.cases["assessment_unchaired"], cast.cases["cic"]],
        "workforce_about": cast["sw.assessment"],
        "auditors": [cast["tm.assessment"], cast["tm.cic"], cast["hos"]],
        "moderator": cast["qa.admin"],
    }
    add_audits(10 - len(records), **bulk)
    assert Audit.objects.count() == 10
    at_ten = queries_for(client, "/audits/")
    add_audits(9_990, **bulk)
    assert Audit.objects.count() == 10_000
    at_ten_thousand = queries_for(client, "/audits/")
    assert at_ten_thousand == at_ten
    # And the page really is full: 50 rows of what this user may see.
    assert len(client.get("/audits/").context["page_obj"].object_list) == 50


def test_the_audit_page_runs_the_same_number_of_queries_with_2_or_30_findings_and_actions(client, cast, records):
    sample = process("csc-sample-audit")
    RequiredOutcome.objects.bulk_create(
        RequiredOutcome(process=sample, position=100 + n, text=f"Extra outcome {n}") for n in range(30)
    )
    outcomes = list(sample.outcomes.order_by("position"))
    owners = [cast["sw.assessment"], cast["tm.assessment"], cast["hos"]]

    def audit_with(size):
        (audit,) = add_audits(1, cases=[cast.cases["assessment"]], auditors=[cast["tm.assessment"]], moderator=None)
        Finding.objects.filter(audit=audit).delete()
        findings = Finding.objects.bulk_create(
            Finding(audit=audit, outcome=outcome, judgement=Judgement.NOT_MET, evidence="Gap")
            for outcome in outcomes[:size]
        )
        Action.objects.bulk_create(
            Action(
                audit=audit,
                finding=findings[n] if n % 2 else None,
                description=f"Action {n}",
                owner=owners[n % len(owners)],
                due_on=timezone.localdate() + timedelta(days=n),
            )
            for n in range(size)
        )
        return audit

    few, many = audit_with(2), audit_with(30)
    client.force_login(cast["tm.assessment"])
    assert queries_for(client, f"/audits/{few.pk}/") == queries_for(client, f"/audits/{many.pk}/")


def test_the_case_page_runs_the_same_number_of_queries_with_1_or_40_audits(client, cast):
    case = cast.cases["assessment_unchaired"]
    bulk = {
        "cases": [case],
        "auditors": [cast["tm.assessment"], cast["hos"], cast["sw.assessment"]],
        "moderator": cast["qa.admin"],
    }

    def with_actions(audits):
        owners = [cast["sw.assessment"], cast["tm.assessment"]]
        Action.objects.bulk_create(
            Action(audit=audit, description="Follow up", owner=owners[n % 2], due_on=timezone.localdate())
            for n, audit in enumerate(audits)
        )

    with_actions(add_audits(1, **bulk))
    client.force_login(cast["tm.assessment"])
    one = queries_for(client, f"/cases/{case.pk}/")
    with_actions(add_audits(39, **bulk))
    response = client.get(f"/cases/{case.pk}/")
    assert len(response.context["audits"]) == 40
    assert queries_for(client, f"/cases/{case.pk}/") == one


def test_a_moderated_record_amended_later_offers_no_second_moderation(client, cast, records):
    audit = records["submitted"]
    audit_moderate(actor=cast["qa.admin"], audit=audit, agreed=True)
    client.force_login(cast["tm.assessment"])
    data = form_data(audit, summary="Added the plan's date", reason="Plan date was missing")
    assert client.post(f"/audits/{audit.pk}/amend/", data).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.AMENDED
    client.force_login(cast["hos"])
    assert f'href="/audits/{audit.pk}/moderate/"' not in client.get(f"/audits/{audit.pk}/").content.decode()
    response = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes"})
    assert (response.status_code, response["Location"]) == (302, f"/audits/{audit.pk}/")
    assert Moderation.objects.filter(audit=audit).count() == 1
