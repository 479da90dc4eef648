"""schedule_preview: the next due dates of a process, one ISO date a line, from the real catalogue."""

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from processes.models import ClosureDay, Process, ScheduleOverride

# The real catalogue, loaded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

ROOT = Path(__file__).resolve().parents[2]


def preview(*args, **options) -> list[str]:
    out = io.StringIO()
    call_command("schedule_preview", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue().splitlines()


#
# The statutory and national rules (dates worked out by hand: see test_schedules.py and docs/schedules.md)
#


def test_it_prints_the_looked_after_reviews_across_christmas_and_new_year():
    assert preview("voice-children-in-care", "--start", "2026-12-14") == [
        "2027-01-14",
        "2027-04-14",
        "2027-10-14",
        "2028-04-14",
        "2028-10-14",
    ]


def test_it_prints_the_child_protection_reviews_clamped_to_the_end_of_april():
    assert preview("aa-child-protection-review", "--start", "2027-01-31") == [
        "2027-04-30",
        "2027-10-30",
        "2028-04-30",
        "2028-10-30",
        "2029-04-30",
    ]


def test_it_prints_the_one_icpc_date_across_easter():
    assert preview("aa-initial-child-protection-conference", "--start", "2027-03-22") == ["2027-04-14"]


def test_it_prints_statutory_visits_to_a_child_in_care():
    assert preview("voice-statutory-and-child-in-need-visits", "--start", "2026-12-14", "--count", "3") == [
        "2026-12-21",
        "2027-02-01",
        "2027-03-15",
    ]


def test_it_prints_care_leaver_visits_through_the_leap_day():
    assert preview("sixteen-plus-stat-visits-care-leavers", "--start", "2027-12-24") == [
        "2027-12-31",
        "2028-02-29",
        "2028-04-29",
        "2028-06-29",
        "2028-08-29",
    ]


def test_it_prints_five_dates_by_default_and_as_many_as_asked():
    assert len(preview("aa-core-groups", "--start", "2027-01-31")) == 5
    assert len(preview("aa-core-groups", "--start", "2027-01-31", "--count", "12")) == 12


def test_it_leaves_out_dates_after_until():
    assert preview("voice-statutory-and-child-in-need-visits", "--start", "2026-12-14", "--until", "2027-02-01") == [
        "2026-12-21",
        "2027-02-01",
    ]


#
# Closure days and overrides from the database
#


def test_a_closure_day_in_the_database_moves_a_working_day_date():
    ClosureDay.objects.create(date=date(2027, 4, 13), reason="Office move")
    assert preview("aa-initial-child-protection-conference", "--start", "2027-03-22") == ["2027-04-15"]


def test_a_christmas_eve_closure_moves_the_first_looked_after_review_and_the_reviews_after_it():
    ClosureDay.objects.create(date=date(2026, 12, 24), reason="Christmas Eve")
    assert preview("voice-children-in-care", "--start", "2026-12-14", "--count", "3") == [
        "2027-01-15",
        "2027-04-15",
        "2027-10-15",
    ]


def test_an_override_of_a_local_rule_changes_the_preview():
    # Core groups: 10 working days from an ICPC on Sunday 31 January 2027 = Friday 12 February, then 4-weekly.
    assert preview("aa-core-groups", "--start", "2027-01-31", "--count", "3") == [
        "2027-02-12",
        "2027-03-12",
        "2027-04-09",
    ]
    override = ScheduleOverride(
        process=Process.objects.get(key="aa-core-groups"),
        intervals=["5 working days", "2 weeks"],
        repeats=True,
        reason="Pilot of fortnightly core groups",
    )
    override.full_clean()
    override.save()
    # 5 working days from Sunday 31 January = Friday 5 February, then fortnightly.
    assert preview("aa-core-groups", "--start", "2027-01-31", "--count", "3") == [
        "2027-02-05",
        "2027-02-19",
        "2027-03-05",
    ]


def test_an_override_that_does_not_repeat_stops_the_preview_early():
    ScheduleOverride.objects.create(
        process=Process.objects.get(key="aa-child-protection-visits"),
        intervals=["5 working days"],
        repeats=False,
        reason="Weekly visits while the plan is new",
    )
    assert preview("aa-child-protection-visits", "--start", "2027-01-31") == ["2027-02-05"]


def test_an_override_of_a_statutory_rule_is_refused_and_the_preview_keeps_the_statutory_dates():
    override = ScheduleOverride(
        process=Process.objects.get(key="voice-children-in-care"), intervals=["1 year"], repeats=True, reason="no"
    )
    with pytest.raises(ValidationError, match="Only local rules can be changed here"):
        override.full_clean()
    assert preview("voice-children-in-care", "--start", "2026-12-14", "--count", "1") == ["2027-01-14"]


def test_with_verbosity_2_it_describes_the_rule_on_stderr_and_keeps_stdout_to_dates():
    out, err = io.StringIO(), io.StringIO()
    call_command("schedule_preview", "aa-referral", "--start", "2026-12-24", verbosity=2, stdout=out, stderr=err)
    assert out.getvalue() == "2026-12-29\n"
    assert "Referral: within 1 working day" in err.getvalue()


#
# Mistakes
#


def test_an_unknown_process_is_refused_with_a_suggestion():
    with pytest.raises(CommandError, match="no process has the key 'aa-core-group'; did you mean aa-core-groups"):
        preview("aa-core-group", "--start", "2027-01-31")


def test_a_process_without_a_schedule_is_refused():
    with pytest.raises(CommandError, match=r"Contact Record \(aa-contact-record\) has no schedule rule"):
        preview("aa-contact-record", "--start", "2027-01-31")


@pytest.mark.parametrize("bad", ["2027-02-30", "31/01/2027", "20270131", "2027-1-31", "tomorrow"])
def test_a_bad_start_date_is_refused(bad):
    with pytest.raises(CommandError, match=r"--start .* is not a date; write it YYYY-MM-DD"):
        preview("aa-core-groups", "--start", bad)


def test_a_bad_until_date_is_refused():
    with pytest.raises(CommandError, match=r"--until .* is not a date"):
        preview("aa-core-groups", "--start", "2027-01-31", "--until", "soon")


@pytest.mark.parametrize("count", ["0", "-1", "1001"])
def test_a_count_out_of_range_is_refused(count):
    with pytest.raises(CommandError, match="--count must be between 1 and 1000"):
        preview("aa-core-groups", "--start", "2027-01-31", "--count", count)


def test_a_missing_start_is_refused():
    with pytest.raises(CommandError, match="--start"):
        preview("aa-core-groups")


def test_from_the_command_line_a_mistake_exits_non_zero_with_the_message_on_stderr(tmp_path):
    # A fresh database: the command needs no catalogue to refuse a bad date.
    result = subprocess.run(
        [sys.executable, "manage.py", "schedule_preview", "aa-core-groups", "--start", "31/01/2027"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "qa_portal.settings_test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "is not a date; write it YYYY-MM-DD" in result.stderr
