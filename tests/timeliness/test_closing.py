"""Items close when their case closes or their episode ends: owed by then and never done, missed ("Not
done (closed)"); due after, cancelled; each with a history row saying why. A lost signal is made good by
the nightly plan_due_items, once."""

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest

from audits.services import audit_save, audit_start, audit_submit
from cases.choices import CaseStatus
from cases.models import Case, Episode
from cases.services import case_save, episode_end_announce
from processes.roles import INDEPENDENT_CHAIR, IRO
from tests.audits.test_services import complete
from timeliness.choices import DueStatus
from timeliness.closing import due_items_close_for_episode, repair_due_items
from timeliness.models import DueItem, Reminder
from timeliness.planning import plan_due_items
from timeliness.reminders import send_reminders

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 14)
STARTED = date(2026, 10, 1)


@pytest.fixture
def looked_after(cast):
    """The cic case's one episode, looked after since 1 October, planned a year ahead."""
    Episode.objects.all().delete()
    episode = Episode.objects.create(case=cast.cases["cic"], kind="looked_after", start=STARTED)
    plan_due_items(today=TODAY, horizon_days=365)
    return episode


def items(**filters):
    return DueItem.objects.filter(case__reference="CASE-C1", **filters)


def reasons(item) -> list[str]:
    return list(item.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


def close_case(cast, on=TODAY):
    case = Case.objects.get(reference="CASE-C1")
    case.status, case.closed_on = CaseStatus.CLOSED, on
    return case_save(actor=cast["tm.cic"], case=case, reason="Case closed: returned home")


def test_closing_a_case_closes_its_items_missed_before_the_closing_date_and_cancelled_after(cast, looked_after):
    before, after = items(due_on__lte=TODAY).count(), items(due_on__gt=TODAY).count()
    assert before and after and items(status=DueStatus.OPEN).count() == before + after
    close_case(cast)
    # In the case's own transaction (no worker, no on-commit callback has run).
    assert not items(status=DueStatus.OPEN).exists()
    assert set(items(due_on__lte=TODAY).values_list("status", flat=True)) == {DueStatus.MISSED}
    assert set(items(due_on__gt=TODAY).values_list("status", flat=True)) == {DueStatus.CANCELLED}
    missed = items(due_on__lte=TODAY).first()
    last = missed.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == cast["tm.cic"]
    assert last.history_change_reason == (
        "Case closed (Case closed: returned home) on 14/12/2026; it was not done by then"
    )
    cancelled = items(due_on__gt=TODAY).first()
    assert reasons(cancelled)[-1].endswith("on 14/12/2026, before it fell due")


def test_closing_a_case_leaves_the_items_already_done_as_they_were(cast, looked_after):
    first = items(process__key="cic-statutory-visits").order_by("due_on").first()
    audit = audit_start(actor=cast["tm.cic"], process=first.process, case=first.case)
    audit_save(actor=cast["tm.cic"], audit=audit, **complete(audit, fields={"held_on": first.due_on}))
    audit_submit(actor=cast["tm.cic"], audit=audit)
    close_case(cast)
    first.refresh_from_db()
    assert (first.status, first.satisfied_by) == (DueStatus.DONE, audit)


def test_saving_a_case_that_stays_open_closes_nothing(cast, looked_after):
    open_before = items(status=DueStatus.OPEN).count()
    case_save(actor=cast["tm.cic"], case=Case.objects.get(reference="CASE-C1"), reason="Language recorded")
    assert items(status=DueStatus.OPEN).count() == open_before


def test_planning_plans_nothing_more_for_a_closed_case(cast, looked_after):
    close_case(cast)
    assert plan_due_items(today=date(2027, 6, 1), horizon_days=365) == 0
    assert not items(status=DueStatus.OPEN).exists()


def test_an_episodes_end_misses_what_it_owed_by_then_and_cancels_what_fell_after(
    cast, looked_after, django_capture_on_commit_callbacks
):
    end = date(2026, 11, 30)
    owed = set(items(due_on__lte=end).values_list("pk", flat=True))
    later = set(items(due_on__gt=end).values_list("pk", flat=True))
    assert owed and later
    looked_after.end = end
    looked_after.save()
    with django_capture_on_commit_callbacks(execute=True):
        episode_end_announce(looked_after)  # the task runs eagerly in the tests
    assert set(items(status=DueStatus.MISSED).values_list("pk", flat=True)) == owed
    assert set(items(status=DueStatus.CANCELLED).values_list("pk", flat=True)) == later
    assert reasons(items(status=DueStatus.MISSED).first())[-1] == "Episode ended on 30/11/2026; it was not done by then"


def test_closing_an_episode_twice_changes_nothing_the_second_time(cast, looked_after):
    looked_after.end = date(2026, 11, 30)
    looked_after.save()
    assert due_items_close_for_episode(episode=looked_after) > 0
    assert due_items_close_for_episode(episode=looked_after) == 0


def test_the_nightly_plan_closes_the_items_of_a_case_whose_closure_was_lost(cast, looked_after):
    # As a case closed before this rule, or by a write that sent no signal: closed, its items open.
    Case.objects.filter(reference="CASE-C1").update(status=CaseStatus.CLOSED, closed_on=TODAY)
    assert items(status=DueStatus.OPEN).exists()
    plan_due_items(today=TODAY, horizon_days=365)
    assert not items(status=DueStatus.OPEN).exists()
    assert items(status=DueStatus.MISSED, due_on__lte=TODAY).count() == items(due_on__lte=TODAY).count()
    missed = items(status=DueStatus.MISSED).first()
    assert reasons(missed)[-1] == "Case closed (repaired by plan_due_items) on 14/12/2026; it was not done by then"
    assert repair_due_items() == (0, 0)  # a second run finds nothing


def test_the_nightly_plan_misses_what_an_ended_episode_owed_when_its_task_was_lost(cast, looked_after):
    Episode.objects.filter(pk=looked_after.pk).update(end=date(2026, 11, 30))
    plan_due_items(today=TODAY, horizon_days=365)
    assert not items(status=DueStatus.OPEN, due_on__lte=date(2026, 11, 30)).exists()
    assert items(status=DueStatus.MISSED).exists()
    assert repair_due_items() == (0, 0)


def test_a_record_held_before_the_closure_but_submitted_after_it_meets_the_missed_item(cast, looked_after):
    first = items(process__key="cic-statutory-visits").order_by("due_on").first()
    close_case(cast)
    first.refresh_from_db()
    assert first.status == DueStatus.MISSED
    Case.objects.filter(reference="CASE-C1").update(status=CaseStatus.OPEN, closed_on=None)  # to record it
    audit = audit_start(actor=cast["tm.cic"], process=first.process, case=first.case)
    audit_save(actor=cast["tm.cic"], audit=audit, **complete(audit, fields={"held_on": first.due_on}))
    Case.objects.filter(reference="CASE-C1").update(status=CaseStatus.CLOSED, closed_on=TODAY)
    audit_submit(actor=cast["tm.cic"], audit=audit)
    first.refresh_from_db()
    assert (first.status, first.satisfied_by, first.completed_on) == (DueStatus.DONE, audit, first.due_on)


def test_a_closed_cases_items_leave_the_home_page_and_reminders_and_show_on_the_due_list_as_not_done(
    client, cast, looked_after
):
    close_case(cast)
    missed = items(status=DueStatus.MISSED)
    client.force_login(cast["tm.cic"])
    home = client.get("/")
    assert home.context["team_due"] is None and not home.context["due_items"]
    listed = client.get("/due/?status=missed")
    assert {item.pk for item in listed.context["items"]} == set(missed.values_list("pk", flat=True)[:50])
    assert listed.context["figures"]["overdue"] == 0  # missed is closed: never overdue
    assert "Not done (closed)" in listed.getvalue().decode() and "Record it" not in listed.getvalue().decode()
    exported = list(csv.DictReader(io.StringIO(client.get("/due/export.csv?status=missed").getvalue().decode())))
    assert len(exported) == missed.count() and {row["status"] for row in exported} == {"missed"}
    send_reminders(today=TODAY)
    assert not Reminder.objects.exists()


#
# Items left open before this rule: the migration that closes them
#


def test_the_migration_closes_the_items_of_closed_cases_and_ended_episodes_once_with_history(cast, looked_after):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("timeliness.migrations.0009_close_items_of_closed_cases_and_ended_episodes")
    ended = Episode.objects.create(case=cast.cases["assessment"], kind="child_protection_plan", start=STARTED)
    plan_due_items(today=TODAY, horizon_days=365)
    # Closed and ended without a word to timeliness, as before this rule.
    Case.objects.filter(reference="CASE-C1").update(status=CaseStatus.CLOSED, closed_on=TODAY)
    Episode.objects.filter(pk=ended.pk).update(end=date(2026, 11, 30))
    owed = DueItem.objects.filter(episode=ended, due_on__lte=date(2026, 11, 30))
    assert owed.exists() and items(status=DueStatus.OPEN).exists()
    # The migration reads only the schema editor's connection (see test_due_item_history).
    editor = SimpleNamespace(connection=connection)
    migration.close(apps, editor)
    history_rows = DueItem.history.count()
    migration.close(apps, editor)  # again: nothing more
    assert DueItem.history.count() == history_rows
    assert set(items(due_on__lte=TODAY).values_list("status", flat=True)) == {DueStatus.MISSED}
    assert set(items(due_on__gt=TODAY).values_list("status", flat=True)) == {DueStatus.CANCELLED}
    assert set(owed.values_list("status", flat=True)) == {DueStatus.MISSED}
    # Due after the end: never owed, so never missed (cancelled if planned before the end was recorded).
    later = DueItem.objects.filter(episode=ended, due_on__gt=date(2026, 11, 30))
    assert later.exists() and not later.filter(status=DueStatus.MISSED).exists()
    row = items(due_on__lte=TODAY).first().history.order_by("-history_date", "-history_id").first()
    assert (row.history_type, row.status, row.history_change_reason) == (
        "~",
        DueStatus.MISSED,
        migration.REASONS["case_missed"],
    )
    row = owed.first().history.order_by("-history_date", "-history_id").first()
    assert row.history_change_reason == migration.REASONS["episode_missed"]


def test_a_case_import_that_closes_a_case_closes_its_items_in_the_import(cast, looked_after, tmp_path):
    from django.core.management import call_command

    case = Case.objects.select_related("team", "allocated_worker").get(reference="CASE-C1")
    held = {assignment.role.key: assignment.user for assignment in case.assignments.filter(end=None)}

    def username(user):
        return user.username if user else ""

    row = [
        case.reference,
        case.child_name,
        case.date_of_birth.isoformat(),
        case.ethnicity,
        case.faith,
        case.language,
        case.team.name,
        username(case.allocated_worker),
        username(held.get(INDEPENDENT_CHAIR)),
        username(held.get(IRO)),
        "closed",
        "2026-11-30",  # the import refuses a closing date after the real today
        "",
        "",
        "",
    ]
    header = (
        "reference,child_name,date_of_birth,ethnicity,faith,language,team,allocated_worker,chair,iro,"
        "status,closed_on,episode_kind,episode_start,episode_end"
    )
    path = tmp_path / "closing.csv"
    path.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    call_command("import_cases", str(path), stdout=io.StringIO(), user="qa.admin")
    assert not items(status=DueStatus.OPEN).exists()
    missed = items(status=DueStatus.MISSED).first()
    last = missed.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == cast["qa.admin"]
    assert last.history_change_reason.startswith("Case closed (Imported from ")
