"""Journey items in the database: planned from a child's facts, met by a fact or a record, moved, closed,
owed by whoever holds the role, once per act, with history, and nothing written twice."""

from datetime import date

import pytest

from audits.services import audit_save, audit_start, audit_submit
from cases.models import CaseAssignment, Episode
from cases.services import AssignmentRow, assignments_apply, case_save
from journeys.models import Placement, StrategyDiscussion, Visit
from journeys.services import facts_withdraw
from processes.models import Process, Role
from processes.roles import IRO, PEP_OFFICER
from tests.audits.test_services import complete
from tests.factories import UserFactory
from timeliness.choices import DueStatus
from timeliness.journey_planning import MET_REASON, PLANNED_MET_REASON, REOPENED_REASON
from timeliness.models import DueItem
from timeliness.planning import plan_due_items

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 1)
VISITS = "voice-statutory-and-child-in-need-visits"
History = DueItem.history.model


@pytest.fixture
def child(cast):
    """The cast's looked-after child (CASE-C1), looked after and placed on 5 October 2026, no other episodes,
    with sw.assessment as their allocated worker, and no IRO until a test assigns one (the cast's is taken away)."""
    case = cast.cases["cic"]
    CaseAssignment.objects.filter(case=case).delete()
    case.allocated_worker = cast["sw.assessment"]
    case_save(actor=cast["qa.admin"], case=case, reason="Allocated")
    Episode.objects.filter(case=case).delete()
    Episode.objects.create(case=case, kind="looked_after", start=date(2026, 10, 5))
    Placement.objects.create(case=case, start=date(2026, 10, 5))
    return case


def visits_of(case):
    return DueItem.objects.filter(case=case, process__key=VISITS).order_by("due_on")


def test_a_visit_from_the_case_system_meets_the_first_and_the_next_counts_from_it(child):
    visit = Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    first, second = visits_of(child)
    assert (first.due_on, first.status, first.completed_on) == (date(2026, 10, 12), DueStatus.DONE, date(2026, 10, 9))
    assert first.met_by == f"visit {visit.pk}" and first.satisfied_by is None
    assert (second.due_on, second.status) == (date(2026, 11, 20), DueStatus.OPEN)
    assert second.responsible == child.allocated_worker


def test_planning_again_writes_nothing(child):
    Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    before = (DueItem.objects.count(), History.objects.count())
    assert plan_due_items(today=TODAY, horizon_days=30) == 0
    assert (DueItem.objects.count(), History.objects.count()) == before


def test_a_visit_recorded_later_moves_the_open_item_with_a_history_row(child):
    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    assert [item.status for item in visits_of(child)] == [DueStatus.OPEN]
    Visit.objects.create(case=child, visited_on=date(2026, 10, 8), child_seen=True)
    Visit.objects.create(case=child, visited_on=date(2026, 11, 2), child_seen=False)  # not seen: counts for nothing
    plan_due_items(today=TODAY, horizon_days=30)
    assert [(item.due_on, item.status) for item in visits_of(child)] == [
        (date(2026, 10, 12), DueStatus.DONE),
        (date(2026, 11, 19), DueStatus.OPEN),
    ]
    first = visits_of(child).first()
    assert History.objects.filter(id=first.pk, history_type="~", history_change_reason=MET_REASON).exists()


def test_a_placement_move_closes_the_old_placements_visit_and_owes_one_within_a_week_of_the_new(child):
    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    placement = Placement.objects.get(case=child)
    placement.end = date(2026, 10, 9)
    placement.save()
    Placement.objects.create(case=child, start=date(2026, 10, 10))
    plan_due_items(today=TODAY, horizon_days=30)
    old, new = visits_of(child)
    # The old placement's first visit was due on 12 October, after it ended: no longer owed.
    assert (old.due_on, old.status) == (date(2026, 10, 12), DueStatus.CANCELLED)
    assert (new.due_on, new.status) == (date(2026, 10, 17), DueStatus.OPEN)


def test_a_statutory_visit_recorded_in_the_portal_meets_the_item_in_its_own_transaction(child, cast):
    worker = child.allocated_worker
    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    audit = audit_start(actor=worker, process=Process.objects.get(key=VISITS), case=child)
    visit = {"child_seen": True, "seen_alone": True, "location": "At home"}
    audit_save(actor=worker, audit=audit, **complete(audit, visit=visit, fields={"held_on": date(2026, 10, 8)}))
    audit_submit(actor=worker, audit=audit)
    first = visits_of(child).first()
    assert (first.status, first.satisfied_by, first.completed_on) == (DueStatus.DONE, audit, date(2026, 10, 8))


def test_the_managers_row_of_the_visits_is_oversight_and_owes_no_second_visit(child):
    plan_due_items(today=TODAY, horizon_days=30)
    visits = DueItem.objects.filter(case=child, process__key__in=[VISITS, "cic-statutory-visits"])
    assert {(item.process.key, item.responsible == child.allocated_worker) for item in visits} == {
        (VISITS, True),
        ("cic-statutory-visits", False),
    }
    assert visits.filter(process__key="cic-statutory-visits").get().due_on == date(2026, 12, 5)  # 2 months on


def test_a_new_iro_takes_the_open_review_and_the_old_iros_done_ones_stay_theirs(child, cast):
    role = Role.objects.get(key=IRO)
    CaseAssignment.objects.create(case=child, role=role, user=cast["iro"], start=date(2026, 10, 5))
    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    review = DueItem.objects.get(case=child, process__key="voice-children-in-care")
    assert review.responsible == cast["iro"]
    newcomer = UserFactory(username="iro.two")
    newcomer.groups.add(role.group)
    assignments_apply(
        [
            AssignmentRow(child, role, cast["iro"], date(2026, 10, 5), date(2026, 10, 31)),
            AssignmentRow(child, role, newcomer, date(2026, 11, 1)),
        ],
        actor=cast["qa.admin"],
        reason="IRO changed",
    )
    review.refresh_from_db()
    assert review.responsible == newcomer and review.responsible_role == role


def test_an_s47_strategy_discussion_calls_the_icpc_and_one_with_no_s47_calls_none(cast):
    case = cast.cases["assessment"]
    StrategyDiscussion.objects.create(case=case, held_on=date(2026, 11, 2), outcome="no_s47")
    plan_due_items(today=TODAY, horizon_days=30)
    icpc = DueItem.objects.filter(case=case, process__key="aa-initial-child-protection-conference")
    assert not icpc.exists()
    StrategyDiscussion.objects.create(case=case, held_on=date(2026, 11, 16), outcome="s47")
    plan_due_items(today=TODAY, horizon_days=30)
    assert [item.due_on for item in icpc] == [date(2026, 12, 7)]  # 15 working days from Monday 16 November


@pytest.mark.parametrize(
    ("born", "owed"),
    [
        (date(2016, 5, 1), {"aa-social-work-assessment"}),
        (date(2010, 5, 1), {"sixteen-plus-social-work-assessment-homelessness"}),
    ],
)
def test_a_child_in_need_owes_one_assessment_the_one_for_their_age(cast, born, owed):
    case = cast.cases["assessment"]
    case.date_of_birth = born
    case_save(actor=cast["qa.admin"], case=case, reason="Date of birth corrected")
    Episode.objects.filter(case=case).delete()
    Episode.objects.create(case=case, kind="child_in_need", start=date(2026, 11, 2))
    plan_due_items(today=TODAY, horizon_days=90)
    keys = list(DueItem.objects.filter(case=case).values_list("process__key", flat=True))
    assert sorted(keys) == sorted(owed)  # once each: the two rows of each table are one act


def test_a_record_of_either_row_of_one_act_meets_its_one_item(child, cast):
    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    peps = DueItem.objects.filter(case=child, process__key__contains="personal-educational-plans")
    assert [item.process.key for item in peps] == ["cic-personal-educational-plans"]
    officer = UserFactory(username="pep.officer")
    role = Role.objects.get(key=PEP_OFFICER)
    officer.groups.add(role.group)
    assignments_apply([AssignmentRow(child, role, officer, date(2026, 10, 5))], actor=cast["qa.admin"], reason="PEP")
    audit = audit_start(actor=officer, process=Process.objects.get(key="csc-personal-educational-plans"), case=child)
    audit_save(actor=officer, audit=audit, **complete(audit, fields={"held_on": date(2026, 10, 15)}))
    audit_submit(actor=officer, audit=audit)
    assert peps.get().satisfied_by == audit


def test_closing_the_case_closes_its_journey_items_missed_or_cancelled(child, cast):
    plan_due_items(today=date(2026, 10, 20), horizon_days=30)
    child.status, child.closed_on = "closed", date(2026, 10, 30)
    case_save(actor=cast["qa.admin"], case=child, reason="Case closed")
    plan_due_items(today=TODAY, horizon_days=30)
    visit = visits_of(child).get()
    assert visit.status == DueStatus.MISSED  # due 12 October, never made before the case closed
    assert not DueItem.objects.filter(case=child, status=DueStatus.OPEN, key__startswith="j:").exists()


def test_the_managers_home_page_says_which_work_waits_for_an_iro_and_the_due_list_finds_it(child, cast, client):
    plan_due_items(today=TODAY, horizon_days=30)
    client.force_login(cast["tm.cic"])
    page = client.get("/").content.decode()
    assert "on 1 child waits with you: no Independent Reviewing Officer (IRO) is assigned" in page
    assert "unassigned=iro" in page
    listed = client.get("/due/", {"status": "open", "unassigned": IRO}).context["items"]
    assert listed and {item.process.key for item in listed} == {"voice-children-in-care"}
    assert "No Independent Reviewing Officer (IRO) assigned" in client.get("/due/").content.decode()


def test_an_events_file_from_the_case_system_meets_and_moves_items_in_its_own_transaction(child, cast, tmp_path):
    import io

    from django.core.management import call_command

    plan_due_items(today=date(2026, 10, 6), horizon_days=30)
    path = tmp_path / "events.csv"
    path.write_text(
        "reference,event,date,child_seen,seen_alone\n"
        f"{child.reference},visit,2026-10-09,yes,yes\n"
        f"{child.reference},looked_after_review_held,2026-10-30,,\n",
        encoding="utf-8",
    )
    call_command("import_events", str(path), stdout=io.StringIO())
    # No nightly run needed: the import's transaction met the visit and the review and planned the next.
    assert [(item.due_on, item.status) for item in visits_of(child)] == [
        (date(2026, 10, 12), DueStatus.DONE),
        (date(2026, 11, 20), DueStatus.OPEN),
    ]
    reviews = DueItem.objects.filter(case=child, process__key="voice-children-in-care").order_by("due_on")
    assert [(item.due_on, item.status) for item in reviews] == [
        (date(2026, 11, 2), DueStatus.DONE),  # 20 working days from 5 October, held on 30 October
        (date(2027, 1, 30), DueStatus.OPEN),  # the second within 3 months of the first
    ]
    before = History.objects.count()
    call_command("import_events", str(path), stdout=io.StringIO())  # the same file again changes nothing
    assert History.objects.count() == before


def test_a_visit_met_in_the_past_is_written_done_at_once_with_a_history_row_that_says_so(child):
    Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    first = visits_of(child).first()
    (only,) = History.objects.filter(id=first.pk)
    assert (only.history_type, only.status, only.history_change_reason) == ("+", DueStatus.DONE, PLANNED_MET_REASON)


def test_withdrawing_the_visit_that_met_an_item_owes_it_again(child, cast):
    visit = Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    facts_withdraw([visit], actor=cast["qa.admin"], reason="Entered in error")
    first = visits_of(child).first()
    assert (first.status, first.completed_on, first.met_by) == (DueStatus.OPEN, None, "")
    assert first.due_on == date(2026, 10, 12)
    assert History.objects.filter(id=first.pk, history_change_reason=REOPENED_REASON).exists()


def test_a_visit_the_case_system_corrects_to_child_not_seen_owes_the_item_again(child, cast, tmp_path):
    Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    Visit.objects.filter(case=child).update(child_seen=False)  # as a later import states it
    plan_due_items(today=TODAY, horizon_days=30)
    assert visits_of(child).first().status == DueStatus.OPEN


def test_withdrawing_the_placement_cancels_the_items_it_started_even_one_done(child, cast):
    Visit.objects.create(case=child, visited_on=date(2026, 10, 9), child_seen=True)
    plan_due_items(today=TODAY, horizon_days=30)
    facts_withdraw(list(Placement.objects.filter(case=child)), actor=cast["qa.admin"], reason="Entered in error")
    assert {item.status for item in visits_of(child)} == {DueStatus.CANCELLED}
    assert facts_withdraw(list(Placement.objects.filter(case=child)), actor=cast["qa.admin"], reason="again") == 0
