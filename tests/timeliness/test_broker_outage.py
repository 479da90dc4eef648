"""With the broker down, a submission still succeeds and meets its due item (the work is done in the
submission's transaction, not through Redis); /healthz says the broker is down; the nightly planning
repairs what a lost task left undone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.choices import AuditStatus
from audits.models import Audit
from audits.services import audit_start
from cases.models import Episode
from processes.models import Process
from tests.audits.helpers import form_data
from tests.broker import broker_down
from timeliness.choices import DueStatus
from timeliness.closing import repair_due_items
from timeliness.models import DueItem
from timeliness.planning import plan_due_items

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def sample_item(cast, due_on=None):
    return DueItem.objects.create(
        key="sample:outage",
        process=Process.objects.get(key="csc-sample-audit"),
        case=cast.cases["assessment"],
        team=cast.teams["assessment"],
        due_on=due_on or timezone.localdate(),
        responsible=cast["tm.assessment"],
        source="sample",
    )


def test_sending_a_task_really_fails_while_the_broker_is_down():
    from timeliness.tasks import plan_after_submit

    with broker_down(), pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, whatever the transport
        plan_after_submit.apply_async((0,), retry=False)


def test_submitting_through_the_page_with_the_broker_down_succeeds_and_meets_the_due_item(
    client, cast, django_capture_on_commit_callbacks
):
    item = sample_item(cast)
    manager = cast["tm.assessment"]
    client.force_login(manager)
    client.post("/audits/new/csc-sample-audit/", {"case": cast.cases["assessment"].pk})
    audit = Audit.objects.get()
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/audits/{audit.pk}/edit/", form_data(audit, action="submit"))
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/"
    audit.refresh_from_db()
    item.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert (item.status, item.satisfied_by) == (DueStatus.DONE, audit)


def test_ending_an_episode_with_the_broker_down_saves_it_and_the_nightly_plan_cancels_its_later_items(
    cast, django_capture_on_commit_callbacks
):
    from cases.services import episode_end_announce

    episode = Episode.objects.create(case=cast.cases["cic"], kind="looked_after", start=timezone.localdate())
    plan_due_items(today=timezone.localdate(), horizon_days=120)
    later = DueItem.objects.filter(episode=episode, status=DueStatus.OPEN)
    assert later.exists()
    episode.end = timezone.localdate()
    episode.save()
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        episode_end_announce(episode)  # logs the broker error, raises nothing
    assert later.exists()
    plan_due_items(today=timezone.localdate(), horizon_days=120)
    assert not later.filter(due_on__gt=episode.end).exists()


def test_the_nightly_plan_meets_an_item_whose_record_was_submitted_while_its_task_was_lost(cast):
    item = sample_item(cast)
    audit = audit_start(actor=cast["tm.assessment"], process=item.process, case=item.case)
    # As a record submitted before this fix, whose task the broker lost: submitted, its item still open.
    Audit.objects.filter(pk=audit.pk).update(
        status=AuditStatus.SUBMITTED, held_on=timezone.localdate(), submitted_at=timezone.now()
    )
    plan_due_items(today=timezone.localdate(), horizon_days=30)
    item.refresh_from_db()
    assert (item.status, item.satisfied_by_id) == (DueStatus.DONE, audit.pk)
    assert repair_due_items() == (0, 0)  # a second run finds nothing


def test_the_repair_never_meets_an_item_planned_after_the_record(cast):
    audit = audit_start(
        actor=cast["tm.assessment"], process=Process.objects.get(key="csc-sample-audit"), case=cast.cases["assessment"]
    )
    long_ago = timezone.now() - timedelta(days=60)
    Audit.objects.filter(pk=audit.pk).update(
        status=AuditStatus.SUBMITTED, held_on=long_ago.date(), submitted_at=long_ago
    )
    item = sample_item(cast)
    assert repair_due_items() == (0, 0)
    item.refresh_from_db()
    assert item.status == DueStatus.OPEN


def test_healthz_reports_the_broker_down_and_keeps_its_format(client):
    with broker_down():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unavailable",
        "beat_last_seen_at": None,
    }


def test_healthz_reports_the_broker_up(client):
    assert client.get("/healthz").json()["broker"] == "ok"
