"""load_demo: the demo users of DESIGN.md section 9, fictional teams and cases, development only."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from audits.choices import AuditStatus, Judgement
from audits.models import Audit, Finding, Moderation
from cases.assignments import live_on_q
from cases.choices import CaseStatus, EpisodeKind
from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from demo.data import CASE_AREAS, DEMO_PASSWORD_DEFAULT, DEMO_USERNAMES
from demo.records import demo_audits_load
from fostering.models import FosterCarer
from processes.models import Area
from timeliness.models import DueItem
from workforce.models import StaffProfile, Team

pytestmark = pytest.mark.django_db

# username -> (role groups, team group or None)
EXPECTED_GROUPS = {
    "qa.admin": ({"QA administrator"}, None),
    "tm.assessment": ({"Team Manager"}, "Assessment Team"),
    "tm.cic": ({"Team Manager"}, "Children in Care Team"),
    "tm.yos": ({"Team Manager"}, "Youth Offending Service"),
    "sw.assessment": ({"Social Worker"}, "Assessment Team"),
    "chair": ({"Independent Chair"}, None),
    "iro": ({"Independent Reviewing Officer (IRO)"}, None),
    "hos": ({"Head of Service"}, None),
    "scrutiny": ({"Scrutiny panel member"}, None),
}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    return settings


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The default demo data (300 cases, catalogue included), loaded once for the class and rolled back
    after it, and what the command printed. Tests of the class get their own savepoints inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            output = load_demo()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def areas(db):
    """The four service areas without the whole catalogue: smaller runs stay fast."""
    for number, key in enumerate(CASE_AREAS, start=6):
        Area.objects.create(key=key, number=number, title=key.replace("-", " ").title(), version=1,
                            effective_date=date(2014, 4, 1))  # fmt: skip


class TestTheDefaultRun:
    def test_it_creates_the_nine_demo_users_with_their_role_and_team_groups(self, demo):
        assert set(DEMO_USERNAMES) == set(EXPECTED_GROUPS)
        for username, (role_groups, team) in EXPECTED_GROUPS.items():
            user = get_user_model().objects.get(username=username)
            wanted = role_groups | ({f"Team: {team}"} if team else set())
            assert set(user.groups.values_list("name", flat=True)) == wanted, username
            profile = StaffProfile.objects.get(user=user)
            assert profile.job_title and profile.start_date
            assert (profile.team.name if profile.team else None) == team

    def test_team_managers_manage_their_teams_and_the_social_worker_reports_to_one(self, demo):
        for username, team in (("tm.assessment", "Assessment Team"), ("tm.cic", "Children in Care Team"),
                               ("tm.yos", "Youth Offending Service")):  # fmt: skip
            assert Team.objects.get(name=team).manager.username == username
        assert StaffProfile.objects.get(user__username="sw.assessment").line_manager.username == "tm.assessment"

    def test_it_creates_the_four_teams_in_their_service_areas(self, demo):
        teams = dict(Team.objects.values_list("name", "service_area__key"))
        assert teams == {
            "Assessment Team": "advice-and-assessment",
            "Children in Care Team": "children-in-care",
            "Youth Offending Service": "youth-offending-service",
            "16+ Team": "sixteen-plus-service",
        }

    def test_it_creates_a_few_hundred_cases_spread_over_the_teams_with_every_kind_of_episode(self, demo):
        assert Case.objects.count() == 300
        assert Case.objects.filter(reference__regex=r"^DEMO-\d{6}$").count() == 300
        per_team = dict(Case.objects.values_list("team__name").annotate(n=Count("id")))
        assert set(per_team) == set(Team.objects.values_list("name", flat=True))
        assert min(per_team.values()) >= 20
        assert set(Episode.objects.values_list("kind", flat=True)) == set(EpisodeKind.values)
        assert not Case.objects.filter(episodes=None).exists()
        assert set(
            Episode.objects.filter(kind=EpisodeKind.LOOKED_AFTER, end=None).values_list("case__team__name", flat=True)
        ) == {"Children in Care Team"}
        assert (
            Episode.objects.filter(kind=EpisodeKind.YOUTH_JUSTICE_ORDER)
            .exclude(case__team__name="Youth Offending Service")
            .count()
            == 0
        )
        closed = Case.objects.filter(status=CaseStatus.CLOSED)
        assert 10 <= closed.count() <= 100
        assert not Episode.objects.filter(case__in=closed, end=None).exists()

    def test_the_chair_has_the_cases_on_a_plan_and_the_iro_the_looked_after_cases(self, demo):
        live = CaseAssignment.objects.filter(live_on_q(timezone.localdate()))
        chaired = Case.objects.filter(
            pk__in=live.filter(user__username="chair", role__key="independent-chair").values("case")
        )
        reviewed = Case.objects.filter(pk__in=live.filter(user__username="iro", role__key="iro").values("case"))
        assert chaired.count() > 10
        assert reviewed.count() > 10
        assert not chaired.exclude(episodes__kind=EpisodeKind.CHILD_PROTECTION_PLAN).exists()
        assert not reviewed.exclude(episodes__kind=EpisodeKind.LOOKED_AFTER).exists()
        # Granted through case_save: the team's group and each person named on the case.
        assert CaseGroupObjectPermission.objects.count() == 300
        assert CaseUserObjectPermission.objects.filter(user__username="chair").count() == chaired.count()
        assert Case.objects.for_user(get_user_model().objects.get(username="chair")).count() == chaired.count()

    def test_it_registers_fifteen_foster_carers_approved_over_six_years_each_reviewed_on_time_or_nearly(self, demo):
        carers = FosterCarer.objects.filter(reference__startswith="DEMO-FC-")
        assert carers.count() == 15 == int(re.search(r"foster carers: (\d+) created", demo).group(1))
        approvals = sorted(carers.values_list("approved_on", flat=True))
        assert (approvals[-1] - approvals[0]).days > 5 * 365
        assert set(carers.values_list("status", flat=True)) == {"approved", "on_hold", "deregistered"}
        assert carers.filter(reviewing_officer__username="fostering.officer").count() >= 10
        reviews = Audit.objects.filter(foster_carer__in=carers, status=AuditStatus.SUBMITTED)
        assert reviews.count() == int(re.search(r"(\d+) reviews recorded", demo).group(1)) >= 8
        # Each review planned the carer's next, a year on: the register's items are next reviews, not arrears.
        assert DueItem.objects.filter(foster_carer__in=carers, status="open").count() >= reviews.count()

    def test_each_case_and_episode_has_a_history_row(self, demo):
        assert Case.history.count() == 300
        assert Episode.history.count() == Episode.objects.count()

    def test_it_records_a_year_of_audits_as_the_people_who_lead_them(self, demo):
        audits = Audit.objects.filter(case__isnull=False).select_related("process", "carried_out_by")
        assert 100 <= audits.count() == int(re.search(r"audits: (\d+) recorded", demo).group(1))
        assert {audit.status for audit in audits} == {AuditStatus.SUBMITTED, AuditStatus.MODERATED}
        assert {audit.carried_out_by.username for audit in audits} >= {"tm.assessment", "chair", "iro", "sw.assessment"}
        for audit in audits:
            assert audit.case.reference.startswith("DEMO-")
            assert audit.process.lead_roles.filter(group__user=audit.carried_out_by).exists()
            assert audit.history.filter(history_user=audit.carried_out_by).exists()
        assert Finding.objects.filter(audit__in=audits, judgement=Judgement.NOT_MET).exclude(evidence="").exists()
        assert Moderation.objects.filter(agreed=False).exclude(reason="").exists()

    def test_a_second_run_records_no_more_audits(self, demo):
        users = {user.username: user for user in get_user_model().objects.all()}
        assert demo_audits_load(users=users, today=date.today()) == 0

    def test_demo_users_sign_in_with_the_default_password(self, demo, client):
        response = client.post("/accounts/login/", {"username": "tm.assessment", "password": DEMO_PASSWORD_DEFAULT})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="tm.assessment").pk)

    def test_the_output_gives_counts_and_never_a_childs_name(self, demo):
        assert "cases: 300 created" in demo
        names = set(Case.objects.values_list("child_name", flat=True))
        words = {word for name in names for word in name.split()}
        assert not any(name in demo for name in names)
        assert not (words & set(demo.replace(",", " ").replace("(", " ").replace(")", " ").split()))


def test_the_password_comes_from_demo_password(debug_on, areas, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password-9")
    load_demo("--cases", "0")
    assert get_user_model().objects.get(username="hos").check_password("another-demo-password-9")


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="load_demo refuses to run with DEBUG off"):
        load_demo("--cases", "5")
    assert not get_user_model().objects.filter(username="hos").exists()


def test_if_empty_does_nothing_when_cases_exist(debug_on, areas):
    load_demo("--if-empty", "--cases", "10")
    assert Case.objects.count() == 10
    output = load_demo("--if-empty", "--cases", "20")
    assert "nothing done" in output
    assert Case.objects.count() == 10
    assert Case.history.count() == 10


def test_running_it_again_keeps_what_is_there_and_resets_the_passwords(debug_on, areas):
    load_demo("--cases", "10")
    hos = get_user_model().objects.get(username="hos")
    hos.set_password("changed-by-someone-1")
    hos.save()
    first = dict(Case.objects.values_list("reference", "child_name"))

    output = load_demo("--cases", "15")
    assert "cases: 5 created, 10 already there" in output
    assert "teams: 0 created, 4 already there" in output
    assert dict(Case.objects.filter(reference__in=first).values_list("reference", "child_name")) == first
    assert Team.objects.count() == 4
    assert get_user_model().objects.get(username="hos").check_password(DEMO_PASSWORD_DEFAULT)
