"""Two send_reminders runs at once, each on its own database connection, send every reminder exactly once.

PostgreSQL only: the runs rely on SELECT ... FOR UPDATE SKIP LOCKED, which SQLite does not have (and
SQLite's single writer would serialise the runs anyway).
"""

import threading
import time
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections

from processes.models import Process
from tests.cast import area
from tests.factories import UserFactory
from timeliness.models import DueItem, Reminder
from timeliness.reminders import send_reminders

TODAY = date(2026, 12, 29)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SKIP LOCKED)"),
]


@pytest.fixture
def many_items(db):
    process = Process.objects.create(
        area=area("advice-and-assessment"),
        key="csc-supervision",
        name="Case supervision",
        position=1,
        lead="Team manager",
        subject_kind="case",
    )
    people = [UserFactory(username=f"worker{i:02}") for i in range(40)]
    due_dates = [date(2026, 12, 24), date(2026, 12, 22), date(2027, 1, 4)]  # overdue, overdue, due soon
    DueItem.objects.bulk_create(
        DueItem(key=f"c:{person.pk}:{n}", process=process, responsible=person, due_on=due_dates[n])
        for person in people
        for n in range(3)
    )
    return people


def slow_send(real):
    def send_messages(self, messages):
        time.sleep(0.005)  # long enough for the two runs to overlap
        return real(self, messages)

    return send_messages


def run_in_threads(count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(send_reminders(today=TODAY))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_two_runs_at_once_send_every_reminder_exactly_once(many_items, monkeypatch):
    # Each digest is its own transaction, so the two runs interleave person by person.
    monkeypatch.setattr(EmailBackend, "send_messages", slow_send(EmailBackend.send_messages))

    results, errors = run_in_threads(2)

    assert errors == []
    assert Reminder.objects.count() == 120
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert sum(results) == 120
    assert len(results) == 2 and min(results) > 0  # both runs sent some: they did overlap
    listed = [line for message in mail.outbox for line in message.body.splitlines() if line.startswith("- ")]
    assert len(listed) == 120  # nothing emailed twice
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 40

    assert send_reminders(today=TODAY) == 0
    assert len(mail.outbox) == 40


def test_a_run_that_dies_mid_send_loses_nothing_and_the_next_sends_once(many_items, monkeypatch):
    real = EmailBackend.send_messages
    calls = []

    def dies_on_the_fifth(self, messages):
        calls.append(1)
        if len(calls) == 5:
            raise ConnectionError("worker lost its mail server")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_on_the_fifth)
    with pytest.raises(ConnectionError):
        send_reminders(today=TODAY)
    handed_over = len(mail.outbox)
    assert handed_over == 4
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 4 * 3

    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert send_reminders(today=TODAY) == 120 - 12
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 40
    assert send_reminders(today=TODAY) == 0


def test_two_runs_at_once_give_each_head_of_service_each_escalation_once(many_items, monkeypatch):
    from processes.models import Role
    from processes.services import roles_sync, system_user

    roles_sync(actor=system_user())
    group = Role.objects.get(key="head-of-service").group
    heads = [UserFactory(username=f"head{i}") for i in range(2)]
    for head in heads:
        head.groups.add(group)
    DueItem.objects.filter(due_on=date(2026, 12, 22)).update(due_on=date(2026, 12, 1))  # 40 items, 15+ days late
    monkeypatch.setattr(EmailBackend, "send_messages", slow_send(EmailBackend.send_messages))

    results, errors = run_in_threads(2)

    assert errors == []
    assert sum(results) == 120 + 2 * 40
    for head in heads:
        digests = [message for message in mail.outbox if message.to == [head.email]]
        assert len(digests) == 1
        assert Reminder.objects.filter(recipient=head, stage="escalated_head").count() == 40
    assert send_reminders(today=TODAY) == 0
