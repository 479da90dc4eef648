"""Recording writes, role by role: who may start, save, amend, moderate and mark an action done;
anonymous posts: test_views_access.py. GET answers per role are rows of tests/test_access_matrix.py."""

import pytest

from audits.choices import ActionStatus, AuditStatus
from audits.models import Action, Audit, Moderation
from tests.audits.helpers import (
    MODERATORS,
    SEES_ASSESSMENT_CASE,
    answers,
    form_data,
    snapshot,
)
from tests.cast import ROLE_NAMES

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


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


# Anonymous GETs and POSTs of every write page: tests/audits/test_views_access.py.
