"""load_demo: the demo users of DESIGN.md section 9, fictional teams and cases, development only."""

import io
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from audits.choices import AuditStatus, Judgement
from audits.models import Audit, Finding, Moderation
from cases.choices import CaseStatus, EpisodeKind
from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, Episode
from demo.data import CASE_AREAS, DEMO_PASSWORD_DEFAULT, DEMO_USERNAMES
from demo.journeys import demo_journeys_load
from demo.records import demo_audits_load
from fostering.models import FosterCarer
from journeys.choices import LegalStatusKind, MeetingKind, StrategyOutcome
from journeys.models import (
    CareLeaverAccommodation,
    CareLeaverStatus,
    Detention,
    LegalStatus,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from processes.models import Area
from processes.roles import (
    AGENCY_DECISION_MAKER,
    IDENTIFIED_COLLEAGUE,
    INDEPENDENT_CHAIR,
    IRO,
    PEP_OFFICER,
    PERSONAL_ADVISER,
)
from timeliness.choices import DueStatus
from timeliness.models import DueItem
from workforce.models import StaffProfile, Team

pytestmark = pytest.mark.django_db
SIX_MONTHS_AGO = date.today() - timedelta(days=182)

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
    after it, and what the command printed. Tests of the class get their own savepoints inside. Planned
    from six months back, as `make run` plans it (bin/run-dev sets DUE_PLANNING_FROM)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True, DUE_PLANNING_FROM=SIX_MONTHS_AGO):
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

    def test_the_chair_is_assigned_the_children_on_a_plan_and_the_iro_the_looked_after_children(self, demo):
        today = date.today()
        live = CaseAssignment.objects.filter(Q(end=None) | Q(end__gte=today))
        chaired = Case.objects.filter(assignments__in=live.filter(user__username="chair", role__key=INDEPENDENT_CHAIR))
        reviewed = Case.objects.filter(assignments__in=live.filter(user__username="iro", role__key=IRO))
        assert chaired.count() > 10
        assert reviewed.count() > 10
        assert not chaired.exclude(episodes__kind=EpisodeKind.CHILD_PROTECTION_PLAN, episodes__end=None).exists()
        assert not reviewed.exclude(episodes__kind=EpisodeKind.LOOKED_AFTER, episodes__end=None).exists()
        assert CaseAssignment.history.count() == CaseAssignment.objects.count()
        # Every looked-after child has a PEP officer; the YOS children an identified colleague.
        looked_after = Case.objects.filter(episodes__kind=EpisodeKind.LOOKED_AFTER, episodes__end=None)
        assert not looked_after.exclude(assignments__in=live.filter(role__key=PEP_OFFICER)).exists()
        youth = Case.objects.filter(episodes__kind=EpisodeKind.YOUTH_JUSTICE_ORDER, episodes__end=None)
        assert not youth.exclude(assignments__in=live.filter(role__key=IDENTIFIED_COLLEAGUE)).exists()
        adoption = Case.objects.filter(assignments__in=live.filter(role__key=AGENCY_DECISION_MAKER))
        assert adoption.exists()
        assert set(adoption.values_list("pk", flat=True)) <= set(
            LegalStatus.objects.filter(status=LegalStatusKind.PLACEMENT_ORDER).values_list("case_id", flat=True)
        )
        # Granted through case_save: the team's group of every case.
        assert CaseGroupObjectPermission.objects.count() == 300

    def test_it_registers_fifteen_foster_carers_approved_over_six_years_each_reviewed_on_time_or_nearly(self, demo):
        carers = FosterCarer.objects.filter(reference__startswith="DEMO-FC-")
        assert carers.count() == 15 == int(re.search(r"foster carers: (\d+) created", demo).group(1))
        approvals = sorted(carers.values_list("approved_on", flat=True))
        assert (approvals[-1] - approvals[0]).days > 5 * 365
        assert set(carers.values_list("status", flat=True)) == {"approved", "on_hold", "deregistered"}
        assert carers.filter(reviewing_officer__username="fostering.officer").count() >= 10
        submitted = Audit.objects.filter(foster_carer__in=carers, status=AuditStatus.SUBMITTED)
        reviews = submitted.filter(process__key="cic-reviews-of-foster-carers")
        assert reviews.count() == int(re.search(r"(\d+) reviews recorded", demo).group(1)) >= 8
        # The first review goes to panel: the panels of the carers whose first review was recorded here.
        panels = submitted.filter(process__key="cic-fostering-panel", carried_out_by__username="panel.advisor")
        assert panels.count() == int(re.search(r"(\d+) panels recorded", demo).group(1)) >= 1
        assert panels.count() + reviews.count() == submitted.count()
        # Each review planned the carer's next, a year on: the register's items are next reviews, not arrears.
        assert DueItem.objects.filter(foster_carer__in=carers, status="open").count() >= reviews.count()

    def test_it_draws_last_months_samples_so_each_manager_has_sample_audits_to_record(self, demo):
        from timeliness.choices import DueSource
        from timeliness.models import SampleDraw

        drawn = int(re.search(r"samples: (\d+) drawn", demo).group(1))
        assert drawn == SampleDraw.objects.count() > 0
        sampled = DueItem.objects.filter(source=DueSource.SAMPLE, status=DueStatus.OPEN)
        audits = sampled.filter(process__key="csc-sample-audit")
        # The Sample Audit of all managers: every team manager of the demo has theirs on the due list.
        managers = set(Team.objects.exclude(manager=None).values_list("manager__username", flat=True))
        assert managers and managers <= set(audits.values_list("responsible__username", flat=True))
        assert sampled.filter(sample_draw__isnull=False).count() == sampled.count()

    def test_each_case_and_episode_has_a_history_row(self, demo):
        assert Case.history.count() == 300
        assert Episode.history.count() == Episode.objects.count()

    def test_it_records_a_year_of_audits_as_the_people_who_lead_them(self, demo):
        audits = Audit.objects.filter(case__isnull=False).select_related("process", "carried_out_by")
        assert 100 <= audits.count() == int(re.search(r"audits: (\d+) recorded", demo).group(1))
        assert {audit.status for audit in audits} == {AuditStatus.SUBMITTED, AuditStatus.MODERATED}
        assert {audit.carried_out_by.username for audit in audits} >= {"tm.assessment", "tm.cic", "sw.assessment"}
        for audit in audits:
            assert audit.case.reference.startswith("DEMO-")
            assert audit.process.lead_roles.filter(group__user=audit.carried_out_by).exists()
            assert audit.history.filter(history_user=audit.carried_out_by).exists()
        assert Finding.objects.filter(audit__in=audits, judgement=Judgement.NOT_MET).exclude(evidence="").exists()
        assert Moderation.objects.filter(agreed=False).exclude(reason="").exists()

    def test_every_looked_after_child_has_placements_legal_status_reviews_and_visits_with_the_child_seen(self, demo):
        today = date.today()
        looked_after = Episode.objects.filter(
            kind=EpisodeKind.LOOKED_AFTER, end=None, start__lt=today - timedelta(days=60)
        )
        assert looked_after.count() > 50
        moved = 0
        for episode in looked_after:
            placements = Placement.objects.filter(case=episode.case_id).order_by("start")
            assert placements and placements[0].start == episode.start and placements.last().end is None
            moved += len(placements) > 1
            assert LegalStatus.objects.filter(case=episode.case_id, end=None).exists()
            assert MeetingHeld.objects.filter(case=episode.case_id, kind=MeetingKind.LOOKED_AFTER_REVIEW).exists()
            # Seen within the longest interval (three months, in a long-term placement's second year), or a
            # little after it.
            seen = Visit.objects.filter(
                case=episode.case_id, child_seen=True, visited_on__gte=today - timedelta(days=120)
            )
            assert seen.exists(), episode.case.reference
        assert moved >= 10  # placements move
        assert Placement.objects.filter(long_term=True).exists()
        not_seen = Visit.objects.filter(child_seen=False).count() / Visit.objects.count()
        assert 0.02 <= not_seen <= 0.1

    def test_each_plan_follows_an_s47_strategy_discussion_and_starts_at_its_initial_conference(self, demo):
        plans = Episode.objects.filter(kind=EpisodeKind.CHILD_PROTECTION_PLAN)
        assert plans.count() > 20
        for plan in plans:
            discussion = StrategyDiscussion.objects.get(case=plan.case_id, outcome=StrategyOutcome.S47)
            assert plan.start - timedelta(days=40) <= discussion.held_on < plan.start
            assert MeetingHeld.objects.filter(case=plan.case_id, kind=MeetingKind.CP_CONFERENCE, held_on=plan.start)
        assert StrategyDiscussion.objects.filter(outcome=StrategyOutcome.NO_S47).count() >= 10
        assert CareLeaverStatus.objects.exists() and CareLeaverAccommodation.objects.exists()
        assert Detention.objects.exists()

    def test_most_processes_are_done_on_time_and_overdue_items_are_in_tens(self, demo):
        today = date.today()
        tally = defaultdict(Counter)
        for key, status, due_on, done_on in DueItem.objects.filter(case__isnull=False).values_list(
            "process__key", "status", "due_on", "completed_on"
        ):
            if status == DueStatus.DONE:
                tally[key]["on time" if done_on <= due_on else "late"] += 1
            elif status == DueStatus.MISSED or (status == DueStatus.OPEN and due_on < today):
                tally[key]["not done"] += 1
        rates = {key: t["on time"] / t.total() for key, t in tally.items() if t.total() >= 20}
        believable = [key for key, rate in rates.items() if 0.6 <= rate <= 0.95]
        assert len(rates) >= 8
        assert len(believable) >= 0.75 * len(rates), rates
        overdue = DueItem.objects.filter(status=DueStatus.OPEN, due_on__lt=today).count()
        assert 10 <= overdue < 200

    def test_the_iro_and_the_chair_owe_their_own_work_and_few_children_wait_for_an_iro(self, demo):
        for username in ("iro", "chair"):
            user = get_user_model().objects.get(username=username)
            assert DueItem.objects.filter(responsible=user, status=DueStatus.OPEN).count() > 10, username
        waiting = DueItem.objects.filter(status=DueStatus.OPEN, unassigned_role__key=IRO)
        assert 1 <= waiting.values("case").distinct().count() <= 3
        assert {item.responsible.username for item in waiting} == {"tm.cic"}

    def test_every_care_leaver_has_the_personal_adviser_who_owes_their_visits(self, demo):
        today = date.today()
        live = CaseAssignment.objects.filter(Q(end=None) | Q(end__gte=today), start__lte=today)
        leavers = set(
            CareLeaverStatus.objects.filter(Q(end=None) | Q(end__gte=today), start__lte=today).values_list(
                "case_id", flat=True
            )
        )
        advised = set(
            live.filter(role__key=PERSONAL_ADVISER, user__username="personal.adviser").values_list("case_id", flat=True)
        )
        assert len(leavers) >= 5
        assert leavers <= advised
        # Their visits (Care Leavers Regulations reg 8) are the adviser's own, none left with the manager.
        visits = DueItem.objects.filter(process__key="sixteen-plus-stat-visits-care-leavers", status=DueStatus.OPEN)
        assert visits.exists()
        assert {item.responsible.username for item in visits} == {"personal.adviser"}
        assert not DueItem.objects.filter(status=DueStatus.OPEN, unassigned_role__key=PERSONAL_ADVISER).exists()

    def test_a_second_run_writes_no_facts_and_no_assignments(self, demo):
        users = {user.username: user for user in get_user_model().objects.all()}
        with override_settings(DUE_PLANNING_FROM=SIX_MONTHS_AGO):
            assert demo_journeys_load(actor=users["qa.admin"], users=users, today=date.today()) == (0, 0)

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
