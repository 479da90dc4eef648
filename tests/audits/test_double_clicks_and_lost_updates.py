"""Double clicks and lost updates on the recording pages: the same start, save, submit, amend or
moderation posted twice writes once, and a save from a form opened before someone else's change is
refused with what changed, keeping the person's input. Replayed posts here; the same posts at the
same moment, in threads on PostgreSQL: test_concurrent_writes.py."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from audits.choices import ActionStatus, AuditStatus
from audits.models import Action, Audit, Moderation
from audits.services import audit_amend, audit_moderate, audit_save, audit_submit
from audits.signals import audit_submitted
from audits.staleness import StaleRecord
from tests.audits.helpers import completed, form_data, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

START = "/audits/new/csc-sample-audit/"


def hidden(response, name) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} in the page"
    return match.group(1)


@pytest.fixture
def submissions():
    """The ids of the records the audit_submitted hook was sent for (the follow-up work)."""
    sent = []

    def receiver(sender, audit_id, **kwargs):
        sent.append(audit_id)

    audit_submitted.connect(receiver, weak=False)
    yield sent
    audit_submitted.disconnect(receiver)


#
# Starting a record
#


def test_the_same_start_form_posted_twice_makes_one_draft_and_both_posts_reach_it(client, cast):
    client.force_login(cast["tm.assessment"])
    token = hidden(client.get(START), "start_token")
    data = {"case": cast.cases["assessment"].pk, "start_token": token}
    first = client.post(START, data)
    second = client.post(START, data)
    draft = Audit.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/audits/{draft.pk}/edit/"
    assert draft.history.filter(history_change_reason="Started").count() == 1
    assert draft.findings.count() == draft.process.outcomes.filter(is_active=True).count()


def test_each_time_the_start_form_is_shown_it_carries_a_new_token(client, cast):
    client.force_login(cast["tm.assessment"])
    assert hidden(client.get(START), "start_token") != hidden(client.get(START), "start_token")


def test_someone_else_posting_a_used_start_token_is_refused_and_nothing_is_written(client, cast):
    client.force_login(cast["tm.assessment"])
    token = hidden(client.get(START), "start_token")
    client.post(START, {"case": cast.cases["assessment"].pk, "start_token": token})
    before = snapshot()
    client.force_login(cast["hos"])
    response = client.post(START, {"case": cast.cases["assessment"].pk, "start_token": token})
    assert response.status_code == 400
    assert "This form has already been used" in response.content.decode()
    assert snapshot() == before


#
# Saving and submitting a draft
#


def test_submitting_the_same_draft_twice_gives_one_submitted_row_and_one_follow_up(
    client, cast, records, submissions, django_capture_on_commit_callbacks
):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    data = form_data(draft, action="submit", version=draft.version)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/audits/{draft.pk}/edit/", data)
        second = client.post(f"/audits/{draft.pk}/edit/", data)
    assert first.status_code == second.status_code == 302
    assert draft.history.filter(history_change_reason="Submitted").count() == 1
    assert submissions == [draft.pk]


def test_a_second_submit_of_the_same_version_is_refused_by_the_service(cast, records, submissions):
    draft = records["draft"]
    manager = cast["tm.assessment"]
    audit_save(actor=manager, audit=draft, **completed(draft))
    opened_at = draft.version
    audit_submit(actor=manager, audit=draft, version=opened_at)
    again = Audit.objects.get(pk=draft.pk)
    with pytest.raises(StaleRecord, match="you .* changed the status from Draft to Submitted"):
        audit_submit(actor=manager, audit=again, version=opened_at)
    assert draft.history.filter(history_change_reason="Submitted").count() == 1


def test_saving_the_same_draft_form_twice_adds_its_new_action_once(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    data = form_data(
        draft,
        version=draft.version,
        action_description="Update the chronology",
        action_owner=cast["sw.assessment"].pk,
        action_due_on="2030-01-31",
    )
    first = client.post(f"/audits/{draft.pk}/edit/", data)
    second = client.post(f"/audits/{draft.pk}/edit/", data)
    # The second is the same click again: answered as the first was, writing nothing more.
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/audits/{draft.pk}/edit/"
    assert Action.objects.filter(audit=draft).count() == 1
    assert draft.history.filter(history_change_reason="Draft saved").count() == 1


def test_a_double_clicked_save_draft_is_answered_as_a_success_and_writes_once(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    data = form_data(draft, version=draft.version, summary="Saved twice by one double click")
    first = client.post(f"/audits/{draft.pk}/edit/", data)
    before = snapshot()
    second = client.post(f"/audits/{draft.pk}/edit/", data)
    assert first.status_code == second.status_code == 302
    assert snapshot() == before
    draft.refresh_from_db()
    assert draft.summary == "Saved twice by one double click"


def test_the_same_version_posted_again_with_different_words_is_still_refused_as_stale(client, cast, records):
    draft = records["draft"]
    client.force_login(cast["tm.assessment"])
    first = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, version=draft.version, summary="First"))
    before = snapshot()
    second = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, version=draft.version, summary="Second"))
    assert first.status_code == 302
    assert second.status_code == 400
    assert "Since you opened this form, you" in second.content.decode()
    assert snapshot() == before


def test_the_same_save_posted_again_minutes_later_is_refused_as_stale(cast, records):
    # Only the person's own write of moments ago makes a resubmit; minutes later it is a stale tab.
    draft = records["draft"]
    manager = cast["tm.assessment"]
    opened_at = draft.version
    arguments = {"fields": {"summary": "Same words"}, "findings": {}}
    audit_save(actor=manager, audit=Audit.objects.get(pk=draft.pk), version=opened_at, **arguments)
    # History rows are append-only for the application: the clock moves on instead.
    five_minutes_on = timezone.now() + timedelta(minutes=5)
    with mock.patch("audits.staleness.timezone.now", return_value=five_minutes_on), pytest.raises(StaleRecord):
        audit_save(actor=manager, audit=Audit.objects.get(pk=draft.pk), version=opened_at, **arguments)


def test_every_write_adds_one_to_the_records_version(cast, records):
    draft = records["draft"]
    manager = cast["tm.assessment"]
    start = draft.version
    audit_save(actor=manager, audit=draft, **completed(draft), version=start)
    audit_submit(actor=manager, audit=draft, version=start + 1)
    audit_moderate(actor=cast["hos"], audit=draft, agreed=True, version=start + 2)
    assert Audit.objects.get(pk=draft.pk).version == start + 3


#
# Amending and moderating over someone else's change
#


def amend_to(audit, actor, **fields):
    arguments = completed(audit, **fields)
    return audit_amend(actor=actor, audit=audit, reason="Regraded on review", **arguments)


def test_a_moderator_agreeing_a_grade_changed_since_they_opened_the_form_is_refused_showing_the_change(
    client, cast, records
):
    audit = records["submitted"]
    client.force_login(cast["hos"])
    opened_at = int(hidden(client.get(f"/audits/{audit.pk}/moderate/"), "version"))
    amend_to(Audit.objects.get(pk=audit.pk), cast["tm.assessment"], grade="inadequate")
    response = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes", "version": opened_at})
    content = response.content.decode()
    assert response.status_code == 400
    assert "changed the grade from Good to Inadequate" in content
    assert cast["tm.assessment"].get_full_name() in content
    assert not Moderation.objects.filter(audit=audit).exists()
    # Their answer is kept, and the form now carries the version they have been shown.
    assert re.search(r'value="yes" checked', content)
    assert int(hidden(response, "version")) == Audit.objects.get(pk=audit.pk).version
    again = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes", "version": hidden(response, "version")})
    assert again.status_code == 302
    assert Moderation.objects.get(audit=audit).grade == "inadequate"


def test_two_moderators_at_once_one_moderates_and_the_other_is_told_not_given_an_error(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["qa.admin"])
    opened_at = int(hidden(client.get(f"/audits/{audit.pk}/moderate/"), "version"))
    audit_moderate(actor=cast["hos"], audit=Audit.objects.get(pk=audit.pk), agreed=True, version=opened_at)
    response = client.post(
        f"/audits/{audit.pk}/moderate/",
        {"agreed": "no", "grade": "outstanding", "reason": "Strong plan", "version": opened_at},
    )
    assert response.status_code in (302, 400)
    assert Moderation.objects.filter(audit=audit).count() == 1
    assert Moderation.objects.get(audit=audit).moderator == cast["hos"]


def test_a_moderation_from_a_stale_version_is_refused_by_the_service_before_it_writes(cast, records):
    audit = records["submitted"]
    opened_at = audit.version
    audit_moderate(actor=cast["hos"], audit=Audit.objects.get(pk=audit.pk), agreed=True, version=opened_at)
    before = snapshot()
    with pytest.raises(StaleRecord, match="changed the status from Submitted to Moderated"):
        audit_moderate(actor=cast["qa.admin"], audit=Audit.objects.get(pk=audit.pk), agreed=True, version=opened_at)
    assert snapshot() == before


def test_an_amendment_over_someone_elses_amendment_is_refused_and_keeps_the_persons_input(client, cast, records):
    audit = records["submitted"]
    client.force_login(cast["hos"])
    opened_at = int(hidden(client.get(f"/audits/{audit.pk}/amend/"), "version"))
    amend_to(Audit.objects.get(pk=audit.pk), cast["tm.assessment"], summary="The author's new summary")
    before = snapshot()
    data = form_data(audit, summary="The head of service's summary", reason="Clarified", version=opened_at)
    response = client.post(f"/audits/{audit.pk}/amend/", data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "changed the summary" in content
    assert "The head of service&#x27;s summary" in content or "The head of service's summary" in content
    assert snapshot() == before


def test_a_stale_refusal_tells_no_one_who_may_not_write_what_changed(cast, records):
    audit = records["submitted"]
    opened_at = audit.version
    amend_to(Audit.objects.get(pk=audit.pk), cast["tm.assessment"], grade="inadequate")
    with pytest.raises(Exception) as refused:
        audit_moderate(
            actor=cast["sw.assessment"], audit=Audit.objects.get(pk=audit.pk), agreed=True, version=opened_at
        )
    assert not isinstance(refused.value, StaleRecord)
    assert "Inadequate" not in str(refused.value)


#
# Actions
#


def test_marking_an_action_done_twice_writes_one_done_row(client, cast, records):
    action = Action.objects.get(audit=records["submitted"])
    client.force_login(cast["sw.assessment"])
    first = client.post(f"/actions/{action.pk}/done/")
    second = client.post(f"/actions/{action.pk}/done/")
    assert first.status_code == second.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.history.filter(history_change_reason="Done").count() == 1


def test_the_draft_status_is_unchanged_by_a_refused_stale_save(cast, records):
    draft = records["draft"]
    manager = cast["tm.assessment"]
    opened_at = draft.version
    audit_save(actor=manager, audit=Audit.objects.get(pk=draft.pk), fields={"summary": "First tab"}, findings={})
    with pytest.raises(StaleRecord, match="changed the summary"):
        audit_save(
            actor=manager,
            audit=Audit.objects.get(pk=draft.pk),
            fields={"summary": "Second tab"},
            findings={},
            version=opened_at,
        )
    draft.refresh_from_db()
    assert (draft.status, draft.summary) == (AuditStatus.DRAFT, "First tab")
