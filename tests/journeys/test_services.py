"""journeys.services: facts written idempotently by their natural key, with history, and the planner told
once per write, inside the transaction."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from journeys.choices import FactSource, MeetingKind
from journeys.models import Detention, MeetingHeld, Placement, Visit
from journeys.services import facts_compare, facts_record, portal_fact_record
from journeys.signals import journey_facts_changed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


@pytest.fixture
def sent():
    """The journey_facts_changed sends: (case ids, sent inside the write's own transaction?). The test's
    transaction never commits, so a send deferred to the commit would not be seen at all; one sent inside
    the write is one savepoint deeper than the test."""
    sends = []
    depth = len(connection.savepoint_ids)

    def receiver(sender, *, case_ids, actor, reason, **kwargs):
        sends.append((set(case_ids), len(connection.savepoint_ids) > depth))

    journey_facts_changed.connect(receiver)
    yield sends
    journey_facts_changed.disconnect(receiver)


def placement(case, **fields):
    return Placement(case=case, **{"start": date(2025, 1, 6), "long_term": False, **fields})


def test_a_new_fact_is_added_with_its_history_row(cast):
    facts_record([placement(cast.cases["cic"])], actor=cast["qa.admin"], reason="Case system")
    row = Placement.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", cast["qa.admin"], "Case system")


def test_the_same_fact_written_again_changes_nothing_and_writes_no_history(cast, sent):
    facts_record([placement(cast.cases["cic"])], actor=None, reason="first")
    plan = facts_record([placement(cast.cases["cic"])], actor=None, reason="second")
    assert (len(plan.added), len(plan.changed), len(plan.unchanged)) == (0, 0, 1)
    assert Placement.history.count() == 1
    assert len(sent) == 1


def test_a_changed_end_updates_the_row_with_a_history_row(cast):
    facts_record([placement(cast.cases["cic"])], actor=None, reason="first")
    plan = facts_record([placement(cast.cases["cic"], end=date(2025, 5, 1))], actor=None, reason="ended")
    assert [fields for _, fields in plan.changed] == [["end"]]
    stored = Placement.objects.get()
    assert stored.end == date(2025, 5, 1)
    assert [row.history_change_reason for row in stored.history.order_by("history_id")] == ["first", "ended"]


def test_a_write_tells_the_planner_once_inside_the_transaction_with_every_case_it_changed(cast, sent):
    looked_after, youth = cast.cases["cic"], cast.cases["yos"]
    facts = [placement(looked_after), Detention(case=youth, start=date(2025, 2, 1))]
    facts_record([*facts, Detention(case=youth, start=date(2025, 3, 1))], actor=None, reason="import")
    assert sent == [({looked_after.pk, youth.pk}, True)]


def test_a_write_that_changes_nothing_tells_nobody(cast, sent):
    facts_record([], actor=None, reason="nothing")
    assert sent == []


def test_the_same_fact_stated_twice_differently_is_refused(cast):
    with pytest.raises(ValidationError, match="stated twice"):
        facts_record(
            [placement(cast.cases["cic"]), placement(cast.cases["cic"], long_term=True)], actor=None, reason="x"
        )
    assert not Placement.objects.exists()


def test_a_withdrawn_fact_stated_again_stays_withdrawn(cast):
    facts_record([placement(cast.cases["cic"])], actor=None, reason="first")
    Placement.objects.update(withdrawn_at=timezone.now())
    plan = facts_compare([placement(cast.cases["cic"], long_term=True)])
    assert plan.is_empty


def test_a_fact_the_portal_recorded_becomes_the_case_systems_when_it_states_it(cast):
    visit = Visit(case=cast.cases["cic"], visited_on=date(2025, 1, 10), child_seen=True, seen_alone=False)
    portal_fact_record(visit, actor=cast["sw.assessment"], reason="Recorded in the portal")
    stated = Visit(case=cast.cases["cic"], visited_on=date(2025, 1, 10), child_seen=True, seen_alone=True)
    facts_record([stated], actor=None, reason="import")
    stored = Visit.objects.get()
    assert (stored.source, stored.seen_alone) == (FactSource.CASE_SYSTEM, True)


def test_a_portal_record_leaves_a_fact_of_the_same_day_standing(cast, sent):
    stated = MeetingHeld(case=cast.cases["cic"], kind=MeetingKind.LOOKED_AFTER_REVIEW, held_on=date(2025, 1, 30))
    facts_record([stated], actor=None, reason="import")
    again = MeetingHeld(case=cast.cases["cic"], kind=MeetingKind.LOOKED_AFTER_REVIEW, held_on=date(2025, 1, 30))
    assert portal_fact_record(again, actor=cast["iro"], reason="Recorded in the portal") is False
    assert MeetingHeld.objects.get().source == FactSource.CASE_SYSTEM
    assert len(sent) == 1


def test_a_portal_record_writes_its_fact_and_tells_the_planner(cast, sent):
    visit = Visit(case=cast.cases["cic"], visited_on=date(2025, 1, 10), child_seen=False, recorded_by=cast["iro"])
    assert portal_fact_record(visit, actor=cast["iro"], reason="Recorded in the portal") is True
    stored = Visit.objects.get()
    assert (stored.source, stored.recorded_by, stored.history.get().history_user) == (
        FactSource.PORTAL,
        cast["iro"],
        cast["iro"],
    )
    assert sent == [({cast.cases["cic"].pk}, True)]
