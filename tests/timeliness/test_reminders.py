"""Reminders: stages over working days, escalation, one digest per person, exactly once, notifications."""

import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from processes.models import ClosureDay, Process
from processes.timescales import NO_CLOSURES, working_days_between
from tests.cast import area
from timeliness.choices import DueStatus, ReminderStage
from timeliness.models import DueItem, Notification, Reminder
from timeliness.reminders import Thresholds, WorkingDaysLate, recipients_due, send_reminders, unread_count
from workforce.models import StaffProfile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

# Tuesday 29 December 2026: Christmas Day (Fri 25) and the Boxing Day substitute (Mon 28) are bank holidays.
TODAY = date(2026, 12, 29)
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def make_process(key="csc-supervision", name="Case supervision"):
    return Process.objects.get_or_create(
        key=key,
        defaults={
            "area": area("advice-and-assessment"),
            "name": name,
            "position": 1,
            "lead": "Team manager",
            "subject_kind": "case",
        },
    )[0]


def due(responsible, due_on, *, case=None, process=None, status=DueStatus.OPEN, key=None):
    return DueItem.objects.create(
        key=key or f"test:{responsible.pk if responsible else 0}:{due_on}:{DueItem.objects.count()}",
        process=process or make_process(),
        case=case,
        due_on=due_on,
        responsible=responsible,
        status=status,
    )


@pytest.fixture
def people(cast):
    """sw.assessment is line-managed by tm.assessment; hos is the head of service."""
    StaffProfile.objects.filter(user=cast["sw.assessment"]).update(line_manager=cast["tm.assessment"])
    return cast


def lines_of(message):
    return [line for line in message.body.splitlines() if line.startswith("- ")]


#
# Stages over working days
#


def test_stages_count_working_days_and_skip_bank_holidays():
    t = Thresholds.for_day(TODAY, NO_CLOSURES)
    # Due soon: within 5 working days (30, 31 Dec, 4, 5, 6 Jan; New Year's Day is a bank holiday).
    assert t.stages(TODAY) == [ReminderStage.DUE_SOON]
    assert t.stages(date(2027, 1, 6)) == [ReminderStage.DUE_SOON]
    assert t.stages(date(2027, 1, 7)) == []
    # Overdue from the day after the due date.
    assert t.stages(date(2026, 12, 24)) == [ReminderStage.OVERDUE]
    # 22 Dec is 5 calendar weekdays back but only 3 working days (25 and 28 Dec are bank holidays).
    assert t.stages(date(2026, 12, 22)) == [ReminderStage.OVERDUE]
    assert t.stages(date(2026, 12, 18)) == [ReminderStage.OVERDUE, ReminderStage.ESCALATED]
    # 15 working days late or more: the head of service too.
    assert t.stages(date(2026, 12, 7)) == [ReminderStage.OVERDUE, ReminderStage.ESCALATED]
    assert t.stages(date(2026, 12, 4)) == [
        ReminderStage.OVERDUE,
        ReminderStage.ESCALATED,
        ReminderStage.ESCALATED_HEAD,
    ]


def test_thresholds_agree_with_working_days_between():
    t = Thresholds.for_day(TODAY, NO_CLOSURES)
    late = WorkingDaysLate(TODAY, NO_CLOSURES)
    for back in range(1, 60):
        day = TODAY - timedelta(days=back)
        count = working_days_between(day, TODAY)
        assert late(day) == count
        assert (day <= t.escalate_on_or_before) == (count >= 5)
        assert (day <= t.escalate_head_on_or_before) == (count >= 15)


def test_a_closure_day_is_not_a_working_day(settings):
    closures = frozenset({date(2026, 12, 29), date(2026, 12, 24), date(2026, 12, 23)})
    t = Thresholds.for_day(date(2026, 12, 30), closures)
    # 18 Dec to 30 Dec: 21, 22 and 30 Dec are the only working days.
    assert t.stages(date(2026, 12, 18)) == [ReminderStage.OVERDUE]


def test_thresholds_follow_the_settings(settings):
    settings.REMINDER_DUE_SOON_WORKING_DAYS = 1
    settings.ESCALATE_AFTER_WORKING_DAYS = 1
    t = Thresholds.for_day(TODAY, NO_CLOSURES)
    assert t.stages(date(2026, 12, 31)) == []
    assert t.stages(date(2026, 12, 24)) == [ReminderStage.OVERDUE, ReminderStage.ESCALATED]


#
# Who is reminded
#


def test_it_sends_one_digest_per_person_listing_all_their_items(people):
    worker, manager = people["sw.assessment"], people["tm.assessment"]
    due(worker, date(2027, 1, 4))
    due(worker, date(2026, 12, 24))
    due(worker, date(2026, 12, 23), process=make_process("csc-transfer", "Transfer audit"))
    due(manager, date(2026, 12, 31))

    assert send_reminders(today=TODAY) == 4

    by_person = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_person) == sorted([manager.email, worker.email])
    assert len(lines_of(by_person[worker.email])) == 3
    assert "Transfer audit" in by_person[worker.email].body
    assert "2 of these 3 records are overdue" in by_person[worker.email].body
    html = by_person[worker.email].alternatives[0]
    assert html[1] == "text/html" and "Transfer audit" in html[0]
    assert Notification.objects.filter(user=worker).count() == 1
    assert Notification.objects.filter(user=manager).count() == 1


def test_escalation_goes_to_the_line_manager_then_the_head_of_service(people):
    worker, manager, head = people["sw.assessment"], people["tm.assessment"], people["hos"]
    item = due(worker, date(2026, 12, 18))  # 5 working days late

    assert send_reminders(today=TODAY) == 2
    assert {(r.stage, r.recipient_id) for r in item.reminders.all()} == {
        (ReminderStage.OVERDUE, worker.pk),
        (ReminderStage.ESCALATED, manager.pk),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([worker.email, manager.email])

    mail.outbox.clear()
    # Three weeks on, 15 working days late: only the new stage goes, to the head of service.
    assert send_reminders(today=date(2027, 1, 13)) == 1
    assert [m.to for m in mail.outbox] == [[head.email]]
    assert "Escalated to the head of service" in mail.outbox[0].body


def test_without_a_line_manager_it_skips_to_the_head_of_service(people):
    manager, head = people["tm.assessment"], people["hos"]
    due(manager, date(2026, 12, 18))  # tm.assessment has no line manager
    assert send_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]
    mail.outbox.clear()
    assert send_reminders(today=date(2027, 1, 13)) == 1
    assert [m.to for m in mail.outbox] == [[head.email]]


def test_every_active_head_of_service_gets_the_escalation(people):
    from processes.models import Role

    second = type(people["hos"]).objects.create_user("hos2", email="hos2@example.org")
    second.groups.add(Role.objects.get(key="head-of-service").group)
    retired = type(people["hos"]).objects.create_user("hos3", email="hos3@example.org", is_active=False)
    retired.groups.add(Role.objects.get(key="head-of-service").group)
    item = due(people["sw.assessment"], date(2026, 12, 1))

    send_reminders(today=TODAY)

    heads = [m.to[0] for m in mail.outbox if "head of service" in m.body]
    assert sorted(heads) == sorted([people["hos"].email, "hos2@example.org"])
    rows = item.reminders.filter(stage=ReminderStage.ESCALATED_HEAD)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([people["hos"].pk, second.pk])
    assert all(row.sent_at is not None for row in rows)


def test_a_failed_digest_of_one_head_leaves_only_that_head_to_send_again(people):
    """Each head of service has their own row: one head's failed email cannot take the line from the other."""
    from django.core.mail.backends.locmem import EmailBackend

    from processes.models import Role

    second = type(people["hos"]).objects.create_user("hos2", email="hos2@example.org")
    second.groups.add(Role.objects.get(key="head-of-service").group)
    item = due(people["sw.assessment"], date(2026, 12, 1))
    real = EmailBackend.send_messages

    def refuse_hos2(self, messages):
        if messages[0].to == ["hos2@example.org"]:
            raise ConnectionError("mailbox unavailable")
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", refuse_hos2), pytest.raises(ConnectionError):
        send_reminders(today=TODAY)
    heads_told = item.reminders.filter(stage=ReminderStage.ESCALATED_HEAD).values_list("recipient_id", flat=True)
    assert list(heads_told) == [people["hos"].pk]

    mail.outbox.clear()
    assert send_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [["hos2@example.org"]]
    assert "Escalated to the head of service" in mail.outbox[0].body


def test_a_long_digest_lists_the_most_overdue_then_counts_every_line(people, settings):
    settings.REMINDER_DIGEST_LINES = 3
    worker = people["tm.assessment"]  # no line manager: overdue items stay with them (until the head's threshold)
    visits = make_process("csc-visits", "Visits")
    for n in range(5):
        due(worker, date(2026, 12, 24) - timedelta(days=n))
    for _ in range(2):
        due(worker, date(2026, 12, 23), process=visits)
    due(worker, date(2027, 1, 4))

    assert send_reminders(today=TODAY) == 8
    message = mail.outbox[0]
    assert len(lines_of(message)) == 3
    # The most overdue first: the item due on 20 December heads the list.
    assert lines_of(message)[0].startswith("- Overdue: Case supervision")
    assert "20 December 2026" in message.body.split("\n- ")[1]
    assert "... and 5 more" in message.body
    assert "* Due soon, Case supervision: 1" in message.body
    assert "* Overdue, Case supervision: 5 (5 overdue)" in message.body
    assert "* Overdue, Visits: 2 (2 overdue)" in message.body
    assert "/due/?mine=responsible&status=open" in message.body
    assert "mine=escalated" not in message.body
    notification = Notification.objects.get(user=worker)
    assert notification.subject == "8 reminders, 7 overdue"
    assert len(notification.body.splitlines()) == 3 + 1 + 3
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert Reminder.objects.values("digest").distinct().count() == 1


def test_an_escalation_digest_links_to_the_items_escalated_to_me(client, people):
    worker, manager = people["sw.assessment"], people["tm.assessment"]
    item = due(worker, date(2026, 12, 18), case=people.cases["assessment"])
    send_reminders(today=TODAY)
    message = next(m for m in mail.outbox if m.to == [manager.email])
    assert "/due/?mine=escalated&status=open" in message.body

    client.force_login(manager)
    shown = client.get("/due/?mine=escalated&status=open").context["page_obj"].paginator.object_list
    assert [i.pk for i in shown] == [item.pk]
    client.force_login(worker)
    assert list(client.get("/due/?mine=escalated").context["page_obj"].paginator.object_list) == []


def test_done_cancelled_and_unowned_items_are_not_reminded(people):
    due(None, date(2026, 12, 1))
    due(people["sw.assessment"], date(2026, 12, 1), status=DueStatus.CANCELLED)
    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []


#
# Exactly once
#


def test_running_twice_sends_nothing_the_second_time(people):
    due(people["sw.assessment"], date(2026, 12, 1))
    due(people["tm.assessment"], date(2027, 1, 4))
    first = send_reminders(today=TODAY)
    assert first == 4  # overdue, escalated, head; and one due soon
    sent = len(mail.outbox)
    assert send_reminders(today=TODAY) == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_each_stage_is_one_row_per_person_sent_in_one_digest(people):
    head, manager = people["hos"], people["tm.assessment"]
    due(people["sw.assessment"], date(2026, 12, 1))
    assert send_reminders(today=TODAY) == 3
    rows = Reminder.objects.order_by("stage")
    assert [(r.stage, r.recipient_id) for r in rows] == [
        (ReminderStage.ESCALATED, manager.pk),
        (ReminderStage.ESCALATED_HEAD, head.pk),
        (ReminderStage.OVERDUE, people["sw.assessment"].pk),
    ]
    assert all(r.sent_at is not None and r.digest is not None for r in rows)
    assert len({r.digest for r in rows}) == 3  # one digest per person
    assert send_reminders(today=TODAY) == 0
    assert Reminder.objects.count() == 3


def test_the_people_to_remind_are_the_responsible_their_line_managers_and_the_heads(people):
    worker, manager, head = people["sw.assessment"], people["tm.assessment"], people["hos"]
    t = Thresholds.for_day(TODAY, NO_CLOSURES)
    due(worker, date(2027, 1, 20))  # not yet due soon: nobody
    assert recipients_due(t=t, heads=[head.pk]) == []
    due(worker, date(2026, 12, 24))  # overdue, not yet escalated
    assert recipients_due(t=t, heads=[head.pk]) == [worker.pk]
    due(worker, date(2026, 12, 1))  # escalated to the line manager and the heads
    assert recipients_due(t=t, heads=[head.pk]) == sorted([worker.pk, manager.pk, head.pk])
    type(manager).objects.filter(pk=manager.pk).update(is_active=False)
    assert recipients_due(t=t, heads=[head.pk]) == sorted([worker.pk, head.pk])


def test_a_failure_mid_send_marks_nothing_and_the_next_run_sends_it_all(people):
    due(people["sw.assessment"], date(2026, 12, 18))
    due(people["tm.assessment"], date(2027, 1, 4))

    with mock.patch(LOCMEM_SEND, side_effect=ConnectionError("mail server down")), pytest.raises(ConnectionError):
        send_reminders(today=TODAY)
    assert Reminder.objects.count() == 0  # the claims rolled back with the digest that failed
    assert Notification.objects.count() == 0

    assert send_reminders(today=TODAY) == 3
    assert len(mail.outbox) == 2
    assert send_reminders(today=TODAY) == 0


def test_a_failure_after_some_digests_keeps_those_sent_and_sends_the_rest_once(people):
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    calls = []

    def second_call_fails(self, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise ConnectionError("mail server went away")
        return real(self, messages)

    due(people["sw.assessment"], date(2026, 12, 24))
    due(people["tm.assessment"], date(2026, 12, 24))
    due(people["chair"], date(2026, 12, 24))
    with mock.patch.object(EmailBackend, "send_messages", second_call_fails), pytest.raises(ConnectionError):
        send_reminders(today=TODAY)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 1
    first = [m.to[0] for m in mail.outbox]

    assert send_reminders(today=TODAY) == 2
    everyone = [m.to[0] for m in mail.outbox]
    assert len(everyone) == 3 and len(set(everyone)) == 3
    assert first[0] in everyone


#
# What the email says
#


def test_emails_name_no_child_and_no_date_of_birth(people):
    case = people.cases["assessment"]
    due(people["sw.assessment"], date(2026, 12, 1), case=case)
    send_reminders(today=TODAY)
    assert mail.outbox
    for message in mail.outbox:
        for text in (message.subject, message.body, message.alternatives[0][0]):
            assert case.child_name not in text
            assert "14/03/2015" not in text and "14 March 2015" not in text and "2015-03-14" not in text
        assert case.reference in message.body
        assert reverse("cases:case_detail", kwargs={"pk": case.pk}) in message.body
    for notification in Notification.objects.all():
        assert case.child_name not in notification.body


def test_the_email_says_how_late_in_working_days(people):
    due(people["tm.assessment"], date(2026, 12, 22))
    send_reminders(today=TODAY)
    assert "3 working days overdue" in mail.outbox[0].body


#
# The command
#


def test_the_command_ends_with_the_number_sent(people):
    due(people["tm.assessment"], date(2026, 12, 22))
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-12-29", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "sent 1 reminders"
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-12-29", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "sent 0 reminders"


def test_the_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "29/12/2026", stdout=io.StringIO())


def test_a_closure_day_row_is_used(people):
    ClosureDay.objects.create(date=date(2026, 12, 21), reason="Office closed")
    ClosureDay.objects.create(date=date(2026, 12, 22), reason="Office closed")
    due(people["sw.assessment"], date(2026, 12, 16))  # 7 working days late without, 5 with... minus two closures
    send_reminders(today=TODAY)
    stages = set(Reminder.objects.values_list("stage", flat=True))
    # 17, 18, 23, 24, 29 Dec: 5 working days late with the closures → escalated.
    assert stages == {ReminderStage.OVERDUE, ReminderStage.ESCALATED}


#
# In the app
#


def test_the_task_sends_the_reminders(people, settings):
    from timeliness.tasks import send_reminders_task

    due(people["tm.assessment"], date(2026, 12, 22))
    assert send_reminders_task.delay("2026-12-29").get() == 1
    assert len(mail.outbox) == 1


def test_notifications_list_newest_first_and_mark_all_read(client, people):
    worker = people["sw.assessment"]
    Notification.objects.create(user=worker, subject="Older", body="a")
    Notification.objects.create(user=worker, subject="Newer", body="b")
    Notification.objects.create(user=people["tm.assessment"], subject="Not yours", body="c")
    assert unread_count(worker) == 2

    client.force_login(worker)
    response = client.get(reverse("timeliness:notification_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Newer") < text.index("Older")
    assert "Not yours" not in text

    assert client.get(reverse("timeliness:notifications_read")).status_code == 405
    response = client.post(reverse("timeliness:notifications_read"))
    assert response.status_code == 302
    assert unread_count(worker) == 0
    assert unread_count(people["tm.assessment"]) == 1


def test_notifications_are_paginated(client, people):
    worker = people["sw.assessment"]
    Notification.objects.bulk_create([Notification(user=worker, subject=f"N{i}", body="") for i in range(30)])
    client.force_login(worker)
    response = client.get(reverse("timeliness:notification_list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 5


def test_notifications_need_sign_in(client):
    response = client.get(reverse("timeliness:notification_list"))
    assert response.status_code == 302
    assert unread_count(mock.Mock(is_authenticated=False)) == 0


def test_the_migration_to_one_row_per_person_drops_unsent_claims_and_gives_every_head_the_sent_escalations(
    people,
):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.utils import timezone

    from processes.models import Role

    migration = importlib.import_module("audits.migrations.0007_lean_due_item_indexes_reminder_per_recipient")
    second = type(people["hos"]).objects.create_user("hos2", email="hos2@example.org")
    second.groups.add(Role.objects.get(key="head-of-service").group)
    sent_item, unsent_item = due(people["sw.assessment"], date(2026, 12, 1)), due(people["tm.assessment"], TODAY)
    Reminder.objects.create(
        due_item=sent_item, stage=ReminderStage.ESCALATED_HEAD, recipient=people["hos"], sent_at=timezone.now()
    )
    Reminder.objects.create(due_item=unsent_item, stage=ReminderStage.DUE_SOON, recipient=people["tm.assessment"])

    # The function runs on the models as they were at that migration (they have moved app since).
    state = MigrationLoader(connection).project_state(("audits", "0007_lean_due_item_indexes_reminder_per_recipient"))
    migration.one_row_per_person(state.apps, None)

    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    heads = sent_item.reminders.filter(stage=ReminderStage.ESCALATED_HEAD, sent_at__isnull=False)
    assert sorted(heads.values_list("recipient_id", flat=True)) == sorted([people["hos"].pk, second.pk])
    # The next run sends the dropped claim again, and repeats no escalation to either head.
    send_reminders(today=TODAY)
    assert unsent_item.reminders.get().sent_at is not None
    assert not [m for m in mail.outbox if "head of service" in m.body]
