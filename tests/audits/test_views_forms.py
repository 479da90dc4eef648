"""The recording forms: they offer only what is in the user's scope, and bad input saves nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.choices import Judgement
from tests.audits.helpers import (
    date_parts,
    error_summary,
    form_data,
    snapshot,
)

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


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
