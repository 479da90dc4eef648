"""What is owed on one child's journey, from its facts: pure (facts and a rule in, occurrences out).

A clock starts on a fact (a placement, a strategy discussion that started section 47 enquiries, ...)
or an episode. Where a rule counts from the last occurrence, as the regulations do ("at intervals of
not more than six weeks"), each next due date runs from the day the previous one was actually done,
and the chain has at most one occurrence open: the next one owed. A chain ends with its period (the
placement, the episode, the accommodation, the case): an occurrence still open then is "ended", and
journey_planning closes it (due before the end: missed; after: no longer owed).

Nothing here reads the database: timeliness.journey_planning gathers a case's facts into a Journey,
asks `occurrences(rule, journey)`, and writes the difference. The scenario tests call it directly.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from journeys.choices import PlacementKind
from processes.fixture_schema import Interval
from processes.timescales import NO_CLOSURES, add_interval, age_on, birthday

# A looked-after child becomes eligible at 16 after 13 weeks looked after since 14 (CPPCR 2010 reg 40).
ELIGIBLE_WEEKS = 13
# Pathway plans are reviewed at least every 6 months (Care Leavers (England) Regulations 2010 reg 7):
# with no review recorded yet, the personal adviser's visit is due before the one that is then owed.
PATHWAY_REVIEW_INTERVAL = Interval.parse("6 months")
WEEKLY = Interval.parse("1 week")
FOUR_WEEKS = Interval.parse("4 weeks")


@dataclass(frozen=True)
class Span:
    """A period of the journey: an episode, a placement, accommodation, a detention."""

    id: int
    start: date
    end: date | None = None
    kind: str = ""  # an episode's kind, a placement's kind
    long_term: bool = False

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Meet:
    """Something that meets an occurrence: a fact (a visit with the child seen, a meeting held) or a
    record made in the portal, on a day. `next_on`: the date a review set for the next one, if any."""

    on: date
    ref: str  # "visit 12", "meeting 4", "record 31"
    audit_id: int | None = None
    next_on: date | None = None


@dataclass
class Journey:
    """One child's facts, as journey_planning reads them."""

    case_id: int
    date_of_birth: date
    closed_on: date | None = None
    episodes: list[Span] = field(default_factory=list)
    placements: list[Span] = field(default_factory=list)
    accommodations: list[Span] = field(default_factory=list)
    detentions: list[Span] = field(default_factory=list)
    visits_seen: list[Meet] = field(default_factory=list)  # visits in which the child was seen
    meetings: dict[str, list[Meet]] = field(default_factory=dict)  # by MeetingKind
    s47_discussions: list[tuple[int, date]] = field(default_factory=list)
    records: dict[int, list[Meet]] = field(default_factory=dict)  # submitted portal records, by process id
    # The day planning runs: a clock that starts later (a 16th birthday to come) owes nothing yet.
    as_of: date | None = None

    def episodes_of(self, kind: str) -> list[Span]:
        return [episode for episode in self.episodes if episode.kind == kind]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence owed: its key (unique for the process), due date, episode, and what met it, or
    `ended_on` when its period ended with it still open."""

    key: str
    due_on: date
    episode_id: int | None
    met: Meet | None = None
    ended_on: date | None = None


@dataclass(frozen=True)
class JourneyRule:
    """A schedule rule in force, as journey_planning hands it over: the process, its rule, and the
    processes whose records meet it (the process and any printed again as the same act)."""

    process_id: int
    rule: dict
    record_process_ids: tuple[int, ...]


#
# The chain: occurrences counted from the last one done
#


def chain(
    *,
    start: date,
    first: Interval,
    then: Callable[[Meet, int], Interval | None],
    meets: list[Meet],
    end: date | None,
    closures: frozenset[date] = NO_CLOSURES,
    strictly_after_start: bool = False,
    cap: Callable[[date], date | None] | None = None,
) -> list[tuple[int, date, Meet | None]]:
    """(n, due date, what met it) from a clock started on `start`: the first due `first` after it, each
    next `then(meet, n)` after the day the n-th was met (None: no more are owed). A meet counts once, in
    date order, from the clock's start (after it, if `strictly_after_start`) to `end`. `cap(anchor)`
    may bring a due date forward (a visit owed before a review)."""

    def counts(meet: Meet) -> bool:
        after_start = meet.on > start if strictly_after_start else meet.on >= start
        return after_start and (end is None or meet.on <= end)

    usable = sorted((meet for meet in meets if counts(meet)), key=lambda meet: meet.on)
    found: list[tuple[int, date, Meet | None]] = []
    due, anchor, n = add_interval(start, first, closures), start, 1
    for meet in _distinct_days(usable):
        if cap is not None and (capped := cap(anchor)) is not None:
            due = min(due, capped)
        found.append((n, due, meet))
        interval = then(meet, n)
        if interval is None:
            return found
        due, anchor, n = add_interval(meet.on, interval, closures), meet.on, n + 1
        if meet.next_on is not None and meet.next_on > meet.on:
            due = min(due, meet.next_on)  # the review set an earlier date for the next one
    if cap is not None and (capped := cap(anchor)) is not None:
        due = min(due, capped)
    found.append((n, due, None))
    return found


def _distinct_days(meets: list[Meet]) -> list[Meet]:
    """One meet a day: a visit the case system sent and the portal record of the same visit are one
    act. The portal record is kept where both exist, so the item names the record that met it."""
    by_day: dict[date, Meet] = {}
    for meet in meets:
        if meet.on not in by_day or meet.audit_id is not None:
            by_day[meet.on] = meet
    return [by_day[day] for day in sorted(by_day)]


def _intervals(rule: dict) -> list[Interval]:
    return [Interval.parse(text) for text in rule["intervals"]]


def _then_from_intervals(rule: dict) -> Callable[[Meet, int], Interval | None]:
    """The n-th interval after the n-th occurrence: the rule's list in order, the last repeating if it repeats."""
    intervals = _intervals(rule)

    def then(meet: Meet, n: int) -> Interval | None:
        if n < len(intervals):
            return intervals[n]
        return intervals[-1] if rule.get("repeats") else None

    return then


def _occurrences(prefix: str, links, *, episode_id: int | None, end: date | None) -> list[Occurrence]:
    found = []
    for n, due_on, met in links:
        ended = end if met is None and end is not None else None
        found.append(Occurrence(f"{prefix}:{n}", due_on, episode_id, met, ended))
    return found


def _end(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _applies(rule: dict, date_of_birth: date, start: date) -> bool:
    applies = rule.get("applies_to") or {}
    age = age_on(date_of_birth, start)
    return (applies.get("age_from") is None or age >= applies["age_from"]) and (
        applies.get("age_below") is None or age < applies["age_below"]
    )


def meets_for(rule: JourneyRule, journey: Journey) -> list[Meet]:
    """What meets the rule's occurrences on this journey: the facts its `met_by` names, and records of
    its processes made in the portal."""
    met_by = rule.rule.get("met_by", "record")
    meets = [meet for pk in rule.record_process_ids for meet in journey.records.get(pk, [])]
    if met_by == "visit_child_seen":
        meets += journey.visits_seen
    elif met_by.endswith("_held"):
        meets += journey.meetings.get(met_by.removesuffix("_held"), [])
    return meets


#
# The clocks
#


def occurrences(rule: JourneyRule, journey: Journey, *, closures: frozenset[date] = NO_CLOSURES) -> list[Occurrence]:
    """Every occurrence the rule owes on this journey, met or open or ended."""
    clock = rule.rule["clock"]
    build = CLOCKS[clock]
    return build(rule, journey, closures)


def _episode_chain(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """An episode's occurrences counted from the last one done (looked-after reviews, CP reviews, CP
    visits). A new episode starts again: a return to care owes a first review, not the earlier count.
    A meeting on the episode's first day is the one that started it (the ICPC that made the plan),
    not a review of it."""
    found = []
    meets = meets_for(rule, journey)
    strictly = rule.rule.get("met_by", "record").endswith("_held")
    for episode in journey.episodes_of(rule.rule["episode"]):
        if not _applies(rule.rule, journey.date_of_birth, episode.start):
            continue
        end = _end(episode.end, journey.closed_on)
        links = chain(
            start=episode.start,
            first=_intervals(rule.rule)[0],
            then=_then_from_intervals(rule.rule),
            meets=meets,
            end=end,
            closures=closures,
            strictly_after_start=strictly,
        )
        found += _occurrences(f"j:{rule.process_id}:episode:{episode.id}", links, episode_id=episode.id, end=end)
    return found


def _placement_visits(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """CPPCR 2010 reg 28: a visit within one week of the start of every placement; then at intervals of
    not more than six weeks in the placement's first year; then not more than three months where it is
    meant to last until 18 (`long_term_interval`), six weeks otherwise. With a parent pending assessment
    (reg 19) or with a connected person approved temporarily (reg 24), weekly until the first review,
    then six-weekly (reg 28(3)) or four-weekly (reg 28(4)). Only a visit in which the child was seen
    counts, and only from the day the child was looked after and placed there."""
    intervals = _intervals(rule.rule)
    first, usual = intervals[0], intervals[-1]
    long_term = Interval.parse(rule.rule["long_term_interval"]) if rule.rule.get("long_term_interval") else usual
    looked_after = journey.episodes_of("looked_after")
    reviews = sorted(meet.on for meet in journey.meetings.get("looked_after_review", []))
    meets = meets_for(rule, journey)
    found = []
    for placement in journey.placements:
        episode = next((episode for episode in looked_after if episode.holds(placement.start)), None)
        if episode is None or not _applies(rule.rule, journey.date_of_birth, placement.start):
            continue
        first_year_ends = placement.start + timedelta(days=365)
        first_review = next((day for day in reviews if day >= episode.start), None)

        def then(meet: Meet, n: int, placement=placement, first_year_ends=first_year_ends, first_review=first_review):
            if placement.kind in (
                PlacementKind.WITH_PARENT_PENDING_ASSESSMENT,
                PlacementKind.CONNECTED_PERSON_TEMPORARY,
            ):
                if first_review is None or meet.on < first_review:
                    return WEEKLY
                return usual if placement.kind == PlacementKind.WITH_PARENT_PENDING_ASSESSMENT else FOUR_WEEKS
            if meet.on >= first_year_ends and placement.long_term:
                return long_term
            return usual

        end = _end(placement.end, episode.end, journey.closed_on)
        links = chain(start=placement.start, first=first, then=then, meets=meets, end=end, closures=closures)
        found += _occurrences(f"j:{rule.process_id}:placement:{placement.id}", links, episode_id=episode.id, end=end)
    return found


def _s47_conferences(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """Working Together 2023: the initial child protection conference within 15 working days of the
    strategy discussion at which section 47 enquiries were started. A discussion that decided no s47
    enquiry starts nothing; a later s47 discussion before the conference is held starts no second one."""
    meets = meets_for(rule, journey)
    first = _intervals(rule.rule)[0]
    found, waiting_until = [], None
    for discussion_id, held_on in sorted(journey.s47_discussions, key=lambda row: row[1]):
        if waiting_until is not None and held_on <= waiting_until:
            continue  # the conference this discussion would call is already owed
        links = chain(
            start=held_on,
            first=first,
            then=lambda meet, n: None,
            meets=meets,
            end=journey.closed_on,
            closures=closures,
        )
        occurrence = _occurrences(
            f"j:{rule.process_id}:strategy:{discussion_id}", links, episode_id=None, end=journey.closed_on
        )[0]
        found.append(occurrence)
        waiting_until = occurrence.met.on if occurrence.met else date.max
    return found


def _accommodation_visits(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """Care Leavers (England) Regulations 2010 reg 8: where the authority provides accommodation, the
    personal adviser visits within 7 days of the move, before each pathway plan review, and then at
    intervals of not more than 2 months; only while the accommodation lasts."""
    reviews = sorted(meet.on for meet in journey.meetings.get("pathway_plan_review", []))
    meets = meets_for(rule, journey)
    found = []

    def before_next_review(anchor: date) -> date | None:
        if rule.rule.get("visit_before") != "pathway_plan_review":
            return None
        later = [day for day in reviews if day > anchor]
        if later:
            return later[0]
        earlier = [day for day in reviews if day <= anchor]
        return add_interval(earlier[-1], PATHWAY_REVIEW_INTERVAL, closures) if earlier else None

    for accommodation in journey.accommodations:
        if not _applies(rule.rule, journey.date_of_birth, accommodation.start):
            continue
        end = _end(accommodation.end, journey.closed_on)
        links = chain(
            start=accommodation.start,
            first=_intervals(rule.rule)[0],
            then=_then_from_intervals(rule.rule),
            meets=meets,
            end=end,
            closures=closures,
            cap=before_next_review,
        )
        found += _occurrences(f"j:{rule.process_id}:accommodation:{accommodation.id}", links, episode_id=None, end=end)
    return found


def _detention_visits(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """Visits to Former Looked After Children in Detention (England) Regulations 2010 (SI 2010/2797)
    reg 4: a child who ceased to be looked after on being detained is visited within ten working days of
    first being detained (then whenever reasonably asked). Only a detention that follows a looked-after
    episode (open on the day, or ended that day or the day before) starts it."""
    meets = meets_for(rule, journey)
    found = []
    for detention in journey.detentions:
        before = detention.start - timedelta(days=1)
        if not any(
            episode.start <= detention.start and (episode.end is None or episode.end >= before)
            for episode in journey.episodes_of("looked_after")
        ):
            continue
        end = _end(detention.end, journey.closed_on)
        links = chain(
            start=detention.start,
            first=_intervals(rule.rule)[0],
            then=_then_from_intervals(rule.rule),
            meets=meets,
            end=end,
            closures=closures,
        )
        found += _occurrences(f"j:{rule.process_id}:detention:{detention.id}", links, episode_id=None, end=end)
    return found


def eligible_on(journey: Journey) -> tuple[date, Span] | None:
    """The day the child became an eligible child (CPPCR 2010 reg 40: aged 16 or 17, looked after, for
    periods totalling 13 weeks that began after the 14th birthday), and the looked-after episode it fell
    in; None if they never did."""
    at_14, at_16, at_18 = (birthday(journey.date_of_birth, years) for years in (14, 16, 18))
    needed = ELIGIBLE_WEEKS * 7
    counted = 0  # days looked after since the 14th birthday, in the episodes before this one
    for episode in sorted(journey.episodes_of("looked_after"), key=lambda span: span.start):
        start, stop = max(episode.start, at_14), episode.end or date.max
        if stop < start:
            continue
        reached = start + timedelta(days=max(needed - counted, 1) - 1)  # the day the 13 weeks are made up
        day = max(reached, at_16)
        if day <= stop and day < at_18:
            return day, episode
        counted += (stop - start).days + 1
    return None


def _eligible_plans(rule: JourneyRule, journey: Journey, closures) -> list[Occurrence]:
    """CPPCR 2010 reg 42(1): the needs assessment of an eligible child, from which the pathway plan is
    made, within 3 months of becoming eligible, while looked after; then the plan is reviewed at least
    every 6 months (Care Leavers (England) Regulations 2010 reg 7) while the young person is looked after
    or a care leaver."""
    became = eligible_on(journey)
    if became is None or (journey.as_of is not None and became[0] > journey.as_of):
        return []
    start, episode = became
    spans = [
        span
        for span in journey.episodes
        if span.kind in ("looked_after", "care_leaver") and span.start >= episode.start
    ]
    end = None if any(span.end is None for span in spans) else max(span.end for span in spans)
    end = _end(end, journey.closed_on)
    links = chain(
        start=start,
        first=_intervals(rule.rule)[0],
        then=_then_from_intervals(rule.rule),
        meets=meets_for(rule, journey),
        end=end,
        closures=closures,
    )
    return _occurrences(f"j:{rule.process_id}:eligible:{journey.case_id}", links, episode_id=episode.id, end=end)


CLOCKS = {
    "episode_start": _episode_chain,
    "placement_start": _placement_visits,
    "s47_strategy_discussion": _s47_conferences,
    "accommodation_start": _accommodation_visits,
    "detention_start": _detention_visits,
    "becoming_eligible": _eligible_plans,
}
