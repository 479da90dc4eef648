"""Due items: planning from episodes and records, idempotence in the database, satisfying, cancelling."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from audits.services import audit_save, audit_start, audit_submit
from cases.models import CaseAssignment, Episode
from processes.models import Process, Role
from processes.roles import INDEPENDENT_CHAIR, IRO
from tests.audits.test_services import complete
from timeliness.choices import DueStatus
from timeliness.closing import due_items_cancel_after
from timeliness.follow_ons import due_items_satisfy
from timeliness.models import DueItem
from timeliness.planning import plan_due_items
from timeliness.tasks import plan_after_submit

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 14)


@pytest.fixture
def planning(cast):
    # Only the episode and assignments under test: the cast's own episodes start in January 2026, and
    # its chair and IRO hold CASE-A1 and CASE-C1 from then (tests/cast.py); each test assigns its own.
    Episode.objects.all().delete()
    CaseAssignment.objects.all().delete()
    return cast


def looked_after(cast, start=TODAY, end=None):
    return Episode.objects.create(case=cast.cases["cic"], kind="looked_after", start=start, end=end)


def items_of(key):
    return DueItem.objects.filter(process__key=key).order_by("due_on")


def assign(case, role_key, user, start=date(2026, 1, 1)):
    return CaseAssignment.objects.create(case=case, role=Role.objects.get(key=role_key), user=user, start=start)


def test_planning_a_looked_after_episode_gives_the_first_review_to_the_iro_and_the_managers_oversight(planning):
    episode = looked_after(planning)
    assign(planning.cases["cic"], IRO, planning["iro"])
    created = plan_due_items(today=TODAY, horizon_days=400)
    assert created == DueItem.objects.count() > 0
    reviews = items_of("voice-children-in-care")
    # A review's later dates count from the review held; until one is, only the first is owed.
    assert [item.due_on for item in reviews] == [date(2027, 1, 14)]
    review = reviews.get()
    assert review.key == f"j:{review.process_id}:episode:{episode.pk}:1"
    assert review.case == planning.cases["cic"] and review.team == planning.teams["cic"]
    assert review.responsible == planning["iro"]  # lead roles team manager and IRO: the IRO chairs it
    assert review.responsible_role.key == IRO and review.unassigned_role is None
    # The manager's row of the statutory visits is oversight, every 2 months; the visits follow placements.
    oversight = [item.due_on for item in items_of("cic-statutory-visits")]
    assert oversight[:3] == [date(2027, 2, 14), date(2027, 4, 14), date(2027, 6, 14)]
    assert not items_of("voice-statutory-and-child-in-need-visits").exists()  # no placement recorded yet


def test_with_no_iro_assigned_the_review_waits_with_the_team_manager_and_says_so(planning):
    looked_after(planning)
    plan_due_items(today=TODAY, horizon_days=30)
    review = items_of("voice-children-in-care").get()
    assert review.responsible == planning["tm.cic"] and review.responsible_role is None
    assert review.unassigned_role.key == IRO


def test_the_responsible_person_follows_the_lead_role(planning):
    Episode.objects.create(case=planning.cases["assessment"], kind="child_protection_plan", start=TODAY)
    assign(planning.cases["assessment"], INDEPENDENT_CHAIR, planning["chair"])
    plan_due_items(today=TODAY, horizon_days=100)
    assert items_of("aa-child-protection-review").get().responsible == planning["chair"]
    assert items_of("voice-child-protection-visits").first().responsible == planning["sw.assessment"]
    assert items_of("aa-core-groups").first().responsible == planning["tm.assessment"]


def test_nothing_due_before_the_planning_start_date_is_planned_and_later_items_keep_their_keys(planning, settings):
    episode = looked_after(planning, start=date(2024, 1, 8))
    plan_due_items(today=TODAY, horizon_days=30)
    everything = dict(items_of("cic-statutory-visits").values_list("key", "due_on"))
    DueItem.objects.all().delete()

    settings.DUE_PLANNING_FROM = date(2026, 9, 1)
    plan_due_items(today=TODAY, horizon_days=30)
    planned = dict(items_of("cic-statutory-visits").values_list("key", "due_on"))
    assert planned and min(planned.values()) >= date(2026, 9, 1)
    assert planned == {key: due for key, due in everything.items() if due >= date(2026, 9, 1)}
    assert all(key.startswith("rule:") and f":episode:{episode.pk}:" in key for key in planned)


def test_planning_twice_creates_no_new_rows(planning):
    looked_after(planning)
    first = plan_due_items(today=TODAY, horizon_days=400)
    assert first > 0
    assert plan_due_items(today=TODAY, horizon_days=400) == 0
    assert DueItem.objects.count() == first


def test_the_database_refuses_a_second_row_with_the_same_key(planning):
    looked_after(planning)
    plan_due_items(today=TODAY, horizon_days=30)
    item = DueItem.objects.first()
    copy = DueItem(key=item.key, process=item.process, case=item.case, due_on=item.due_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        DueItem.objects.bulk_create([copy])


def test_an_ended_episode_plans_nothing_after_its_end(planning):
    looked_after(planning, start=date(2026, 1, 5), end=date(2026, 3, 1))
    plan_due_items(today=TODAY, horizon_days=90)
    assert DueItem.objects.exists()
    assert max(DueItem.objects.values_list("due_on", flat=True)) <= date(2026, 3, 1)


def test_ending_the_episode_cancels_its_later_items(planning):
    episode = looked_after(planning)
    plan_due_items(today=TODAY, horizon_days=400)
    episode.end = date(2027, 2, 10)
    episode.save()
    cancelled = due_items_cancel_after(episode=episode)
    assert cancelled > 0
    assert not DueItem.objects.filter(status=DueStatus.OPEN, due_on__gt=date(2027, 2, 10)).exists()
    assert DueItem.objects.filter(status=DueStatus.OPEN, due_on__lte=date(2027, 2, 10)).exists()


def conference_values(**extra):
    values = {
        "child_attended": True,
        "views_given": True,
        "advocate_offered": False,
        "decision": "plan_continues",
        "next_review_on": None,
        "next_review_change_reason": "",
    }
    return values | extra


def test_submitting_a_review_meets_the_earliest_item_and_plans_the_next_from_its_date(planning):
    Episode.objects.create(case=planning.cases["assessment"], kind="child_protection_plan", start=date(2026, 8, 20))
    assign(planning.cases["assessment"], INDEPENDENT_CHAIR, planning["chair"])
    plan_due_items(today=date(2026, 11, 1), horizon_days=90)
    first = items_of("aa-child-protection-review").get()
    assert first.due_on == date(2026, 11, 20)
    chair = planning["chair"]
    audit = audit_start(
        actor=chair, process=Process.objects.get(key="aa-child-protection-review"), case=planning.cases["assessment"]
    )
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference_values()))
    audit_submit(actor=chair, audit=audit)
    first.refresh_from_db()
    assert first.status == DueStatus.DONE and first.satisfied_by == audit and first.completed_on == date(2026, 11, 20)
    assert first.was_late is False
    follow_on = items_of("aa-child-protection-review").get(status=DueStatus.OPEN)
    assert follow_on.key == first.key.removesuffix(":1") + ":2"  # the chain's second, counted from the first
    assert follow_on.due_on == audit.conference.next_review_on == date(2027, 5, 20)
    assert follow_on.responsible == chair
    # Run again (a task queued before the upgrade, or the nightly plan): nothing changes.
    plan_after_submit.delay(audit.pk)
    due_items_satisfy(audit=audit)
    plan_due_items(today=date(2026, 11, 1), horizon_days=400)
    assert items_of("aa-child-protection-review").filter(status=DueStatus.OPEN).count() == 1


def test_a_late_record_meets_its_item_late(planning):
    Episode.objects.create(case=planning.cases["assessment"], kind="child_protection_plan", start=date(2026, 8, 1))
    plan_due_items(today=date(2026, 11, 1), horizon_days=90)
    chair = planning["chair"]
    audit = audit_start(
        actor=chair, process=Process.objects.get(key="aa-child-protection-review"), case=planning.cases["assessment"]
    )
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference_values()))
    audit_submit(actor=chair, audit=audit)
    met = DueItem.objects.get(satisfied_by=audit)  # audit_submit met it, in its own transaction
    assert met.due_on == date(2026, 11, 1) and met.was_late is True


def test_a_supervision_plans_the_next_for_the_line_manager(planning):
    manager, worker = planning["tm.assessment"], planning["sw.assessment"]
    worker.staff_profile.line_manager = manager
    worker.staff_profile.save()
    audit = audit_start(actor=manager, process=Process.objects.get(key="csc-supervision"), staff_member=worker)
    audit_save(actor=manager, audit=audit, **complete(audit))
    audit_submit(actor=manager, audit=audit)
    item = items_of("csc-supervision").get()
    assert item.staff_member == worker and item.responsible == manager
    assert item.due_on == date(2026, 12, 20)
    assert item.key == f"rule:{item.process_id}:after:{audit.pk}"


def test_the_command_prints_how_many_it_planned(planning):
    looked_after(planning)
    out = io.StringIO()
    call_command("plan_due_items", "--today", "2026-12-14", "--horizon", "60", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == f"planned {DueItem.objects.count()} due items"
    out = io.StringIO()
    call_command("plan_due_items", "--today", "2026-12-14", "--horizon", "60", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "planned 0 due items"


def test_the_process_team_and_roles_an_item_names_cannot_be_deleted(planning):
    # Their references are not checked by the database on every planned row (timeliness.models.DueItem):
    # PROTECT keeps them instead.
    from django.db.models import ProtectedError

    looked_after(planning)
    plan_due_items(today=TODAY, horizon_days=60)
    item = DueItem.objects.filter(team__isnull=False).first()
    with_role = DueItem.objects.exclude(responsible_role=None, unassigned_role=None).first()
    assert item is not None and with_role is not None
    for named in (item.process, item.team, with_role.responsible_role or with_role.unassigned_role):
        with pytest.raises(ProtectedError), transaction.atomic():
            named.delete()
    assert DueItem.objects.filter(pk=item.pk).exists()
