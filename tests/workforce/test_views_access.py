"""The teams and staff pages' answers (the mixins of tests/testing.py): anonymous -> sign in, anyone but
a QA administrator -> 403 with nothing written, the administrator -> 200, one history row per write.

The workforce pages have no scope: every holder of the permission manages every team and person
(an unknown one is 404: test_views.py), so these classes leave out ScopeTests."""

import pytest

from tests.testing import HistoryTests, PermissionTests, ShowTests, SignInTests
from tests.workforce.helpers import edit_data, staff_data
from workforce.models import StaffProfile, Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


class WorkforcePageTests(SignInTests, PermissionTests, ShowTests):
    user_in_scope = "qa.admin"
    user_without_permission = "tm.assessment"


class TeamPageTests(WorkforcePageTests):
    def object_in_scope(self, cast):
        return cast.teams["assessment"]

    def marker(self, obj):
        return obj.name

    def history_rows(self, cast, obj):
        return Team.history.all()


class StaffPageTests(WorkforcePageTests):
    def object_in_scope(self, cast):
        return cast["sw.assessment"].staff_profile

    def marker(self, obj):
        return obj.user.get_full_name()

    def history_rows(self, cast, obj):
        return StaffProfile.history.all()


class TestTeamList(TeamPageTests):
    url = "/workforce/teams/"


class TestTeamDetail(TeamPageTests):
    url = "/workforce/teams/{obj.pk}/"


class TestTeamCreate(TeamPageTests, HistoryTests):
    url = "/workforce/teams/add/"

    def marker(self, obj):
        return None

    def form_data(self, cast, obj):
        return {"name": "Duty Team", "service_area": obj.service_area_id}


class TestTeamEdit(TeamPageTests, HistoryTests):
    url = "/workforce/teams/{obj.pk}/edit/"

    def form_data(self, cast, obj):
        return {"name": "Duty and Advice", "service_area": obj.service_area_id, "is_active": "on"}


class TestStaffList(StaffPageTests):
    url = "/workforce/staff/"


class TestStaffDetail(StaffPageTests):
    url = "/workforce/staff/{obj.pk}/"


class TestStaffCreate(StaffPageTests, HistoryTests):
    url = "/workforce/staff/add/"

    def marker(self, obj):
        return None

    def form_data(self, cast, obj):
        return staff_data(team=cast.teams["assessment"], username="robin.ashworth")


class TestStaffEdit(StaffPageTests, HistoryTests):
    url = "/workforce/staff/{obj.pk}/edit/"

    def form_data(self, cast, obj):
        return edit_data(obj, job_title="Senior Social Worker")


class TestStaffInvite(StaffPageTests):
    """Sending a person their invitation answers a POST only, back to their page."""

    url = "/workforce/staff/{obj.pk}/invite/"
    methods = ("post",)
    ok_status = 302

    def marker(self, obj):
        return None
