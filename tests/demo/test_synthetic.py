"""generate_synthetic: bulk fictional cases for benchmarks, with history, the object permissions the
services would grant and the journeys the demo gives, refusing a database in use unless told."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cases.assignments import live_on_q
from cases.choices import EpisodeKind
from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from demo.data import CASE_AREAS
from demo.synthetic import HEAD_OF_SERVICE, TEAM_PREFIX, synthetic_generate
from journeys.choices import MeetingKind
from journeys.models import MeetingHeld, Placement, StrategyDiscussion, Visit
from processes.models import Area
from processes.roles import INDEPENDENT_CHAIR, IRO
from workforce.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    """The four service areas without the whole catalogue, so each run stays fast."""
    for number, key in enumerate(CASE_AREAS, start=6):
        Area.objects.create(key=key, number=number, title=key.title(), version=1, effective_date=date(2014, 4, 1))


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", *args, stdout=out)
    return out.getvalue()


def fresh(username):
    return get_user_model().objects.get(username=username)  # no cached role scopes


def test_it_creates_the_cases_with_episodes_history_and_team_access(debug_on, areas):
    output = generate("--cases", "200", "--teams", "4", "--batch", "64")

    assert "200 cases (SYN-0000001 to SYN-0000200)" in output
    cases = Case.objects.all()
    assert cases.count() == 200
    assert cases.filter(reference__regex=r"^SYN-\d{7}$").count() == 200
    per_case = set(Episode.objects.values("case").annotate(n=Count("id")).values_list("n", flat=True))
    assert per_case <= {1, 2}
    assert Episode.objects.values("case").distinct().count() == 200
    assert Case.history.count() == 200
    assert Episode.history.count() == Episode.objects.count()
    assert set(Case.history.values_list("history_type", flat=True)) == {"+"}

    # What case_access_sync would grant: the team's group, and the allocated worker.
    granted_groups = set(CaseGroupObjectPermission.objects.values_list("content_object_id", "group_id"))
    assert granted_groups == set(cases.values_list("id", "team__group_id"))
    live = CaseAssignment.objects.filter(case__in=cases).filter(live_on_q(timezone.localdate()))
    wanted_users = set(cases.exclude(allocated_worker=None).values_list("id", "allocated_worker_id"))
    wanted_users |= set(live.values_list("case_id", "user_id"))
    assert set(CaseUserObjectPermission.objects.values_list("content_object_id", "user_id")) == wanted_users
    assert live.filter(role__key="independent-chair").exists() and live.filter(role__key="iro").exists()
    assert CaseAssignment.history.count() == CaseAssignment.objects.count()

    team = Team.objects.get(name=f"{TEAM_PREFIX}01")
    member = fresh("syn.sw.01.1")
    assert set(Case.objects.for_user(member)) == set(cases.filter(team=team))
    assert 0 < cases.filter(team=team).count() < 200
    assert Case.objects.for_user(fresh(team.manager.username)).count() == cases.filter(team=team).count()
    assert Case.objects.for_user(fresh(HEAD_OF_SERVICE)).count() == 200


def test_each_child_has_the_journey_and_the_assignments_the_demo_gives(debug_on, areas):
    generate("--cases", "200", "--teams", "4", "--batch", "64")

    looked_after = Episode.objects.filter(kind=EpisodeKind.LOOKED_AFTER)
    plans = Episode.objects.filter(kind=EpisodeKind.CHILD_PROTECTION_PLAN)
    assert looked_after.exists() and plans.exists()
    for episode in looked_after:
        assert Placement.objects.filter(case=episode.case_id, start=episode.start).exists()
        assert CaseAssignment.objects.filter(case=episode.case_id, role__key=IRO, start=episode.start).exists()
    for episode in plans:
        assert StrategyDiscussion.objects.filter(case=episode.case_id, held_on__lt=episode.start).exists()
        assert MeetingHeld.objects.filter(case=episode.case_id, kind=MeetingKind.CP_CONFERENCE, held_on=episode.start)
        assert CaseAssignment.objects.filter(case=episode.case_id, role__key=INDEPENDENT_CHAIR).exists()
    assert Visit.objects.filter(case__in=looked_after.values("case"), child_seen=True).exists()
    assert Visit.objects.filter(case__in=plans.values("case"), child_seen=True).exists()
    # With their history rows, as facts_record and assignments_apply write them.
    for model in (Placement, Visit, MeetingHeld, StrategyDiscussion, CaseAssignment):
        assert model.history.count() == model.objects.count() > 0, model


def test_the_output_gives_counts_and_never_a_childs_name(debug_on, areas):
    output = generate("--cases", "30", "--teams", "2")
    assert "rows/s" in output
    for name in Case.objects.values_list("child_name", flat=True):
        assert name not in output


def test_the_same_seed_gives_the_same_cases(areas):
    def snapshot(seed):
        with transaction.atomic():
            synthetic_generate(cases=40, teams=3, batch=16, seed=seed, today=date(2026, 6, 1))
            rows = list(
                Case.objects.order_by("reference").values_list(
                    "reference", "child_name", "date_of_birth", "team__name", "allocated_worker__username", "status"
                )
            )
            episodes = list(Episode.objects.order_by("case__reference", "start").values_list("kind", "start", "end"))
            episodes += list(
                Visit.objects.order_by("case__reference", "visited_on").values_list("visited_on", "child_seen")
            )
            transaction.set_rollback(True)
        return rows, episodes

    first = snapshot(7)
    assert snapshot(7) == first
    assert snapshot(8) != first


def test_it_refuses_a_database_that_has_cases_unless_told_yes(debug_on, areas):
    generate("--cases", "10", "--teams", "2")
    with pytest.raises(CommandError, match="already has cases"):
        generate("--cases", "10", "--teams", "2")
    assert Case.objects.count() == 10

    output = generate("--cases", "5", "--teams", "2", "--yes")
    assert "(SYN-0000011 to SYN-0000015)" in output
    assert Case.objects.count() == 15
    assert "0 teams and 0 users created" in output


def test_it_refuses_to_run_with_debug_off_unless_told_yes(settings, areas):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        generate("--cases", "5")
    assert not Case.objects.exists()
    generate("--cases", "5", "--teams", "1", "--yes")
    assert Case.objects.count() == 5


def test_it_rejects_a_bad_number_of_cases(debug_on):
    with pytest.raises(CommandError, match="--cases must be between"):
        generate("--cases", "0")
