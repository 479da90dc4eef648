"""Reminders and notifications keep history: the task that sent a reminder or wrote a notification is
named in its history row's change reason, and a reader marking notifications read is its history user."""

from datetime import date
from unittest import mock

import pytest

from tests.timeliness.test_reminders import LOCMEM_SEND, TODAY, due, people  # noqa: F401 (fixture)
from timeliness.models import Notification, Reminder
from timeliness.reminders import READ_REASON, REMINDERS_REASON, notifications_mark_read, send_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def test_every_reminder_sent_has_one_created_history_row_naming_the_task(people):  # noqa: F811
    worker = people["sw.assessment"]
    due(worker, date(2027, 1, 4))
    due(worker, date(2026, 12, 1))  # overdue, and escalated to the line manager and the heads

    sent = send_reminders(today=TODAY)

    reminders = {row.pk: row for row in Reminder.objects.all()}
    history = list(Reminder.history.all())
    assert sent == len(reminders) == len(history) >= 3
    assert {row.id for row in history} == set(reminders)
    for row in history:
        kept = reminders[row.id]
        assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", None, REMINDERS_REASON)
        assert (row.due_item_id, row.stage, row.recipient_id, row.sent_at, row.digest) == (
            kept.due_item_id,
            kept.stage,
            kept.recipient_id,
            kept.sent_at,
            kept.digest,
        )
        assert row.history_date == kept.sent_at


def test_a_second_run_sends_nothing_and_writes_no_history(people):  # noqa: F811
    due(people["sw.assessment"], date(2026, 12, 24))
    send_reminders(today=TODAY)
    before = (Reminder.history.count(), Notification.history.count())

    assert send_reminders(today=TODAY) == 0

    assert (Reminder.history.count(), Notification.history.count()) == before


def test_each_digest_notification_has_a_created_history_row_naming_the_task(people):  # noqa: F811
    worker, manager = people["sw.assessment"], people["tm.assessment"]
    due(worker, date(2026, 12, 24))
    due(manager, date(2026, 12, 31))

    send_reminders(today=TODAY)

    notifications = Notification.objects.filter(user__in=[worker, manager])
    assert notifications.count() == 2
    for notification in notifications:
        (row,) = notification.history.all()
        assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", None, REMINDERS_REASON)
        assert (row.subject, row.body) == (notification.subject, notification.body)


def test_a_failed_digest_leaves_no_history_of_what_it_did_not_send(people):  # noqa: F811
    due(people["sw.assessment"], date(2026, 12, 18))

    with mock.patch(LOCMEM_SEND, side_effect=ConnectionError("mail server down")), pytest.raises(ConnectionError):
        send_reminders(today=TODAY)

    assert (Reminder.history.count(), Notification.history.count()) == (0, 0)


def test_marking_notifications_read_writes_a_changed_row_naming_the_reader_and_leaves_others_alone(people):  # noqa: F811
    worker, other = people["sw.assessment"], people["tm.assessment"]
    mine = [Notification.objects.create(user=worker, subject=f"N{i}", body="") for i in range(2)]
    theirs = Notification.objects.create(user=other, subject="Not yours", body="")

    assert notifications_mark_read(user=worker) == 2
    assert notifications_mark_read(user=worker) == 0  # nothing unread: no more history

    for notification in mine:
        latest = notification.history.order_by("-history_id").first()
        assert (latest.history_type, latest.history_user_id, latest.history_change_reason) == (
            "~",
            worker.pk,
            READ_REASON,
        )
        assert latest.read_at is not None
        assert notification.history.filter(history_type="~").count() == 1
    assert not theirs.history.filter(history_type="~").exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
