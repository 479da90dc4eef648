"""Records made in the portal are journey facts too: a submitted visit record is a Visit, a submitted
looked-after review or child protection conference is a MeetingHeld, unless the case system has stated
that fact already."""

from datetime import date

import pytest

from audits.fact_records import MEETING_KIND_BY_PROCESS
from audits.services import audit_save, audit_start, audit_submit
from journeys.choices import FactSource, MeetingKind
from journeys.models import MeetingHeld, Visit
from journeys.services import facts_record
from processes.models import Process
from tests.audits.test_services import complete

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

HELD_ON = date(2026, 11, 20)


def submitted_visit(worker, case, **visit):
    audit = audit_start(actor=worker, process=Process.objects.get(key="voice-child-protection-visits"), case=case)
    audit_save(actor=worker, audit=audit, **complete(audit, visit={"location": "At home", **visit}))
    return audit_submit(actor=worker, audit=audit)


def submitted_conference(chair, case, key):
    audit = audit_start(actor=chair, process=Process.objects.get(key=key), case=case)
    conference = {
        "child_attended": True,
        "views_given": True,
        "advocate_offered": False,
        "decision": "plan_continues",
        "next_review_on": None,
        "next_review_change_reason": "",
    }
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference))
    return audit_submit(actor=chair, audit=audit)


def test_a_submitted_visit_record_is_a_visit_fact_recorded_by_its_author(cast):
    worker, case = cast["sw.assessment"], cast.cases["assessment"]
    submitted_visit(worker, case, child_seen=True, seen_alone=True)
    visit = Visit.objects.get(case=case)
    assert (visit.visited_on, visit.child_seen, visit.seen_alone) == (HELD_ON, True, True)
    assert (visit.source, visit.recorded_by, visit.visitor) == (FactSource.PORTAL, worker, worker)
    assert visit.history.get().history_user == worker


def test_a_visit_in_which_the_child_was_not_seen_is_a_visit_with_the_child_not_seen(cast):
    submitted_visit(cast["sw.assessment"], cast.cases["assessment"], child_seen=False, seen_alone=None)
    assert Visit.objects.get().child_seen is False


def test_the_case_systems_visit_of_that_day_stands(cast):
    case = cast.cases["assessment"]
    facts_record(
        [Visit(case=case, visited_on=HELD_ON, child_seen=False, seen_alone=False)], actor=None, reason="import"
    )
    submitted_visit(cast["sw.assessment"], case, child_seen=True, seen_alone=False)
    visit = Visit.objects.get()
    assert (visit.source, visit.child_seen) == (FactSource.CASE_SYSTEM, False)
    assert visit.history.count() == 1


def test_a_child_protection_review_is_a_conference_held(cast):
    submitted_conference(cast["chair"], cast.cases["assessment"], "aa-child-protection-review")
    meeting = MeetingHeld.objects.get()
    assert (meeting.kind, meeting.held_on, meeting.source, meeting.recorded_by) == (
        MeetingKind.CP_CONFERENCE,
        HELD_ON,
        FactSource.PORTAL,
        cast["chair"],
    )


def test_a_record_that_is_no_meeting_or_visit_writes_no_fact(cast):
    manager = cast["tm.assessment"]
    audit = audit_start(
        actor=manager, process=Process.objects.get(key="csc-sample-audit"), case=cast.cases["assessment"]
    )
    audit_save(actor=manager, audit=audit, **complete(audit))
    audit_submit(actor=manager, audit=audit)
    assert not Visit.objects.exists()
    assert not MeetingHeld.objects.exists()


def test_every_process_the_mapping_names_is_a_conference_of_the_catalogue():
    forms = dict(Process.objects.filter(key__in=list(MEETING_KIND_BY_PROCESS)).values_list("key", "record_form"))
    assert forms == dict.fromkeys(MEETING_KIND_BY_PROCESS, "conference")
    assert set(MEETING_KIND_BY_PROCESS.values()) <= set(MeetingKind.values)


def test_a_looked_after_review_recorded_by_the_iro_is_a_looked_after_review_held(cast):
    submitted_conference(cast["iro"], cast.cases["cic"], "voice-children-in-care")
    assert MeetingHeld.objects.get(case=cast.cases["cic"]).kind == MeetingKind.LOOKED_AFTER_REVIEW
