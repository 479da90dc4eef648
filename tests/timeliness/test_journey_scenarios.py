"""A child's facts in, what is owed out: each rule of the journey as a scenario (timeliness.journey_clocks).

The rules are the fixtures' own (fixtures/processes/), so a change of a rule there shows here. Dates are
worked by hand in the comments; bank holidays are England's.
"""

from datetime import date

import pytest

from tests.processes.test_schedules import fixture_rule
from timeliness.journey_clocks import Journey, JourneyRule, Meet, Span, eligible_on, occurrences

VISITS = "voice-statutory-and-child-in-need-visits"
REVIEWS = "voice-children-in-care"
ICPC = "aa-initial-child-protection-conference"
CP_VISITS = "voice-child-protection-visits"
CARE_LEAVER_VISITS = "sixteen-plus-stat-visits-care-leavers"
PATHWAY_PLANS = "sixteen-plus-fifteen-plus-plans"
CUSTODY_VISITS = "sixteen-plus-stat-visits-in-custody"


def rule(key: str, process_id: int = 1) -> JourneyRule:
    return JourneyRule(process_id, fixture_rule(key), (process_id,))


def owed(key: str, journey: Journey) -> list[tuple[date, date | None, date | None]]:
    """(due, met on, ended on) of each occurrence the rule owes on the journey."""
    return [
        (occurrence.due_on, occurrence.met.on if occurrence.met else None, occurrence.ended_on)
        for occurrence in occurrences(rule(key), journey)
    ]


def seen(*days: date) -> list[Meet]:
    return [Meet(day, f"visit {n}") for n, day in enumerate(days, start=1)]


def looked_after_child(**facts) -> Journey:
    """A child born in 2015, looked after from Monday 5 January 2026, placed that day; planned on 1 December 2026."""
    journey = Journey(
        1, date(2015, 6, 1), episodes=[Span(10, date(2026, 1, 5), None, "looked_after")], as_of=date(2026, 12, 1)
    )
    journey.placements = facts.pop("placements", [Span(20, date(2026, 1, 5))])
    for name, value in facts.items():
        setattr(journey, name, value)
    return journey


#
# Statutory visits to a looked-after child (CPPCR 2010 reg 28)
#


def test_the_first_visit_is_due_within_a_week_of_the_placement_and_the_next_six_weeks_after_the_visit_made():
    journey = looked_after_child(visits_seen=seen(date(2026, 1, 9), date(2026, 2, 10)))
    assert owed(VISITS, journey) == [
        (date(2026, 1, 12), date(2026, 1, 9), None),  # 5 Jan + 1 week; visited on the 9th
        (date(2026, 2, 20), date(2026, 2, 10), None),  # 9 Jan + 6 weeks: counted from the visit, not a grid
        (date(2026, 3, 24), None, None),  # 10 Feb + 6 weeks: the one owed now
    ]


def test_a_visit_in_which_the_child_was_not_seen_meets_nothing():
    # The case system sends only visits with the child seen as meets; a visit not seen is not one.
    journey = looked_after_child(visits_seen=[])
    assert owed(VISITS, journey) == [(date(2026, 1, 12), None, None)]


def test_a_visit_dated_before_the_child_came_into_care_meets_nothing():
    journey = looked_after_child(visits_seen=seen(date(2025, 12, 20)))
    assert owed(VISITS, journey) == [(date(2026, 1, 12), None, None)]


def test_every_placement_starts_the_weekly_clock_again_and_the_old_placements_visit_ends_with_it():
    journey = looked_after_child(
        placements=[Span(20, date(2026, 1, 5), date(2026, 3, 1)), Span(21, date(2026, 3, 2))],
        visits_seen=seen(date(2026, 1, 9), date(2026, 3, 5)),
    )
    found = occurrences(rule(VISITS), journey)
    first_placement = [o for o in found if ":placement:20:" in o.key]
    second_placement = [o for o in found if ":placement:21:" in o.key]
    # The first placement's second visit (due 20 Feb) was never made before it ended on 1 March.
    assert [(o.due_on, o.met, o.ended_on) for o in first_placement][1] == (date(2026, 2, 20), None, date(2026, 3, 1))
    # The move on 2 March owes a visit by 9 March, met on the 5th; the next is six weeks after it.
    assert [(o.due_on, o.met.on if o.met else None) for o in second_placement] == [
        (date(2026, 3, 9), date(2026, 3, 5)),
        (date(2026, 4, 16), None),
    ]


def test_after_the_first_year_of_a_placement_meant_to_last_until_18_visits_are_three_monthly():
    journey = looked_after_child(
        placements=[Span(20, date(2026, 1, 5), long_term=True)],
        visits_seen=seen(date(2026, 12, 1), date(2027, 1, 8)),
    )
    # 1 Dec is in the first year: six weeks (12 Jan 2027). 8 Jan 2027 is past the first year: 3 months.
    assert owed(VISITS, journey)[-2:] == [(date(2027, 1, 12), date(2027, 1, 8), None), (date(2027, 4, 8), None, None)]


def test_a_placement_not_meant_to_last_stays_six_weekly_after_its_first_year():
    journey = looked_after_child(visits_seen=seen(date(2027, 1, 8)))
    assert owed(VISITS, journey)[-1] == (date(2027, 2, 19), None, None)


def test_a_child_placed_with_a_parent_pending_assessment_is_visited_weekly_until_the_first_review():
    journey = looked_after_child(
        placements=[Span(20, date(2026, 1, 5), kind="with_parent_pending")],
        visits_seen=seen(date(2026, 1, 9), date(2026, 1, 16), date(2026, 2, 6)),
        meetings={"looked_after_review": [Meet(date(2026, 2, 2), "meeting 1")]},
    )
    # Weekly before the review on 2 February; from the visit of 6 February (after it), six-weekly.
    assert [due for due, _, _ in owed(VISITS, journey)] == [
        date(2026, 1, 12),
        date(2026, 1, 16),
        date(2026, 1, 23),
        date(2026, 3, 20),
    ]


def test_a_placement_outside_a_looked_after_episode_owes_no_statutory_visit():
    journey = Journey(1, date(2015, 6, 1), placements=[Span(20, date(2026, 1, 5))])
    assert owed(VISITS, journey) == []


#
# Looked-after reviews (CPPCR 2010 reg 33)
#


def test_reviews_count_from_the_review_held_and_a_return_to_care_starts_again():
    journey = looked_after_child(meetings={"looked_after_review": [Meet(date(2026, 1, 28), "meeting 1")]})
    journey.episodes = [
        Span(10, date(2026, 1, 5), date(2026, 3, 31), "looked_after"),
        Span(11, date(2026, 9, 1), None, "looked_after"),
    ]
    found = occurrences(rule(REVIEWS), journey)
    first, second = [o for o in found if ":episode:10:" in o.key], [o for o in found if ":episode:11:" in o.key]
    # 20 working days from 5 January 2026 is 2 February; held 28 January; the next within 3 months of it
    # (28 April) was still owed when the episode ended on 31 March: ended before it fell due.
    assert [(o.due_on, o.met.on if o.met else None, o.ended_on) for o in first] == [
        (date(2026, 2, 2), date(2026, 1, 28), None),
        (date(2026, 4, 28), None, date(2026, 3, 31)),
    ]
    # Back in care on 1 September 2026: a first review again, 20 working days on (29 September).
    assert [(o.due_on, o.met) for o in second] == [(date(2026, 9, 29), None)]


#
# The ICPC (Working Together 2023)
#


def test_a_strategy_discussion_that_decided_no_s47_enquiry_calls_no_conference():
    journey = Journey(1, date(2019, 3, 1), s47_discussions=[])
    assert owed(ICPC, journey) == []


def test_the_icpc_is_due_15_working_days_after_the_s47_discussion_and_a_second_one_before_it_adds_none():
    journey = Journey(
        1,
        date(2019, 3, 1),
        s47_discussions=[(1, date(2027, 3, 22)), (2, date(2027, 3, 30))],
        meetings={"cp_conference": [Meet(date(2027, 4, 12), "meeting 9")]},
    )
    # Monday 22 March 2027: 15 working days across Good Friday and Easter Monday is Wednesday 14 April.
    assert owed(ICPC, journey) == [(date(2027, 4, 14), date(2027, 4, 12), None)]


def test_an_s47_discussion_after_the_conference_was_held_calls_a_new_one():
    journey = Journey(
        1,
        date(2019, 3, 1),
        s47_discussions=[(1, date(2027, 3, 22)), (2, date(2027, 9, 6))],
        meetings={"cp_conference": [Meet(date(2027, 4, 12), "meeting 9")]},
    )
    assert [due for due, _, _ in owed(ICPC, journey)] == [date(2027, 4, 14), date(2027, 9, 27)]


#
# Child protection visits (local: every 10 working days from the last visit with the child seen)
#


def test_child_protection_visits_count_from_the_last_visit_with_the_child_seen():
    journey = Journey(
        1,
        date(2019, 3, 1),
        episodes=[Span(5, date(2026, 1, 5), None, "child_protection_plan")],
        visits_seen=seen(date(2026, 1, 14)),
    )
    assert owed(CP_VISITS, journey) == [(date(2026, 1, 19), date(2026, 1, 14), None), (date(2026, 1, 28), None, None)]


#
# Care leavers (Care Leavers (England) Regulations 2010 reg 8) and eligible children (CPPCR reg 40, 42)
#


def test_a_care_leaver_in_accommodation_the_authority_provides_is_visited_within_7_days_then_2_monthly():
    journey = Journey(
        1, date(2008, 5, 1), accommodations=[Span(3, date(2026, 6, 1))], visits_seen=seen(date(2026, 6, 5))
    )
    assert owed(CARE_LEAVER_VISITS, journey) == [
        (date(2026, 6, 8), date(2026, 6, 5), None),
        (date(2026, 8, 5), None, None),
    ]


def test_a_care_leaver_with_no_accommodation_from_the_authority_owes_no_visit():
    journey = Journey(1, date(2008, 5, 1), episodes=[Span(4, date(2026, 5, 1), None, "care_leaver")])
    assert owed(CARE_LEAVER_VISITS, journey) == []


def test_the_personal_advisers_visit_falls_due_before_the_next_pathway_plan_review():
    journey = Journey(
        1,
        date(2008, 5, 1),
        accommodations=[Span(3, date(2026, 6, 1))],
        visits_seen=seen(date(2026, 6, 5)),
        meetings={"pathway_plan_review": [Meet(date(2026, 7, 20), "meeting 2")]},
    )
    # Two months from 5 June would be 5 August; the review on 20 July comes first.
    assert owed(CARE_LEAVER_VISITS, journey)[-1] == (date(2026, 7, 20), None, None)


def test_a_looked_after_child_becomes_eligible_on_the_16th_birthday_after_13_weeks_in_care_since_14():
    journey = Journey(1, date(2010, 4, 10), episodes=[Span(7, date(2025, 1, 6), None, "looked_after")])
    assert eligible_on(journey)[0] == date(2026, 4, 10)
    # The 16+ needs assessment within 3 months of it, not after the 18th birthday.
    assert owed(PATHWAY_PLANS, journey) == [(date(2026, 7, 10), None, None)]


def test_a_child_who_comes_into_care_at_16_becomes_eligible_after_13_weeks():
    journey = Journey(1, date(2010, 1, 15), episodes=[Span(7, date(2026, 3, 2), None, "looked_after")])
    # 13 weeks = 91 days from 2 March 2026, the first counted: 31 May 2026.
    assert eligible_on(journey)[0] == date(2026, 5, 31)


def test_a_pathway_plan_is_not_owed_before_the_child_becomes_eligible():
    journey = Journey(
        1, date(2015, 6, 1), episodes=[Span(7, date(2026, 1, 5), None, "looked_after")], as_of=date(2026, 12, 1)
    )
    assert eligible_on(journey)[0] == date(2031, 6, 1)
    assert owed(PATHWAY_PLANS, journey) == []


def test_a_child_never_looked_after_at_16_owes_no_pathway_plan():
    journey = Journey(1, date(2010, 1, 15), episodes=[Span(7, date(2020, 3, 2), date(2021, 1, 1), "looked_after")])
    assert eligible_on(journey) is None
    assert owed(PATHWAY_PLANS, journey) == []


#
# Custody (SI 2010/2797 reg 4)
#


def test_a_child_looked_after_until_detained_is_visited_within_ten_working_days():
    journey = Journey(
        1,
        date(2009, 2, 1),
        episodes=[Span(8, date(2025, 6, 1), date(2026, 3, 1), "looked_after")],
        detentions=[Span(2, date(2026, 3, 2))],
    )
    assert owed(CUSTODY_VISITS, journey) == [(date(2026, 3, 16), None, None)]


def test_a_detention_of_a_child_not_looked_after_until_then_owes_no_custody_visit():
    journey = Journey(1, date(2009, 2, 1), detentions=[Span(2, date(2026, 3, 2))])
    assert owed(CUSTODY_VISITS, journey) == []


#
# Closure
#


def test_when_the_case_closes_the_open_occurrence_ends_with_it():
    journey = looked_after_child(visits_seen=seen(date(2026, 1, 9)), closed_on=date(2026, 2, 1))
    assert owed(VISITS, journey)[-1] == (date(2026, 2, 20), None, date(2026, 2, 1))


@pytest.mark.parametrize(
    ("key", "expected"),
    [(VISITS, 1), (REVIEWS, 1), (ICPC, 0), (CUSTODY_VISITS, 0), (CARE_LEAVER_VISITS, 0), (PATHWAY_PLANS, 0)],
)
def test_a_ten_year_old_in_care_owes_only_what_applies_to_them(key, expected):
    journey = looked_after_child()
    assert len(owed(key, journey)) == expected
