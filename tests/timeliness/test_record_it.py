"""Record it: a record started from a due item is tied to that item as the draft is made, carries and
shows its due date, and meets that item when submitted, in the submission's own transaction. A due
date on no working day is flagged where items and records are shown."""

from datetime import date

import pytest

from audits.models import Audit
from audits.services import audit_save, audit_submit
from tests.audits.test_services import complete
from timeliness.choices import DueStatus
from timeliness.models import DueItem
from timeliness.planning import plan_due_items

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 14)
HELD = date(2026, 11, 20)  # tests.audits.test_services.complete's date
# Earlier than every planned item (the cast's episodes start in January 2026), so first on every list.
SUNDAY, NEW_YEAR = date(2026, 1, 4), date(2026, 1, 1)
# Core groups: planned on a grid (every 4 weeks from the plan), so a case has several open at once; led by
# the team manager, on CASE-A1 (tm.assessment's team). (Visits count from the last one made: one open.)
VISITS = "aa-core-groups"


@pytest.fixture
def visits(cast):
    plan_due_items(today=TODAY, horizon_days=90)
    items = list(DueItem.objects.filter(process__key=VISITS, case=cast.cases["assessment"]).order_by("due_on"))
    assert len(items) >= 2
    return items


def start_url(item, **query):
    query = {"case": item.case_id, "due": item.pk, **query}
    return f"/audits/new/{VISITS}/?" + "&".join(f"{key}={value}" for key, value in query.items())


def start_from(client, item):
    return client.post(start_url(item), {"case": item.case_id})


def test_a_record_started_from_a_later_item_is_tied_to_it_and_carries_its_due_date(client, cast, visits):
    earliest, later = visits[0], visits[1]
    client.force_login(cast["tm.assessment"])
    page = client.get(start_url(later))
    assert page.status_code == 200
    assert f"Due by <strong>{later.due_on:%-d %B %Y}</strong>" in page.content.decode()
    response = start_from(client, later)
    audit = Audit.objects.get()
    assert response["Location"] == f"/audits/{audit.pk}/edit/"
    later.refresh_from_db()
    earliest.refresh_from_db()
    assert (later.started_record, audit.due_on) == (audit, later.due_on)
    assert earliest.started_record is None
    assert later.history.first().history_change_reason == f"Record {audit.pk} started from it"
    edit = client.get(f"/audits/{audit.pk}/edit/").content.decode()
    assert f"Due by <strong>{later.due_on:%-d %B %Y}</strong>" in edit
    detail = client.get(f"/audits/{audit.pk}/").content.decode()
    assert f"Due by {later.due_on:%-d %B %Y}" in detail and "No due date" not in detail


def test_submitting_it_meets_the_item_it_was_started_from_not_the_earliest_in_the_same_transaction(
    client, cast, visits, django_capture_on_commit_callbacks
):
    earliest, later = visits[0], visits[1]
    client.force_login(cast["tm.assessment"])
    start_from(client, later)
    audit = Audit.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        audit_save(actor=cast["tm.assessment"], audit=audit, **complete(audit))
        audit_submit(actor=cast["tm.assessment"], audit=audit)
        # Met before anything after the commit (a worker's task) could have run.
        later.refresh_from_db()
        earliest.refresh_from_db()
        assert (later.status, later.satisfied_by, later.completed_on) == (DueStatus.DONE, audit, HELD)
        assert earliest.status == DueStatus.OPEN
    assert not callbacks


def test_an_item_outside_the_users_scope_is_no_item_of_theirs(client, cast, visits):
    client.force_login(cast["tm.cic"])  # sees CASE-C1 only
    assert client.get(start_url(visits[0])).status_code in (403, 404)
    client.force_login(cast["tm.assessment"])
    other = DueItem.objects.exclude(process__key=VISITS).filter(case=visits[0].case).first()
    assert client.get(start_url(other)).status_code == 404  # another process's item
    assert client.get(start_url(visits[0], case=cast.cases["assessment_unchaired"].pk)).status_code == 404
    visits[0].status = DueStatus.CANCELLED
    visits[0].save()
    assert client.get(start_url(visits[0])).status_code == 404  # no longer open
    assert client.post(start_url(visits[0]), {"case": visits[0].case_id}).status_code == 404
    assert not Audit.objects.exists()


def test_choosing_another_case_than_the_items_is_refused_in_plain_words(client, cast, visits):
    client.force_login(cast["tm.assessment"])
    response = client.post(start_url(visits[0]), {"case": cast.cases["assessment_unchaired"].pk})
    assert response.status_code == 400
    assert "The due item is about another case" in response.content.decode()
    assert not Audit.objects.exists()


def test_a_due_date_on_a_sunday_or_a_bank_holiday_is_flagged_on_the_due_list_home_and_record_pages(
    client, cast, visits
):
    DueItem.objects.filter(pk=visits[0].pk).update(due_on=SUNDAY)
    DueItem.objects.filter(pk=visits[1].pk).update(due_on=NEW_YEAR)
    client.force_login(cast["tm.assessment"])
    home = client.get("/").content.decode()
    # The page escapes the apostrophe.
    assert "Falls on a Sunday" in home and "Falls on a bank holiday: New Year&#x27;s Day" in home
    client.force_login(cast["tm.assessment"])
    due_list = client.get("/due/").content.decode()
    assert "Falls on a Sunday" in due_list and "Falls on a bank holiday: New Year&#x27;s Day" in due_list
    client.force_login(cast["tm.assessment"])
    visits[0].refresh_from_db()
    start_from(client, visits[0])
    audit = Audit.objects.get()
    assert audit.due_on == SUNDAY  # the date is not moved
    assert "Falls on a Sunday" in client.get(f"/audits/{audit.pk}/edit/").content.decode()
    assert "Falls on a Sunday" in client.get(f"/audits/{audit.pk}/").content.decode()


def test_a_working_day_due_date_has_no_flag(client, cast, visits):
    DueItem.objects.filter(process__key=VISITS).update(due_on=date(2026, 12, 21))  # a Monday
    DueItem.objects.exclude(process__key=VISITS).delete()
    client.force_login(cast["tm.assessment"])
    assert "Falls on" not in client.get("/").content.decode()
