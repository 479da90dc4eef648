"""Recording journeys: start, save, submit, amend, moderate, with history kept for the acting user."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.choices import AuditStatus, Judgement
from audits.models import Action, Audit, Finding, Moderation
from audits.services import audit_moderate
from tests.audits.helpers import (
    error_summary,
    form_data,
    record,
    snapshot,
)

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


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
