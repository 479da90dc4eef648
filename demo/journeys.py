"""The demo children's journeys, as a case-management system would hold them six months into the portal:
placements and moves, legal status, visits, reviews and conferences held, strategy discussions,
care-leaver status and accommodation, a detention or two; and who holds each assigned role for the child
(the IRO, the chair, the PEP officer, the panel advisor and agency decision maker, the identified
colleague, the care leaver's personal adviser).

Each child's facts follow their episodes, and are drawn from a generator seeded by the case's number, so
the same case always has the same journey. Most things happen within their statutory interval, a few
late, and about one visit in twenty the child is not seen: the due list and dashboard then show what a
service doing mostly well sees (most processes 60-95% on time, overdue items in tens).

Writes go through journeys.services.facts_record and cases.services.assignments_apply, the writes the
case import uses, so every fact and assignment has its history row and the planner derives the items in
the same transaction. Both are idempotent by natural key: running it again writes nothing.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from cases.choices import EpisodeKind
from cases.models import Case, CaseAssignment, Episode
from cases.services import AssignmentRow, assignments_apply
from journeys.choices import CareLeaverCategory, LegalStatusKind, MeetingKind, StrategyOutcome
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
from journeys.services import facts_record
from processes.fixture_schema import Interval
from processes.models import Role
from processes.roles import (
    AGENCY_DECISION_MAKER,
    IDENTIFIED_COLLEAGUE,
    INDEPENDENT_CHAIR,
    IRO,
    PANEL_ADVISOR,
    PEP_OFFICER,
    PERSONAL_ADVISER,
)
from processes.timescales import add_interval, age_on, birthday
from timeliness.journey_clocks import Journey, Span, eligible_on

SEED = 2028
REASON = "Demo data (load_demo): the child's journey, as the case system holds it"
# Visits and CP visits are frequent: the demo keeps about a year and a half of them (items are planned
# from six months back in `make run`; older visits would only lengthen the case page).
VISITS_KEPT_DAYS = 540
LATE_SHARE = 0.1  # a statutory act done after its due date
NOT_SEEN_SHARE = 0.05  # a visit in which the child was not seen (meets nothing; another visit follows)
ADOPTION_SHARE = 0.15  # looked-after children under ten whose plan is adoption
NO_IRO_CASES = 2  # open looked-after children with no IRO assigned, so the manager's warning shows
DETAINED_SHARE = 0.4  # of the eligible children still looked after (a handful in the demo)

I = Interval.parse  # noqa: E741 (short: the intervals read as the regulations print them)
WEEK, SIX_WEEKS, THREE_MONTHS, SIX_MONTHS = I("1 week"), I("6 weeks"), I("3 months"), I("6 months")
TWENTY_WORKING_DAYS, TEN_WORKING_DAYS, FIFTEEN_WORKING_DAYS = (
    I("20 working days"),
    I("10 working days"),
    I("15 working days"),
)
SEVEN_DAYS, TWO_MONTHS = I("7 days"), I("2 months")


@dataclass
class JourneyPlan:
    """One child's facts and assignments, unsaved."""

    facts: list = field(default_factory=list)
    assignments: list[tuple[str, date, date | None]] = field(default_factory=list)  # role key, start, end


def demo_journeys_load(*, actor, users: dict, today: date, cases=None) -> tuple[int, int]:
    """Give each demo case (or these `cases`) its journey's facts and assignments. Returns (facts written,
    assignments written): nothing the second time."""
    cases = list(cases if cases is not None else Case.objects.filter(reference__startswith="DEMO-"))
    episodes: dict[int, list[Span]] = {case.pk: [] for case in cases}
    for pk, case_id, kind, start, end in Episode.objects.filter(case__in=cases).values_list(
        "pk", "case_id", "kind", "start", "end"
    ):
        episodes[case_id].append(Span(pk, start, end, kind))
    holders = {
        IRO: users["iro"],
        INDEPENDENT_CHAIR: users["chair"],
        PEP_OFFICER: users["pep.officer"],
        PANEL_ADVISOR: users["panel.advisor"],
        AGENCY_DECISION_MAKER: users["adm"],
        IDENTIFIED_COLLEAGUE: users["ic.yos"],
        PERSONAL_ADVISER: users["personal.adviser"],
    }
    roles = {role.key: role for role in Role.objects.filter(key__in=holders)}
    without_iro = _cases_without_iro(cases, episodes)
    facts, rows = [], []
    for case in sorted(cases, key=lambda case: case.reference):
        number = int(case.reference.removeprefix("DEMO-"))
        plan = journey_plan(
            random.Random(SEED * 1_000_003 + number),
            case_id=case.pk,
            date_of_birth=case.date_of_birth,
            episodes=sorted(episodes[case.pk], key=lambda span: span.start),
            today=today,
            visitor_id=case.allocated_worker_id,
        )
        facts += plan.facts
        for role_key, start, end in plan.assignments:
            if role_key == IRO and case.pk in without_iro:
                continue
            rows.append(AssignmentRow(case=case, role=roles[role_key], user=holders[role_key], start=start, end=end))
    written = facts_record(facts, actor=actor, reason=REASON)
    assigned = assignments_apply(rows, actor=actor, reason=REASON)
    return len(written.added) + len(written.changed), assigned


def _cases_without_iro(cases, episodes) -> set[int]:
    """A couple of open looked-after children the case system names no IRO for (a vacancy, a handover)."""
    looked_after = [
        case.pk
        for case in sorted(cases, key=lambda case: case.reference)
        if any(span.kind == EpisodeKind.LOOKED_AFTER and span.end is None for span in episodes[case.pk])
    ]
    return set(looked_after[3 : 3 + NO_IRO_CASES * 7 : 7])


def journey_plan(rng, *, case_id, date_of_birth, episodes: list[Span], today: date, visitor_id=None) -> JourneyPlan:
    """A child's facts and assignments from their episodes (oldest first). Pure: no database. Also used by
    demo.synthetic, which writes the same facts in bulk."""
    plan = JourneyPlan()
    kept_from = today - timedelta(days=VISITS_KEPT_DAYS)
    visits: dict[date, bool] = {}  # day -> child seen (one visit a day, as the case system's key)

    def visit(day: date, seen: bool = True) -> None:
        if kept_from <= day < today and day >= date_of_birth:
            visits[day] = visits.get(day, False) or seen

    def meeting(kind: str, day: date) -> None:
        if day < today:
            plan.facts.append(MeetingHeld(case_id=case_id, kind=kind, held_on=day))

    for episode in episodes:
        if episode.start >= today:
            continue
        stop = min(episode.end or today, today - timedelta(days=1))
        if episode.kind == EpisodeKind.LOOKED_AFTER:
            _looked_after(rng, plan, case_id, date_of_birth, episode, stop, visit, meeting)
        elif episode.kind == EpisodeKind.CHILD_PROTECTION_PLAN:
            _child_protection(rng, plan, case_id, date_of_birth, episode, stop, visit, meeting)
        elif episode.kind == EpisodeKind.CHILD_IN_NEED and rng.random() < 0.3:
            held_on = episode.start + timedelta(days=rng.randint(3, 40))
            if held_on <= stop:
                plan.facts.append(StrategyDiscussion(case_id=case_id, held_on=held_on, outcome=StrategyOutcome.NO_S47))
        elif episode.kind == EpisodeKind.YOUTH_JUSTICE_ORDER:
            plan.assignments.append((IDENTIFIED_COLLEAGUE, episode.start, episode.end))
    _care_leaver(rng, plan, case_id, date_of_birth, episodes, today, visit, meeting)
    discussions = {}
    for fact in plan.facts:
        if isinstance(fact, StrategyDiscussion):
            discussions.setdefault(fact.held_on, fact)  # one a day (the case system's key); the s47 one wins below
            if fact.outcome == StrategyOutcome.S47:
                discussions[fact.held_on] = fact
    plan.facts = [fact for fact in plan.facts if not isinstance(fact, StrategyDiscussion)] + list(discussions.values())
    plan.facts += [
        Visit(
            case_id=case_id,
            visited_on=day,
            child_seen=seen,
            seen_alone=seen and rng.random() < 0.6,
            visitor_id=visitor_id,
        )
        for day, seen in sorted(visits.items())
    ]
    return plan


def acts(rng, *, start: date, stop: date, next_due: Callable[[date, int], date | None], late_share=LATE_SHARE):
    """The days something owed from `start` was done, each next one due `next_due(last done, n)` after
    the last: most by the due date, `late_share` after it, none after `stop`."""
    done, anchor, n = [], start, 1
    while (due := next_due(anchor, n)) is not None:
        room = max(0, (due - anchor).days - 1)
        if rng.random() < late_share:
            day = due + timedelta(days=rng.randint(1, max(3, room // 4)))
        else:
            day = due - timedelta(days=rng.randint(0, min(room, max(2, room // 3))))
        if day > stop:
            break
        done.append(day)
        anchor, n = day, n + 1
    return done


def _intervals(*intervals: Interval) -> Callable[[date, int], date]:
    """The n-th due date after the last done: the intervals in order, the last repeating."""
    return lambda anchor, n: add_interval(anchor, intervals[min(n, len(intervals)) - 1])


def _seen_visits(rng, visit, days: list[date]) -> None:
    """Visits on these days; now and then the child is not seen, and the worker goes back in a few days."""
    for day in days:
        if rng.random() < NOT_SEEN_SHARE:
            visit(day - timedelta(days=rng.randint(2, 4)), seen=False)
        visit(day)


def _looked_after(rng, plan, case_id, date_of_birth, episode: Span, stop: date, visit, meeting) -> None:
    """Placements (one to three, the last sometimes meant to last until 18), legal status, the statutory
    visits from each placement (CPPCR reg 28), the looked-after reviews (reg 33) and the assignments."""
    days = max(1, (stop - episode.start).days)
    moves = sorted(rng.sample(range(1, days), k=min(days - 1, rng.choice((0, 0, 1, 1, 2))))) if days > 60 else []
    starts = [episode.start] + [episode.start + timedelta(days=offset) for offset in moves]
    adoption = age_on(date_of_birth, episode.start) < 10 and rng.random() < ADOPTION_SHARE
    for index, start in enumerate(starts):
        last = index == len(starts) - 1
        end = episode.end if last else starts[index + 1] - timedelta(days=1)
        long_term = last and (stop - start).days > 200 and rng.random() < 0.5
        plan.facts.append(Placement(case_id=case_id, start=start, end=end, long_term=long_term))
        first_year_ends = start + timedelta(days=365)

        def next_visit(anchor, n, start=start, first_year_ends=first_year_ends, long_term=long_term):
            if n == 1:
                return add_interval(start, WEEK)
            return add_interval(anchor, THREE_MONTHS if long_term and anchor >= first_year_ends else SIX_WEEKS)

        _seen_visits(rng, visit, acts(rng, start=start, stop=min(end or stop, stop), next_due=next_visit))
    # Legal status: accommodated by agreement, or an interim then a full care order (a placement order
    # where the plan is adoption).
    if adoption or rng.random() < 0.55:
        order_on = min(episode.start + timedelta(days=rng.randint(60, 240)), stop)
        interim_end = order_on - timedelta(days=1)
        if interim_end >= episode.start:
            plan.facts.append(
                LegalStatus(
                    case_id=case_id, status=LegalStatusKind.INTERIM_CARE_ORDER, start=episode.start, end=interim_end
                )
            )
        final = LegalStatusKind.PLACEMENT_ORDER if adoption else LegalStatusKind.CARE_ORDER
        plan.facts.append(LegalStatus(case_id=case_id, status=final, start=order_on, end=episode.end))
        if adoption:
            plan.assignments += [(PANEL_ADVISOR, order_on, episode.end), (AGENCY_DECISION_MAKER, order_on, episode.end)]
    else:
        plan.facts.append(
            LegalStatus(case_id=case_id, status=LegalStatusKind.SECTION_20, start=episode.start, end=episode.end)
        )
    for day in acts(
        rng, start=episode.start, stop=stop, next_due=_intervals(TWENTY_WORKING_DAYS, THREE_MONTHS, SIX_MONTHS)
    ):
        meeting(MeetingKind.LOOKED_AFTER_REVIEW, day)
    plan.assignments += [(IRO, episode.start, episode.end), (PEP_OFFICER, episode.start, episode.end)]


def _child_protection(rng, plan, case_id, date_of_birth, episode: Span, stop: date, visit, meeting) -> None:
    """The s47 strategy discussion before the plan, the initial conference on its first day, the review
    conferences (3 months, then 6), the CP visits (every 10 working days) and the chair."""
    before = rng.randint(23, 32) if rng.random() < LATE_SHARE else rng.randint(7, 19)
    held_on = max(episode.start - timedelta(days=before), date_of_birth)
    plan.facts.append(StrategyDiscussion(case_id=case_id, held_on=held_on, outcome=StrategyOutcome.S47))
    meeting(MeetingKind.CP_CONFERENCE, episode.start)
    for day in acts(rng, start=episode.start, stop=stop, next_due=_intervals(THREE_MONTHS, SIX_MONTHS)):
        meeting(MeetingKind.CP_CONFERENCE, day)
    _seen_visits(rng, visit, acts(rng, start=episode.start, stop=stop, next_due=_intervals(TEN_WORKING_DAYS)))
    plan.assignments.append((INDEPENDENT_CHAIR, episode.start, episode.end))


def _care_leaver(rng, plan, case_id, date_of_birth, episodes: list[Span], today: date, visit, meeting) -> None:
    """From the day a looked-after child becomes eligible (CPPCR reg 40): the pathway plan and its reviews;
    a care leaver's status, and for some the accommodation the authority provides, with the personal
    adviser's visits (Care Leavers Regulations reg 8). One or two are detained while looked after."""
    journey = Journey(case_id, date_of_birth, as_of=today, episodes=list(episodes))
    became = eligible_on(journey)
    if became is None or became[0] >= today:
        return  # never eligible, or not yet (a 16th birthday to come)
    eligible_day, _ = became
    later = [span for span in episodes if span.start >= became[1].start]
    ended = [span.end for span in later]
    left_on = max(ended) if None not in ended else None
    stop = min(left_on or today, today - timedelta(days=1))
    # An eligible child has a personal adviser (CA 1989 Sch 2 para 19C) until the authority's duties end;
    # the adviser owes the visits where the authority provides accommodation (Care Leavers Regs reg 8).
    plan.assignments.append((PERSONAL_ADVISER, eligible_day, left_on))
    reviews = acts(rng, start=eligible_day, stop=stop, next_due=_intervals(THREE_MONTHS, SIX_MONTHS))
    for day in reviews:
        meeting(MeetingKind.PATHWAY_PLAN_REVIEW, day)
    eighteen = birthday(date_of_birth, 18)
    plan.facts.append(
        CareLeaverStatus(
            case_id=case_id,
            category=CareLeaverCategory.ELIGIBLE,
            start=eligible_day,
            end=_ended_by(min(eighteen - timedelta(days=1), became[1].end or date.max), today),
        )
    )
    leaving = [span for span in later if span.kind == EpisodeKind.CARE_LEAVER]
    if leaving:
        span = leaving[-1]
        plan.facts.append(
            CareLeaverStatus(
                case_id=case_id, category=CareLeaverCategory.FORMER_RELEVANT, start=span.start, end=span.end
            )
        )
        if rng.random() < 0.45:
            _accommodation(rng, plan, case_id, span, min(span.end or stop, stop), reviews, visit)
    elif became[1].end is None and rng.random() < DETAINED_SHARE:
        # Remanded or sentenced while looked after: visited within ten working days of being detained.
        start = max(today - timedelta(days=rng.randint(40, 120)), eligible_day + timedelta(days=1))
        if start < today - timedelta(days=20):
            end = start + timedelta(days=rng.randint(14, 30))
            plan.facts.append(Detention(case_id=case_id, start=start, end=end if end < today else None))
            visit(add_interval(start, TEN_WORKING_DAYS) - timedelta(days=rng.randint(1, 8)))


def _ended_by(day: date, today: date) -> date | None:
    """An end the case system knows: one still to come (a 16-year-old's 18th birthday) is not recorded yet."""
    return day if day < today else None


def _accommodation(rng, plan, case_id, span: Span, stop: date, reviews: list[date], visit) -> None:
    """Accommodation the authority provides a care leaver, and the personal adviser's visits: within 7
    days, before each pathway plan review, then at most 2 months apart."""
    start = span.start + timedelta(days=rng.randint(0, max(0, min(300, (stop - span.start).days - 30))))
    plan.facts.append(CareLeaverAccommodation(case_id=case_id, start=start, end=span.end))

    def next_visit(anchor, n):
        due = add_interval(anchor, SEVEN_DAYS if n == 1 else TWO_MONTHS)
        review = next((day for day in reviews if day > anchor), None)
        return min(due, review) if review else due

    _seen_visits(rng, visit, acts(rng, start=start, stop=stop, next_due=next_visit))


def journeys_bulk_create(rng, cases, episodes, *, assignees: dict, role_ids: dict, today: date, history: dict):
    """demo.synthetic's journeys: each case's as journey_plan draws it, and its assignments (to one of
    `assignees[role key]`, by case id), written in bulk with their history rows (`history`: the keyword
    arguments of bulk_create_with_history), as facts_record and assignments_apply would write them.
    Returns (facts, assignments) written."""
    spans: dict[int, list[Span]] = {case.pk: [] for case in cases}
    for episode in episodes:
        spans[episode.case_id].append(Span(episode.pk, episode.start, episode.end, episode.kind))
    facts: dict[type, list] = {}
    assignments = []
    for case in cases:
        plan = journey_plan(
            rng,
            case_id=case.pk,
            date_of_birth=case.date_of_birth,
            episodes=sorted(spans[case.pk], key=lambda span: span.start),
            today=today,
            visitor_id=case.allocated_worker_id,
        )
        for fact in plan.facts:
            facts.setdefault(type(fact), []).append(fact)
        for role_key, start, end in plan.assignments:
            people = assignees[role_key]
            assignments.append(
                CaseAssignment(
                    case_id=case.pk,
                    role_id=role_ids[role_key],
                    user_id=people[case.pk % len(people)],
                    start=start,
                    end=end,
                )
            )
    for model, rows in facts.items():
        bulk_create_with_history(rows, model, **history | {"batch_size": 5_000})
    bulk_create_with_history(assignments, CaseAssignment, **history | {"batch_size": 5_000})
    return sum(len(rows) for rows in facts.values()), len(assignments)


def assigned_holders(reference_prefix: str, role_keys) -> dict[tuple[int, str], int]:
    """{(case id, role key): user id} of the cases whose reference starts so: the latest assignment of
    each role, live or ended (demo.synthetic's audits, recorded by the chair or IRO a case had)."""
    rows = (
        CaseAssignment.objects.filter(case__reference__startswith=reference_prefix, role__key__in=list(role_keys))
        .order_by("start", "pk")
        .values_list("case_id", "role__key", "user_id")
    )
    return {(case_id, role_key): user_id for case_id, role_key, user_id in rows}
