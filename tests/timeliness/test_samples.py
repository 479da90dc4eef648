"""The monthly random samples: the YOS 20% samples and the Sample Audit of all managers."""

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audits.choices import AuditStatus
from audits.models import Audit
from cases.models import Case, Episode
from cases.services import case_save
from core.history import save_with_history
from processes.models import Process
from processes.services import system_user
from timeliness.choices import DueSource
from timeliness.models import DueItem, SampleDraw
from timeliness.samples import draw_samples, sample_due_on, sample_rederive, sample_size
from timeliness.tasks import draw_samples_task

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

OCTOBER = date(2026, 10, 1)
YOS_KEYS = ["yos-start-asset-assessment", "yos-intervention-plans"]


@pytest.fixture
def samples(cast):
    """The cast, with the whole catalogue loaded (once for the module: catalogue_once)."""
    return cast


def new_case(cast, reference, team="yos", *, kind="youth_justice_order", start=date(2026, 9, 1), end=None):
    case = Case(
        reference=reference, child_name=f"Child {reference}", date_of_birth=date(2010, 5, 1), team=cast.teams[team]
    )
    case_save(actor=system_user(), case=case)
    save_with_history(Episode(case=case, kind=kind, start=start, end=end), actor=system_user())
    return case


def yos_cases(cast, count):
    """`count` eligible YOS cases in October, counting the cast's CASE-Y1 (order open since January)."""
    return [cast.cases["yos"]] + [new_case(cast, f"YOS-{n:03}") for n in range(count - 1)]


def yos_draw(process_key="yos-start-asset-assessment", team=None):
    draws = SampleDraw.objects.filter(process__key=process_key, period=OCTOBER)
    return draws.get(team=team) if team else draws.get()


def sample_audit(cast, case, held_on, status=AuditStatus.SUBMITTED):
    return Audit.objects.create(
        process=Process.objects.get(key="csc-sample-audit"),
        case=case,
        team=case.team,
        carried_out_by=cast["tm.assessment"],
        status=status,
        held_on=held_on,
        submitted_at=None if status == AuditStatus.DRAFT else timezone.make_aware(datetime(2026, 1, 1)),
    )


#
# The 20% samples
#


def test_it_draws_20_percent_of_a_teams_month_population(samples):
    yos_cases(samples, 10)
    draw_samples(period=OCTOBER)
    for key in YOS_KEYS:
        draw = yos_draw(key)
        assert (len(draw.population), draw.size, len(draw.chosen)) == (10, 2, 2)
        assert draw.population == sorted(draw.population)
        assert set(draw.chosen) <= set(draw.population)
        assert draw.manager is None


def test_it_rounds_the_sample_size_up(samples):
    yos_cases(samples, 11)
    draw_samples(period=OCTOBER)
    assert yos_draw().size == 3


def test_a_sample_size_is_at_least_one_and_never_more_than_the_population():
    assert sample_size("0.2", 0) == 0
    assert sample_size("0.2", 1) == 1
    assert sample_size("0.2", 10) == 2
    assert sample_size("0.001", 3) == 1
    assert sample_size("2", 3) == 3


def test_the_chosen_cases_get_due_items_for_the_team_manager(samples):
    yos_cases(samples, 10)
    draw_samples(period=OCTOBER)
    draw = yos_draw()
    items = DueItem.objects.filter(sample_draw=draw)
    assert sorted(items.values_list("case_id", flat=True)) == sorted(draw.chosen)
    for item in items:
        assert item.key == f"sample:{draw.pk}:{item.case_id}"
        assert item.source == DueSource.SAMPLE
        assert item.process.key == "yos-start-asset-assessment"
        assert item.team == samples.teams["yos"]
        assert item.responsible == samples["tm.yos"]
        assert item.responsible_role.key == "team-manager"
        assert item.due_on == date(2026, 11, 30)


def test_a_sample_is_due_at_the_end_of_the_month_after_the_period():
    assert sample_due_on(date(2026, 10, 1)) == date(2026, 11, 30)
    assert sample_due_on(date(2026, 12, 1)) == date(2027, 1, 31)
    assert sample_due_on(date(2027, 1, 1)) == date(2027, 2, 28)


def test_re_deriving_from_the_seed_gives_the_same_cases(samples):
    yos_cases(samples, 25)
    draw_samples(period=OCTOBER)
    for draw in SampleDraw.objects.all():
        stored = SampleDraw.objects.get(pk=draw.pk)  # as read back from the database
        assert len(stored.seed) == 32
        assert sample_rederive(stored) == stored.chosen


def test_drawing_the_same_month_twice_creates_nothing_new(samples):
    yos_cases(samples, 10)
    first = draw_samples(period=OCTOBER)
    counts = (SampleDraw.objects.count(), DueItem.objects.count(), SampleDraw.history.count())
    assert first and counts[0] == len(first)
    assert draw_samples(period=OCTOBER) == []
    assert (SampleDraw.objects.count(), DueItem.objects.count(), SampleDraw.history.count()) == counts


def test_a_draw_the_database_refuses_is_skipped_and_the_others_stand(samples, monkeypatch):
    """Two overlapping runs: the other run's draw lands between our check and our insert."""
    if not connection.features.supports_nulls_distinct_unique_constraints:
        pytest.skip("the unique constraint needs NULLS NOT DISTINCT (PostgreSQL 15+); SQLite relies on the check")
    yos_cases(samples, 10)
    first = draw_samples(period=OCTOBER)
    counts = (SampleDraw.objects.count(), DueItem.objects.count())
    monkeypatch.setattr("timeliness.samples._drawn_already", lambda identity: False)
    SampleDraw.objects.filter(process__key="yos-intervention-plans").update(period=date(2026, 9, 1))
    again = draw_samples(period=OCTOBER)
    # Only the draw that was moved away is made again; every other one is refused and skipped.
    assert [draw.process.key for draw in again] == ["yos-intervention-plans"]
    assert SampleDraw.objects.count() == counts[0] + 1 == len(first) + 1
    assert DueItem.objects.count() == counts[1] + again[0].size


def test_cases_outside_the_team_never_enter_its_population(samples):
    yos = yos_cases(samples, 3)
    elsewhere = new_case(samples, "ASSESS-YJ", team="assessment")
    draw_samples(period=OCTOBER)
    assert sorted(yos_draw(team=samples.teams["yos"]).population) == sorted(case.pk for case in yos)
    assert yos_draw(team=samples.teams["assessment"]).population == [elsewhere.pk]


def test_only_orders_open_at_some_time_in_the_month_are_eligible(samples):
    open_at_start = new_case(samples, "YOS-ENDS", start=date(2026, 3, 1), end=date(2026, 10, 1))
    open_at_end = new_case(samples, "YOS-STARTS", start=date(2026, 10, 31))
    new_case(samples, "YOS-ENDED", start=date(2026, 3, 1), end=date(2026, 9, 30))
    new_case(samples, "YOS-LATER", start=date(2026, 11, 1))
    new_case(samples, "YOS-OTHER-KIND", kind="child_in_need")
    draw_samples(period=OCTOBER)
    expected = sorted([samples.cases["yos"].pk, open_at_start.pk, open_at_end.pk])
    assert yos_draw().population == expected


def test_an_empty_population_draws_nothing(samples):
    # Before any episode of the cast started (January 2026); and the Sample Audit is not in the catalogue yet.
    Process.objects.filter(key="csc-sample-audit").update(is_active=False)
    assert draw_samples(period=date(2025, 6, 1)) == []
    assert not SampleDraw.objects.exists()
    assert not DueItem.objects.exists()


#
# The Sample Audit of all managers
#


def sample_audit_draw(cast, team):
    return SampleDraw.objects.get(process__key="csc-sample-audit", team=cast.teams[team], period=OCTOBER)


def test_the_sample_audit_draws_two_open_cases_per_team_manager(samples):
    for n in range(4):
        new_case(samples, f"ASSESS-{n}", team="assessment", kind="child_in_need")
    draw_samples(period=OCTOBER)
    draw = sample_audit_draw(samples, "assessment")
    assert draw.manager == samples["tm.assessment"]
    assert (len(draw.population), draw.size) == (6, 2)
    items = DueItem.objects.filter(sample_draw=draw)
    assert set(items.values_list("responsible__username", flat=True)) == {"tm.assessment"}
    assert sorted(items.values_list("case_id", flat=True)) == sorted(draw.chosen)
    # A team with a single open case: that case.
    assert sample_audit_draw(samples, "cic").chosen == [samples.cases["cic"].pk]


def test_the_sample_audit_count_follows_the_setting(samples, settings):
    settings.SAMPLE_AUDIT_CASES_PER_MANAGER = 3
    for n in range(4):
        new_case(samples, f"ASSESS-{n}", team="assessment", kind="child_in_need")
    draw_samples(period=OCTOBER)
    assert sample_audit_draw(samples, "assessment").size == 3


def test_the_sample_audit_skips_recently_audited_cases(samples):
    a1, a2 = samples.cases["assessment"], samples.cases["assessment_unchaired"]
    recent, old = new_case(samples, "ASSESS-R", team="assessment"), new_case(samples, "ASSESS-O", team="assessment")
    sample_audit(samples, recent, held_on=date(2026, 5, 1))  # within the six months May to October
    sample_audit(samples, old, held_on=date(2026, 4, 30))  # before May: may be drawn again
    sample_audit(samples, a1, held_on=date(2026, 9, 1), status=AuditStatus.DRAFT)  # a draft does not count
    closed = new_case(samples, "ASSESS-C", team="assessment")
    closed.status, closed.closed_on = "closed", date(2026, 9, 1)
    case_save(actor=system_user(), case=closed)
    draw_samples(period=OCTOBER)
    assert sample_audit_draw(samples, "assessment").population == sorted([a1.pk, a2.pk, old.pk])


def test_the_sample_audit_skip_follows_the_setting(samples, settings):
    settings.SAMPLE_AUDIT_SKIP_MONTHS = 8
    old = new_case(samples, "ASSESS-O", team="assessment")
    sample_audit(samples, old, held_on=date(2026, 3, 31))
    draw_samples(period=OCTOBER)
    assert old.pk not in sample_audit_draw(samples, "assessment").population


def test_a_team_whose_cases_were_all_audited_recently_draws_no_sample_audit(samples):
    sample_audit(samples, samples.cases["cic"], held_on=date(2026, 9, 15))
    draw_samples(period=OCTOBER)
    assert not SampleDraw.objects.filter(process__key="csc-sample-audit", team=samples.teams["cic"]).exists()


#
# The command and the task
#


def test_the_command_prints_a_line_per_draw_and_no_child_data(samples):
    yos_cases(samples, 10)
    out = io.StringIO()
    call_command("draw_samples", "--month", "2026-10", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == f"drew {SampleDraw.objects.count()} samples"
    assert "Start Asset Assessment · Youth Offending Service · October 2026: population 10, size 2" in lines
    assert len(lines) == SampleDraw.objects.count() + 1
    for case in Case.objects.all():
        assert case.reference not in out.getvalue() and case.child_name not in out.getvalue()
    again = io.StringIO()
    call_command("draw_samples", "--month", "2026-10", stdout=again)
    assert again.getvalue() == "drew 0 samples\n"


def test_the_command_draws_last_month_by_default(samples, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 3))
    call_command("draw_samples", stdout=io.StringIO())
    assert set(SampleDraw.objects.values_list("period", flat=True)) == {OCTOBER}


def test_the_command_rejects_a_bad_month(samples):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("draw_samples", "--month", "October", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("draw_samples", "--month", "2026-13", stdout=io.StringIO())


def test_the_task_draws_the_month_it_is_given(samples):
    yos_cases(samples, 10)
    assert draw_samples_task.delay("2026-10-01").get() == SampleDraw.objects.count() > 0
    assert draw_samples_task.delay("2026-10-01").get() == 0


def test_closed_cases_are_left_out_of_the_population(samples):
    cases = yos_cases(samples, 5)
    closed = cases[-1]
    closed.status, closed.closed_on = "closed", date(2026, 11, 2)
    case_save(actor=system_user(), case=closed)
    draw_samples(period=OCTOBER)
    assert closed.pk not in yos_draw().population
    assert len(yos_draw().population) == 4


#
# Set-based: the queries a draw costs
#


def test_a_draw_costs_the_same_queries_for_5_and_50_cases(samples):
    from tests.queries import Queries

    yos_cases(samples, 5)
    with Queries() as small:
        few = draw_samples(period=OCTOBER)
    for n in range(45):
        new_case(samples, f"YOS-MORE-{n:03}")
    with Queries() as large:
        many = draw_samples(period=date(2026, 11, 1))
    assert [draw.size for draw in few if draw.process.key in YOS_KEYS] == [1, 1]
    assert [draw.size for draw in many if draw.process.key in YOS_KEYS] == [10, 10]
    assert len(few) == len(many)
    assert len(large) == len(small), f"{len(small)} queries for 5 cases, {len(large)} for 50"


def test_each_sampled_item_has_one_history_row_saying_it_was_sampled(samples):
    yos_cases(samples, 10)
    draw_samples(period=OCTOBER)
    draw = yos_draw()
    items = DueItem.objects.filter(sample_draw=draw)
    history = DueItem.history.filter(id__in=items.values("pk"))
    assert history.count() == items.count() == draw.size
    for row in history:
        assert (row.history_type, row.source, row.sample_draw_id) == ("+", DueSource.SAMPLE, draw.pk)
        assert row.history_change_reason == "Chosen in the monthly random sample"
