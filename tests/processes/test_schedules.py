"""Due dates from the encoded rules, closure days, and local overrides of local rules.

Expected dates are worked out by hand from a calendar (docs/schedules.md shows the working) and written
literally, so the engine is checked against a calendar and not against itself.
"""

import re
from datetime import date

import pytest
import yaml
from django.core.exceptions import ValidationError

from processes.models import ClosureDay, Process, ScheduleOverride
from processes.overrides import apply_override
from processes.schedules import (
    closure_days,
    due_dates,
    effective_rule,
    iter_due_dates,
    process_due_dates,
)
from tests.factories import UserFactory
from tests.processes.conftest import FIXTURES

# The real catalogue is loaded once for the module (catalogue_once, tests/conftest.py), not once a test.
pytestmark = pytest.mark.usefixtures("catalogue_once")


@pytest.fixture
def catalogue(db):
    """The real catalogue, as loaded for the module by catalogue_once."""


def fixture_rule(key: str) -> dict:
    """A process's schedule rule exactly as encoded in fixtures/processes/."""
    for path in sorted(FIXTURES.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"]:
            if entry["key"] == key:
                return entry["schedule"]
    raise AssertionError(f"no process {key!r} in the fixtures")


def days(*texts: str) -> list[date]:
    return [date.fromisoformat(text) for text in texts]


#
# The statutory and national rules, by hand
#


def test_a_looked_after_review_started_before_christmas_steps_over_three_bank_holidays():
    # Looked after on Monday 14 December 2026. 20 working days, not counting the 14th: 15-18 Dec (4),
    # 21-24 Dec (8), Christmas Day and Boxing Day observed (Mon 28) skipped, 29-31 Dec (11), New Year's Day
    # skipped, 4-8 Jan (16), 11-14 Jan (20): Thursday 14 January 2027. Then 3 months, then every 6 months.
    assert due_dates(fixture_rule("voice-children-in-care"), date(2026, 12, 14), count=5) == days(
        "2027-01-14", "2027-04-14", "2027-10-14", "2028-04-14", "2028-10-14"
    )


def test_a_child_protection_review_after_an_icpc_on_31_january_clamps_to_the_end_of_april():
    # 31 January + 3 months = 30 April (April has 30 days); each later review counts from the previous
    # due date, so 30 April + 6 months = 30 October, and the 30th sticks.
    assert due_dates(fixture_rule("aa-child-protection-review"), date(2027, 1, 31), count=5) == days(
        "2027-04-30", "2027-10-30", "2028-04-30", "2028-10-30", "2029-04-30"
    )


def test_an_icpc_after_a_strategy_discussion_before_easter_steps_over_good_friday_and_easter_monday():
    # Strategy discussion Monday 22 March 2027. 23-25 Mar (3), Good Friday 26 and Easter Monday 29 skipped,
    # 30 Mar-2 Apr (7), 5-9 Apr (12), 12-14 Apr (15): Wednesday 14 April 2027. The rule does not repeat.
    assert due_dates(fixture_rule("aa-initial-child-protection-conference"), date(2027, 3, 22), count=5) == days(
        "2027-04-14"
    )


def test_statutory_visits_to_a_child_in_care_fall_a_week_in_then_every_six_weeks_if_each_is_on_time():
    # From Monday 14 December 2026: 21 Dec, then + 42 days each: 1 Feb, 15 Mar, 26 Apr, 7 Jun 2027. (The
    # planner counts each from the last visit made: timeliness.journey_clocks; this is the on-time grid.)
    assert due_dates(fixture_rule("voice-statutory-and-child-in-need-visits"), date(2026, 12, 14), count=5) == days(
        "2026-12-21", "2027-02-01", "2027-03-15", "2027-04-26", "2027-06-07"
    )


def test_the_managers_oversight_of_statutory_visits_has_its_own_cadence_not_a_second_visit():
    assert due_dates(fixture_rule("cic-statutory-visits"), date(2026, 12, 14), count=3) == days(
        "2027-02-14", "2027-04-14", "2027-06-14"
    )


def test_care_leaver_visits_fall_seven_days_in_then_every_two_months_clamping_at_the_leap_day():
    # From 24 December 2027: 31 Dec; + 2 months = 29 February 2028 (a leap year, clamped from the 31st);
    # then the 29th of every second month.
    assert due_dates(fixture_rule("sixteen-plus-stat-visits-care-leavers"), date(2027, 12, 24), count=5) == days(
        "2027-12-31", "2028-02-29", "2028-04-29", "2028-06-29", "2028-08-29"
    )


def test_a_referral_decision_on_a_christmas_eve_contact_is_due_after_christmas_and_boxing_day():
    # Contact on Thursday 24 December 2026: Christmas Day and the weekend and Boxing Day observed follow.
    assert due_dates(fixture_rule("aa-referral"), date(2026, 12, 24), count=5) == days("2026-12-29")


#
# The shape of a schedule
#


def test_a_rule_that_does_not_repeat_stops_when_its_intervals_run_out():
    rule = {"intervals": ["10 working days", "4 months"], "repeats": False}
    assert due_dates(rule, date(2027, 1, 4), count=5) == days("2027-01-18", "2027-05-18")


def test_a_repeating_rule_repeats_only_its_last_interval():
    rule = {"intervals": ["1 week", "1 month"], "repeats": True}
    assert due_dates(rule, date(2027, 1, 1), count=4) == days("2027-01-08", "2027-02-08", "2027-03-08", "2027-04-08")


def test_dates_after_until_are_left_out():
    rule = fixture_rule("voice-statutory-and-child-in-need-visits")
    assert due_dates(rule, date(2026, 12, 14), count=5, until=date(2027, 3, 15)) == days(
        "2026-12-21", "2027-02-01", "2027-03-15"
    )
    assert due_dates(rule, date(2026, 12, 14), count=5, until=date(2026, 12, 20)) == []


def test_a_count_of_zero_gives_no_dates_and_a_negative_count_is_refused():
    rule = fixture_rule("voice-statutory-and-child-in-need-visits")
    assert due_dates(rule, date(2026, 12, 14), count=0) == []
    with pytest.raises(ValueError, match="0 or more"):
        due_dates(rule, date(2026, 12, 14), count=-1)


def test_the_due_dates_of_a_repeating_rule_run_on_and_always_increase():
    dates = due_dates(fixture_rule("aa-core-groups"), date(2027, 1, 31), count=200)
    assert len(dates) == 200
    assert dates == sorted(set(dates))


def test_iter_due_dates_of_a_rule_that_does_not_repeat_ends():
    assert list(iter_due_dates(fixture_rule("aa-social-work-assessment"), date(2027, 1, 4))) == days("2027-03-08")


def test_closure_days_move_working_day_dates_and_then_every_date_after_them():
    # Offices closed on Christmas Eve 2026: the first looked-after review moves from 14 to 15 January,
    # and the reviews counted from it move with it.
    closures = frozenset({date(2026, 12, 24)})
    assert due_dates(fixture_rule("voice-children-in-care"), date(2026, 12, 14), count=3, closures=closures) == days(
        "2027-01-15", "2027-04-15", "2027-10-15"
    )


def test_closure_days_do_not_move_calendar_dates():
    closures = frozenset({date(2027, 4, 30)})
    assert due_dates(fixture_rule("aa-child-protection-review"), date(2027, 1, 31), count=1, closures=closures) == [
        date(2027, 4, 30)
    ]


#
# Every encoded rule gives dates
#


def every_fixture_rule():
    for path in sorted(FIXTURES.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"]:
            if entry.get("schedule"):
                yield pytest.param(entry["schedule"], id=entry["key"])


@pytest.mark.parametrize("rule", list(every_fixture_rule()))
def test_every_encoded_rule_gives_increasing_dates_after_the_start(rule):
    start = date(2027, 1, 31)
    dates = due_dates(rule, start, count=6)
    assert dates
    assert len(dates) == (6 if rule["repeats"] else len(rule["intervals"]))
    assert [start, *dates] == sorted(set([start, *dates]))


#
# Overrides: pure
#


def test_an_override_replaces_the_intervals_and_repeats_of_a_local_rule_and_keeps_the_rest():
    rule = fixture_rule("aa-core-groups")
    changed = apply_override(rule, ["5 working days", "2 weeks"], True)
    assert changed == {**rule, "intervals": ["5 working days", "2 weeks"], "repeats": True}
    assert rule["intervals"] == ["10 working days", "4 weeks"]  # the fixture rule is not changed


def test_an_override_left_on_a_rule_that_is_no_longer_local_does_not_apply():
    rule = fixture_rule("aa-child-protection-review")
    assert apply_override(rule, ["1 week"], True) == rule
    assert apply_override(None, ["1 week"], True) is None


#
# Overrides and closure days in the database
#


@pytest.mark.django_db
def test_effective_rule_is_the_fixture_rule_without_an_override(catalogue):
    process = Process.objects.get(key="aa-core-groups")
    assert effective_rule(process) == process.schedule_rule
    assert effective_rule(Process.objects.get(key="aa-contact-record")) is None


@pytest.mark.django_db
def test_effective_rule_applies_a_local_override(catalogue):
    process = Process.objects.get(key="aa-core-groups")
    ScheduleOverride.objects.create(process=process, intervals=["5 working days", "2 weeks"], repeats=True, reason="r")
    process = Process.objects.select_related("schedule_override").get(key="aa-core-groups")
    assert effective_rule(process)["intervals"] == ["5 working days", "2 weeks"]
    assert process_due_dates(process, date(2027, 1, 31), count=3) == days("2027-02-05", "2027-02-19", "2027-03-05")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "basis"), [("voice-children-in-care", "statutory"), ("aa-child-protection-review", "national")]
)
def test_an_override_of_a_statutory_or_national_rule_is_refused(catalogue, key, basis):
    override = ScheduleOverride(process=Process.objects.get(key=key), intervals=["1 month"], repeats=True, reason="r")
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    message = caught.value.message_dict["process"][0]
    assert f"follows a {basis} timescale" in message
    assert "Only local rules can be changed here" in message


@pytest.mark.django_db
def test_an_override_of_a_process_without_a_schedule_is_refused(catalogue):
    override = ScheduleOverride(
        process=Process.objects.get(key="aa-contact-record"), intervals=["1 month"], repeats=True, reason="r"
    )
    with pytest.raises(ValidationError, match="has no schedule rule"):
        override.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("intervals", [[], "4 weeks", ["4 fortnights"], ["0 weeks"], [4]])
def test_an_override_with_badly_written_intervals_is_refused(catalogue, intervals):
    override = ScheduleOverride(
        process=Process.objects.get(key="aa-core-groups"), intervals=intervals, repeats=True, reason="r"
    )
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    assert "intervals" in caught.value.message_dict


@pytest.mark.django_db
def test_a_well_formed_override_of_a_local_rule_passes_validation_and_keeps_history(catalogue):
    override = ScheduleOverride(
        process=Process.objects.get(key="aa-child-protection-visits"),
        intervals=["2 weeks"],
        repeats=True,
        reason="Local procedure: fortnightly visits",
    )
    override.full_clean()
    override.save()
    assert override.history.count() == 1
    assert str(override) == "Local schedule for Child Protection Visits"


@pytest.mark.django_db
def test_a_closure_day_can_be_entered_once_only():
    ClosureDay.objects.create(date=date(2026, 12, 24), reason="Christmas Eve")
    with pytest.raises(ValidationError, match="already a closure day"):
        ClosureDay(date=date(2026, 12, 24), reason="again").full_clean()
    assert str(ClosureDay.objects.get()) == "24 December 2026: Christmas Eve"


@pytest.mark.django_db
def test_closure_days_reads_the_rows_after_a_date():
    for day in (date(2026, 12, 24), date(2026, 12, 29), date(2027, 12, 24)):
        ClosureDay.objects.create(date=day, reason="Office closed")
    assert closure_days() == {date(2026, 12, 24), date(2026, 12, 29), date(2027, 12, 24)}
    assert closure_days(after=date(2026, 12, 24)) == {date(2026, 12, 29), date(2027, 12, 24)}


@pytest.mark.django_db
def test_process_due_dates_steps_over_the_closure_days_in_the_database(catalogue):
    process = Process.objects.get(key="voice-children-in-care")
    ClosureDay.objects.create(date=date(2026, 12, 24), reason="Christmas Eve")
    assert process_due_dates(process, date(2026, 12, 14), count=2) == days("2027-01-15", "2027-04-15")


#
# The admin pages
#


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="site.admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_the_admin_adds_a_closure_day(admin_client):
    response = admin_client.post(
        "/admin/processes/closureday/add/",
        {"date": "2026-12-24", "reason": "Christmas Eve", "change_reason": "Council closure agreed"},
    )
    assert response.status_code == 302
    assert ClosureDay.objects.get().history.count() == 1
    assert "Thursday" in admin_client.get("/admin/processes/closureday/").content.decode()


def test_docs_list_every_encoded_rule_with_its_basis():
    docs = (FIXTURES.parents[1] / "docs" / "schedules.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| [ivx]+ \| (.+? \(`[a-z0-9-]+`\)) \| (\w+) \|", docs, flags=re.MULTILINE))
    encoded = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"]:
            if entry.get("schedule"):
                # The docs write the no-break spaces some names are printed with ("Core Groups") as spaces.
                name = entry["name"].replace("\N{NO-BREAK SPACE}", " ")
                encoded[f"{name} (`{entry['key']}`)"] = entry["schedule"]["basis"]
    assert rows == encoded
