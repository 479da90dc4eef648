"""The due list, its CSV and the notification pages' answers (the mixins of tests/testing.py):
anonymous -> sign in, scrutiny -> 403, another team's item or another person's notification not listed."""

from datetime import date

import pytest

from processes.models import Process
from tests.testing import ListScopeTests, ListViewTests, ShowTests, SignInTests
from timeliness.models import DueItem, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def due_item(cast, case_key, responsible):
    case = cast.cases[case_key]
    return DueItem.objects.create(
        key=f"test:{case.reference}",
        process=Process.objects.get(key="cic-statutory-visits"),
        case=case,
        team=case.team,
        due_on=date(2026, 1, 5),
        responsible=cast[responsible],
    )


class DueItemTests(ListViewTests):
    url = "/due/?status=open"
    user_in_scope = "tm.assessment"
    user_without_permission = "scrutiny"

    def object_in_scope(self, cast):
        due_item(cast, "cic", "tm.cic")  # on the page for others, never for this user
        return due_item(cast, "assessment", "sw.assessment")

    def object_out_of_scope(self, cast):
        due_item(cast, "assessment", "sw.assessment")
        return due_item(cast, "cic", "tm.cic")

    def marker(self, obj):
        return obj.case.reference


class TestDueList(DueItemTests):
    pass


class TestDueExport(DueItemTests):
    url = "/due/export.csv"


def notification(cast, username):
    return Notification.objects.create(user=cast[username], subject=f"A message for {username}", body="Overdue.")


class TestNotificationList(SignInTests, ListScopeTests, ShowTests):
    """Everyone signed in has notifications (no permission to lack); they see only their own."""

    url = "/notifications/"
    user_in_scope = "sw.assessment"

    def object_in_scope(self, cast):
        notification(cast, "tm.cic")
        return notification(cast, "sw.assessment")

    def object_out_of_scope(self, cast):
        notification(cast, "sw.assessment")
        return notification(cast, "tm.cic")

    def marker(self, obj):
        return obj.subject


class TestNotificationsRead(SignInTests, ShowTests):
    """Marking read answers a POST only, and marks the user's own notifications alone."""

    url = "/notifications/read/"
    methods = ("post",)
    ok_status = 302
    user_in_scope = "sw.assessment"

    def object_in_scope(self, cast):
        return notification(cast, "sw.assessment")

    def test_it_marks_only_the_users_own_notifications(self, client, cast):
        mine, theirs = notification(cast, "sw.assessment"), notification(cast, "tm.cic")
        client.force_login(cast["sw.assessment"])
        assert client.post(self.url).status_code == 302
        mine.refresh_from_db(), theirs.refresh_from_db()
        assert mine.read_at is not None and theirs.read_at is None
