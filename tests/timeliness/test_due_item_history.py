"""Every write of a due item leaves history: planning, a record meeting an item and planning the next,
an episode's end, a sample draw and a case changing hands each write a history row per item they
insert or change, naming the acting user or (for the tasks) what made the change."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db.models import Exists, OuterRef

from audits.services import audit_save, audit_start, audit_submit
from cases.models import Episode
from cases.services import case_transfer
from core.history import save_with_history
from processes.models import Process
from tests.audits.test_services import complete
from tests.timeliness.test_planning import conference_values
from timeliness.choices import DueStatus
from timeliness.journey_planning import MET_REASON as JOURNEY_MET_REASON
from timeliness.journey_planning import PLAN_REASON as JOURNEY_PLAN_REASON
from timeliness.models import DueItem
from timeliness.planning import PLAN_REASON, plan_due_items
from timeliness.samples import draw_samples
from timeliness.tasks import cancel_after_episode_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

TODAY = date(2026, 11, 1)
History = DueItem.history.model


@pytest.fixture
def every_kind_of_write(cast):
    """Planning, a conference meeting one review and planning the next, an episode's end, a sample
    draw and a case moving team, in that order."""
    case = cast.cases["assessment"]  # on a child protection plan since 5 January 2026
    plan_due_items(today=TODAY, horizon_days=90)
    review = Process.objects.get(key="aa-child-protection-review")
    assert DueItem.objects.filter(case=case, process=review, status=DueStatus.OPEN).count() == 1

    chair = cast["chair"]
    audit = audit_start(actor=chair, process=review, case=case)
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference_values()))
    audit_submit(actor=chair, audit=audit)

    looked_after = Episode.objects.get(case=cast.cases["cic"], kind="looked_after")
    looked_after.end = date(2026, 6, 30)
    save_with_history(looked_after, actor=cast["qa.admin"], reason="Episode ended")
    cancel_after_episode_end.delay(looked_after.pk)  # as the episode_ended receiver does

    draw_samples(period=date(2026, 10, 1))
    case_transfer(actor=cast["qa.admin"], case=cast.cases["assessment_unchaired"], team=cast.teams["cic"])
    return {"audit": audit, "episode": looked_after}


def history_of(item) -> list:
    return list(History.objects.filter(id=item.pk).order_by("history_date", "history_id"))


def test_every_due_item_has_a_history_row(every_kind_of_write):
    assert DueItem.objects.count() > 0
    without = DueItem.objects.exclude(Exists(History.objects.filter(id=OuterRef("pk"))))
    assert list(without.values_list("key", flat=True)) == []


def test_every_history_row_names_a_user_or_a_reason(every_kind_of_write):
    assert not History.objects.filter(history_user__isnull=True, history_change_reason__in=["", None]).exists()


def test_each_items_latest_history_row_is_the_item_as_it_stands(every_kind_of_write):
    watched = ("status", "responsible_id", "responsible_role_id", "team_id", "satisfied_by_id", "completed_on")
    for item in DueItem.objects.all():
        latest = history_of(item)[-1]
        assert {name: getattr(latest, name) for name in watched} == {name: getattr(item, name) for name in watched}


def test_every_change_of_status_or_person_has_its_own_history_row(every_kind_of_write):
    changes = 0
    for item in DueItem.objects.all():
        rows = history_of(item)
        assert rows[0].history_type == "+"
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.history_type == "~"
            if (before.status, before.responsible_id) != (after.status, after.responsible_id):
                changes += 1
                assert after.history_user_id or after.history_change_reason
    assert changes > 0


def test_each_kind_of_write_says_what_made_it(every_kind_of_write, cast):
    audit = every_kind_of_write["audit"]
    planned = History.objects.filter(history_type="+", history_change_reason=PLAN_REASON, history_user=None)
    assert planned.exists()
    met = History.objects.get(status=DueStatus.DONE, satisfied_by=audit)
    assert (met.history_user, met.history_change_reason) == (
        cast["chair"],
        JOURNEY_MET_REASON,
    )
    # The review after it counts from the one held: the chain's next occurrence, planned by the submit.
    follow_on = History.objects.get(key=met.key.removesuffix(":1") + ":2", history_type="+")
    assert (follow_on.history_user, follow_on.history_change_reason) == (cast["chair"], JOURNEY_PLAN_REASON)
    # Owed by the end and not done: missed; due after it: cancelled (closing._close_open_items).
    ended = History.objects.filter(history_change_reason__startswith="Episode ended on 30/06/2026")
    assert set(ended.values_list("status", flat=True)) == {DueStatus.CANCELLED, DueStatus.MISSED}
    assert {(row.status, row.due_on <= date(2026, 6, 30)) for row in ended} == {
        (DueStatus.MISSED, True),
        (DueStatus.CANCELLED, False),
    }
    assert History.objects.filter(source="sample", history_type="+").exists()
    moved = History.objects.filter(case_id=cast.cases["assessment_unchaired"].pk, history_type="~")
    assert moved.exists() and set(moved.values_list("history_user", flat=True)) == {cast["qa.admin"].pk}


def test_planning_again_writes_no_history(every_kind_of_write):
    plan_due_items(today=TODAY, horizon_days=90)  # closes what the episode's end left (missed, with history)
    before = History.objects.count()
    plan_due_items(today=TODAY, horizon_days=90)
    assert History.objects.count() == before


def test_a_retried_cancellation_writes_no_second_history_row(every_kind_of_write):
    before = History.objects.count()
    cancel_after_episode_end.delay(every_kind_of_write["episode"].pk)
    assert History.objects.count() == before


#
# Items written before this: the migration that starts their history
#


def test_the_migration_gives_each_item_without_history_one_row_and_leaves_the_rest(cast):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    backfill = import_module("timeliness.migrations.0003_due_item_history_backfill")
    process = Process.objects.get(key="csc-sample-audit")
    fields = {"process": process, "case": cast.cases["cic"], "team": cast.teams["cic"], "due_on": TODAY}
    bare = DueItem.objects.bulk_create([DueItem(key=f"old:{n}", **fields) for n in range(3)])  # no history
    kept = save_with_history(DueItem(key="kept", **fields), actor=cast["qa.admin"], reason="Added")
    # The migration reads only the schema editor's connection; a real editor cannot open inside a
    # test's transaction on SQLite.
    editor = SimpleNamespace(connection=connection)
    backfill.backfill(apps, editor)
    backfill.backfill(apps, editor)  # again: nothing more
    for item in bare:
        (row,) = history_of(item)
        assert (row.history_type, row.history_change_reason, row.status) == ("+", backfill.REASON, DueStatus.OPEN)
    assert [row.history_change_reason for row in history_of(kept)] == ["Added"]
