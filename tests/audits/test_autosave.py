"""The draft's autosave endpoint (audits:audit_autosave): it saves through the same checks as "Save
draft" and answers in JSON with the new version, refuses a stale version with 409 writing nothing, and
answers 400 with the field errors for input the draft cannot take. Who may reach it: the access matrix."""

import pytest

from audits.models import Action, Audit
from audits.services import audit_save
from tests.audits.helpers import form_data, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def autosave_url(audit) -> str:
    return f"/audits/{audit.pk}/autosave/"


def typed(audit, **overrides) -> dict:
    """What the page posts as the person types: the form as it stands, without a button."""
    data = form_data(audit, **({"version": audit.version} | overrides))
    data.pop("action")
    return data


def test_an_autosave_saves_the_draft_and_answers_with_the_new_version(client, cast, records):
    draft = records["draft"]
    opened_at = draft.version
    client.force_login(cast["tm.assessment"])
    response = client.post(autosave_url(draft), typed(draft, summary="Half a thought"))
    draft.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["version"] == draft.version == opened_at + 1
    assert response.json()["saved_at"]
    assert draft.summary == "Half a thought"
    assert draft.status == "draft"
    assert draft.history.latest().history_user == cast["tm.assessment"]


def test_a_save_draft_carrying_the_autosaves_version_is_not_refused_as_stale(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    saved = client.post(autosave_url(draft), typed(draft, summary="Typed")).json()
    response = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, version=saved["version"], summary="Done"))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.summary == "Done"


def test_a_stale_autosave_is_refused_with_409_and_writes_nothing(client, cast, records):
    draft = records["draft"]
    opened_at = draft.version
    manager = cast["tm.assessment"]
    other_tab = Audit.objects.get(pk=draft.pk)
    audit_save(actor=manager, audit=other_tab, fields={"summary": "From the other tab"}, findings={})
    before = snapshot()
    client.force_login(manager)
    response = client.post(autosave_url(draft), typed(draft, version=opened_at, summary="From this tab"))
    assert response.status_code == 409
    assert "Since you opened this form, you" in response.json()["message"]
    assert response.json()["version"] == opened_at + 1
    assert snapshot() == before


def test_a_half_typed_date_is_answered_with_its_error_and_nothing_is_written(client, cast, records):
    draft = records["draft"]
    before = snapshot()
    client.force_login(cast["tm.assessment"])
    data = typed(draft, held_on="")
    data |= {"held_on_0": "12", "held_on_1": "", "held_on_2": ""}
    response = client.post(autosave_url(draft), data)
    assert response.status_code == 400
    assert "held_on" in response.json()["errors"]
    assert snapshot() == before


def test_an_autosave_without_a_version_is_refused_and_writes_nothing(client, cast, records):
    draft = records["draft"]
    before = snapshot()
    client.force_login(cast["tm.assessment"])
    data = typed(draft)
    data.pop("version")
    response = client.post(autosave_url(draft), data)
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    assert snapshot() == before


def test_a_half_typed_action_is_left_for_save_draft_and_the_rest_is_saved(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    response = client.post(autosave_url(draft), typed(draft, summary="Kept", action_description="Update the chr"))
    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.summary == "Kept"
    assert not Action.objects.filter(audit=draft).exists()


def test_an_autosave_of_a_submitted_record_is_refused_with_409_and_writes_nothing(client, cast, records):
    submitted = records["submitted"]
    before = snapshot()
    client.force_login(cast["tm.assessment"])
    response = client.post(autosave_url(submitted), typed(submitted, summary="Changed"))
    assert response.status_code == 409
    assert "submitted" in response.json()["message"]
    assert snapshot() == before


def test_someone_else_who_sees_the_draft_may_not_autosave_it(client, cast, records):
    draft = records["draft"]
    before = snapshot()
    # A moderator sees every record, a draft too only as its author's: outside their scope it is not there.
    client.force_login(cast["hos"])
    response = client.post(autosave_url(draft), typed(draft, summary="Not mine"))
    assert response.status_code == 404
    assert snapshot() == before
