"""Records about more than one child's case, by a lead who sees none (board and partnership reviews), and
records about a foster carer of the register."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from audits.models import Audit
from audits.services import audit_start
from fostering.models import FosterCarer
from fostering.services import foster_carer_save
from processes import roles
from processes.models import Process
from processes.services import system_user
from tests.audits.helpers import error_summary, form_data, snapshot
from tests.factories import user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

SCR = "/audits/new/strat-serious-case-reviews/"


@pytest.fixture
def board_chair(db):
    return user_with_roles("board.chair", roles.SAFEGUARDING_BOARD_CHAIR)


def test_the_board_chair_records_a_practice_review_naming_its_cases_by_reference_only(client, cast, board_chair):
    client.force_login(board_chair)
    page = client.get(SCR).content.decode()
    assert "Child Safeguarding Practice Reviews" in page and "Working Together" in page
    assert "Child CASE-A1" not in page  # no case is offered, only a box for references

    response = client.post(SCR, {"subject_label": "Review 2026/1", "case_references": "CASE-A1, CASE-C1\nCASE-A1"})
    audit = Audit.objects.get(carried_out_by=board_chair)
    assert response["Location"] == f"/audits/{audit.pk}/edit/"
    assert (audit.case, audit.case_references, audit.subject_label) == (None, ["CASE-A1", "CASE-C1"], "Review 2026/1")

    assert client.post(f"/audits/{audit.pk}/edit/", form_data(audit, action="submit")).status_code == 302
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "CASE-A1, CASE-C1" in page
    assert "Child CASE-A1" not in page and "Child CASE-C1" not in page  # the children's names never show


def test_a_reference_that_is_no_cases_is_refused_by_name_and_nothing_is_written(client, cast, board_chair):
    client.force_login(board_chair)
    before = snapshot()
    response = client.post(SCR, {"subject_label": "Review 2026/2", "case_references": "CASE-A1\nNO-SUCH-CASE"})
    assert response.status_code == 400
    assert "No case has the reference NO-SUCH-CASE" in error_summary(response)
    assert snapshot() == before


def test_a_practice_review_without_a_name_or_cases_says_both_at_once(client, cast, board_chair):
    client.force_login(board_chair)
    response = client.post(SCR, {"subject_label": "", "case_references": ""})
    content = error_summary(response)
    assert "Say what this record is about" in content
    assert "Give the reference of at least one case the review looked at" in content


def test_the_board_chairs_review_is_not_shown_to_a_team_manager(client, cast, board_chair):
    client.force_login(board_chair)
    client.post(SCR, {"subject_label": "Review 2026/3", "case_references": "CASE-A1"})
    audit = Audit.objects.get(carried_out_by=board_chair)
    client.force_login(cast["tm.assessment"])
    assert client.get(f"/audits/{audit.pk}/").status_code == 404


#
# Records about a foster carer
#


@pytest.fixture
def carers(cast):
    def carer(reference, team):
        household = FosterCarer(
            reference=reference, name=f"Household {reference}", approved_on=date(2024, 1, 8), supervising_team=team
        )
        return foster_carer_save(actor=system_user(), carer=household)

    return {"cic": carer("FC-C", cast.teams["cic"]), "yos": carer("FC-Y", cast.teams["yos"])}


@pytest.fixture
def officer(db):
    return user_with_roles("fostering.officer", roles.FOSTERING_REVIEWING_OFFICER)


def test_a_carers_review_is_about_the_carer_chosen_from_the_register(client, carers, officer):
    client.force_login(officer)
    page = client.get("/audits/new/cic-reviews-of-foster-carers/").content.decode()
    assert "Household FC-C (FC-C)" in page and "Household FC-Y (FC-Y)" in page
    response = client.post("/audits/new/cic-reviews-of-foster-carers/", {"foster_carer": carers["cic"].pk})
    assert response.status_code == 302
    audit = Audit.objects.get(carried_out_by=officer)
    assert (audit.foster_carer, audit.subject_label, audit.team) == (carers["cic"], "", carers["cic"].supervising_team)
    assert audit.subject_display == "Household FC-C (FC-C)"


def test_a_carers_record_is_seen_by_the_leads_who_see_the_carer_and_not_by_others(client, cast, carers, officer):
    client.force_login(officer)
    client.post("/audits/new/cic-reviews-of-foster-carers/", {"foster_carer": carers["cic"].pk})
    audit = Audit.objects.get(carried_out_by=officer)
    client.post(f"/audits/{audit.pk}/edit/", form_data(audit, action="submit"))
    other_officer = user_with_roles("other.officer", roles.FOSTERING_REVIEWING_OFFICER)
    assert Audit.objects.for_user(other_officer).filter(pk=audit.pk).exists()
    assert Audit.objects.for_user(cast["hos"]).filter(pk=audit.pk).exists()
    for name in ("tm.yos", "tm.cic", "chair", "scrutiny"):
        assert not Audit.objects.for_user(cast[name]).filter(pk=audit.pk).exists(), name


def test_a_deregistered_carer_is_not_offered_and_the_service_refuses_it_too(client, carers, officer):
    household = carers["yos"]
    household.status, household.ended_on = "deregistered", date(2026, 6, 30)
    foster_carer_save(actor=system_user(), carer=household, reason="Resigned")
    client.force_login(officer)
    url = "/audits/new/cic-reviews-of-foster-carers/"
    assert "Household FC-Y" not in client.get(url).content.decode()
    before = snapshot()
    response = client.post(url, {"foster_carer": household.pk})
    assert response.status_code == 400
    assert "Choose a foster carer from the list" in error_summary(response)
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        audit_start(
            actor=officer, process=Process.objects.get(key="cic-reviews-of-foster-carers"), foster_carer=household
        )
