"""The process fixture format, as pydantic models: the single definition of what a valid file is.

docs/fixtures.md describes the same format for people. The loader validates every file against
these models before it writes anything.
"""

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from processes.roles import is_known_role_key

# Longest text each kind of field may hold. The catalogue's longest are far below (a name of 105
# characters, a lead of 73, an outcome of 238, a source of 302, a preamble of 161): a limit well above
# the real text refuses a pasted document or a 10 MB outcome, not a long sentence. 200 also stays
# inside the columns (names and leads are 300).
MAX_LINE = 200
MAX_OUTCOME = 2_000
MAX_SOURCE = 1_000
MAX_PREAMBLE = 5_000
# Characters text may hold besides printable ones: tabs and line breaks, and only in paragraphs.
PARAGRAPH_SPACING = {"\t", "\n"}


def _hidden_characters(text: str, allowed: set[str]) -> list[str]:
    """Control characters (Unicode category Cc: NUL, escape, carriage return...) and format characters
    (Cf: zero-width spaces and joiners, right-to-left and other bidi overrides, the byte-order mark).
    They print as nothing, or reorder what prints, so two names that look the same would differ, and
    PostgreSQL refuses a NUL outright. The seed's no-break spaces (Zs) are ordinary spaces and stay."""
    return [
        f"U+{ord(char):04X} {unicodedata.name(char, 'control character').lower()}"
        for char in dict.fromkeys(text)
        if unicodedata.category(char) in ("Cc", "Cf") and char not in allowed
    ]


def _text_rule(max_length: int, allowed: set[str], *, required: bool = True):
    def check(text: str) -> str:
        if required and not text.strip():
            raise ValueError("must not be empty or only spaces")
        if len(text) > max_length:
            raise ValueError(f"is {len(text):,} characters long; at most {max_length:,} are allowed")
        if hidden := _hidden_characters(text, allowed):
            raise ValueError(f"holds characters that do not print or that reorder text: {', '.join(hidden)}")
        return text

    return AfterValidator(check)


# Text is kept word for word (never stripped): the rules only refuse, they do not tidy.
LineText = Annotated[str, StringConstraints(min_length=1), _text_rule(MAX_LINE, set())]
OutcomeText = Annotated[str, StringConstraints(min_length=1), _text_rule(MAX_OUTCOME, PARAGRAPH_SPACING)]
SourceText = Annotated[str, StringConstraints(min_length=1), _text_rule(MAX_SOURCE, PARAGRAPH_SPACING)]
PreambleText = Annotated[str, _text_rule(MAX_PREAMBLE, PARAGRAPH_SPACING, required=False)]
# `version: true` is a boolean, not table 1: whole numbers are whole numbers (strict), never booleans or
# text that looks like one.
WholeNumber = Annotated[int, Field(strict=True)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]

SUBJECT_KINDS = ("case", "staff", "foster_carer", "meeting", "practice_review", "service")
EPISODE_KINDS = (
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "care_leaver",
    "youth_justice_order",
)
INTERVAL_UNITS = {
    "working day": "working_days",
    "working days": "working_days",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
INTERVAL_PATTERN = re.compile(r"^([1-9][0-9]{0,3}) (working days?|days?|weeks?|months?|years?)$")


class Strict(BaseModel):
    # Unknown keys are errors: a misspelt key must not silently drop data.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(Strict):
    count: int = Field(ge=1, le=9999)
    unit: Literal["working_days", "days", "weeks", "months", "years"]

    @classmethod
    def parse(cls, text: str) -> "Interval":
        match = INTERVAL_PATTERN.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(
                f"{text!r} is not an interval; write a number and a unit, e.g. '20 working days', "
                "'3 months', '6 weeks', '1 year'"
            )
        return cls(count=int(match.group(1)), unit=INTERVAL_UNITS[match.group(2)])

    def __str__(self) -> str:
        label = self.unit.replace("_", " ")
        return f"{self.count} {label[:-1] if self.count == 1 else label}"


# What starts a clock. episode_start, record_of and previous_record are the first clocks; the rest are
# facts of the child's journey (journeys.models) that the case system sends (docs/schedules.md).
FACT_CLOCKS = (
    "placement_start",  # every placement of a looked-after child (CPPCR 2010 reg 28)
    "s47_strategy_discussion",  # a strategy discussion that started section 47 enquiries (Working Together)
    "accommodation_start",  # accommodation the authority provides a care leaver (Care Leavers Regs 2010 reg 8)
    "detention_start",  # a looked-after child first detained (SI 2010/2797 reg 4)
    "becoming_eligible",  # an eligible child: 16, looked after 13 weeks since 14 (CPPCR 2010 reg 40, 42)
)
CLOCKS = ("episode_start", "record_of", "previous_record", "next_review_date", "carer_approval", *FACT_CLOCKS)
# What meets an occurrence, beside a record of the process made in the portal.
MET_BY = (
    "record",
    "visit_child_seen",
    "looked_after_review_held",
    "cp_conference_held",
    "pathway_plan_review_held",
)


class AppliesTo(Strict):
    """Whom a rule applies to, beyond its clock: the child's age on the day the clock starts."""

    age_from: int | None = Field(default=None, ge=0, le=25)  # at least this old
    age_below: int | None = Field(default=None, ge=1, le=26)  # younger than this

    @model_validator(mode="after")
    def ages_make_a_range(self) -> "AppliesTo":
        if self.age_from is not None and self.age_below is not None and self.age_below <= self.age_from:
            raise ValueError("age_below must be more than age_from")
        return self


class ScheduleRule(Strict):
    """When a process falls due. The intervals run one after another; the last repeats if `repeats`.

    `counts_from`: "grid" counts each interval from the previous due date; "last_occurrence" counts it
    from the day the previous one was actually done (a visit, a review held), as the regulations do.
    `met_by`: what meets an occurrence besides a record of the process (a visit with the child seen...).
    `owed_by`: the role that owes it on a case, where the lead roles alone do not say (processes.roles).
    `long_term_interval`: for placement visits, the interval after a placement's first year when it is
    meant to last until the child is 18 (reg 28(2)(c)(i)). `visit_before`: a visit is also due before
    each meeting of this kind (reg 8's "before each pathway plan review")."""

    basis: Literal["statutory", "national", "local"]
    source: SourceText
    # carer_approval: a foster carer's approval starts it, and each next one counts from the carer's last
    # record of the process (timeliness.foster_carer_planning).
    clock: Literal[CLOCKS]  # type: ignore[valid-type]
    episode: Literal[EPISODE_KINDS] | None = None  # type: ignore[valid-type]
    after_process: Key | None = None
    # With record_of: only the subject's first record of after_process starts it (a foster carer's first
    # review goes to the fostering panel; later ones need not). None rather than False, so rules that do
    # not say it are stored as before.
    after_first_only: Annotated[bool, Field(strict=True)] | None = None
    intervals: list[str] = Field(min_length=1)
    repeats: Annotated[bool, Field(strict=True)] = False
    stops: Literal["episode_end", "never"] = "never"
    counts_from: Literal["grid", "last_occurrence"] = "grid"
    met_by: Literal[MET_BY] = "record"  # type: ignore[valid-type]
    applies_to: AppliesTo | None = None
    owed_by: Key | None = None
    long_term_interval: str | None = None
    visit_before: Literal["pathway_plan_review"] | None = None

    @field_validator("intervals")
    @classmethod
    def intervals_are_well_formed(cls, value: list[str]) -> list[str]:
        for text in value:
            Interval.parse(text)
        return value

    @field_validator("long_term_interval")
    @classmethod
    def long_term_interval_is_well_formed(cls, value: str | None) -> str | None:
        if value is not None:
            Interval.parse(value)
        return value

    @field_validator("owed_by")
    @classmethod
    def owed_by_is_a_role(cls, value: str | None) -> str | None:
        if value is not None and not is_known_role_key(value):
            raise ValueError(f"owed_by names no role: {value!r}")
        return value

    @model_validator(mode="after")
    def clock_has_what_it_needs(self) -> "ScheduleRule":
        if self.clock == "episode_start" and not self.episode:
            raise ValueError("a clock of episode_start needs `episode` (which kind of episode starts it)")
        if self.clock not in ("episode_start", *FACT_CLOCKS) and self.episode and self.stops != "episode_end":
            raise ValueError("`episode` belongs with clock episode_start or stops episode_end")
        if self.clock == "record_of" and not self.after_process:
            raise ValueError(
                "a clock of record_of needs `after_process` (the key of the process whose record starts it)"
            )
        if self.clock != "record_of" and self.after_process:
            raise ValueError("`after_process` belongs only with clock record_of")
        if self.clock != "record_of" and self.after_first_only is not None:
            raise ValueError("`after_first_only` belongs only with clock record_of")
        if self.stops == "episode_end" and not self.episode:
            raise ValueError("stops: episode_end needs `episode`")
        if self.counts_from == "last_occurrence" and self.clock not in ("episode_start", *FACT_CLOCKS):
            raise ValueError("counts_from: last_occurrence needs a clock that starts on a fact or an episode")
        if self.long_term_interval and self.clock != "placement_start":
            raise ValueError("long_term_interval belongs with clock placement_start")
        return self

    def parsed_intervals(self) -> list[Interval]:
        return [Interval.parse(text) for text in self.intervals]


def is_journey_rule(rule: dict | None) -> bool:
    """Whether a rule's items follow the facts of the child's journey (timeliness.journey_planning) rather
    than a grid from the episode start or a record (timeliness.planning)."""
    return bool(rule) and (rule["clock"] in FACT_CLOCKS or rule.get("counts_from") == "last_occurrence")


RECORD_FORMS = ("audit", "conference", "visit", "workforce")


class Recording(Strict):
    """How a record of the process is made. Omitted fields take defaults from the subject:
    staff processes use the workforce form; case audits are graded on Ofsted's four-point scale;
    conferences and visits ask for the child's voice."""

    form: Literal[RECORD_FORMS] | None = None  # type: ignore[valid-type]
    grades: Annotated[bool, Field(strict=True)] | None = None
    child_voice: Annotated[bool, Field(strict=True)] | None = None
    # A conference that sets the date of another process's next review (the ICPC sets the first CP review).
    next_review_of: Key | None = None

    def resolved(self, subject: str) -> dict:
        form = self.form or ("workforce" if subject == "staff" else "audit")
        if form == "workforce" and subject != "staff":
            raise ValueError("the workforce form is for processes carried out on a staff member")
        if form in ("conference", "visit") and subject != "case":
            raise ValueError(f"the {form} form is for processes carried out on a case")
        grades = self.grades if self.grades is not None else (form == "audit" and subject == "case")
        child_voice = self.child_voice if self.child_voice is not None else form in ("conference", "visit")
        if self.next_review_of and form != "conference":
            raise ValueError("next_review_of belongs with the conference form")
        return {"form": form, "grades": grades, "child_voice": child_voice, "next_review_of": self.next_review_of}


class ProcessEntry(Strict):
    key: Key
    name: LineText
    lead: LineText
    lead_roles: list[Key] = Field(min_length=1)
    subject: Literal[SUBJECT_KINDS]  # type: ignore[valid-type]
    outcomes: list[OutcomeText] = Field(min_length=1)
    schedule: ScheduleRule | None = None
    sample_rate: Annotated[float, Field(strict=True)] | None = Field(default=None, ge=0, le=1)
    former_names: list[LineText] = Field(default_factory=list)
    recording: Recording = Field(default_factory=Recording)
    # Another process that is the same act (the seed prints some twice, in two tables): its items are the
    # one item of both, and a record of either meets it. This process then has no schedule of its own.
    same_act_as: Key | None = None

    @model_validator(mode="after")
    def recording_fits_the_subject(self) -> "ProcessEntry":
        if self.same_act_as and self.schedule:
            raise ValueError("a process that is the same act as another has no schedule of its own")
        if self.same_act_as == self.key:
            raise ValueError("same_act_as names the process itself")
        self.recording.resolved(self.subject)
        return self

    def resolved_recording(self) -> dict:
        return self.recording.resolved(self.subject)

    @field_validator("lead_roles")
    @classmethod
    def roles_are_known(cls, value: list[str]) -> list[str]:
        unknown = [key for key in value if not is_known_role_key(key)]
        if unknown:
            raise ValueError(f"unknown role {', '.join(unknown)}; roles are listed in processes/roles.py")
        if len(set(value)) != len(value):
            raise ValueError("a role is named twice")
        return value

    @field_validator("outcomes")
    @classmethod
    def outcomes_are_distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("an outcome is listed twice")
        return value


# The support tool's nine tables, by key and number. Titles and preambles come from the fixtures;
# a tenth table would need reports and permissions thought through, so it is a code change.
AREAS = {
    "strategic-overview": 1,
    "childrens-social-care-overview": 2,
    "safe-and-competent-workforce": 3,
    "voice-of-the-child": 4,
    "voice-of-the-child-in-service-development": 5,
    "advice-and-assessment": 6,
    "children-in-care": 7,
    "youth-offending-service": 8,
    "sixteen-plus-service": 9,
}


class AreaEntry(Strict):
    key: Key
    number: WholeNumber = Field(ge=1, le=99)
    title: LineText
    preamble: PreambleText = ""

    @model_validator(mode="after")
    def is_a_known_area(self) -> "AreaEntry":
        if self.key not in AREAS:
            raise ValueError(f"unknown area {self.key!r}; the areas are {', '.join(AREAS)}")
        if AREAS[self.key] != self.number:
            raise ValueError(f"area {self.key!r} is table {AREAS[self.key]}, not {self.number}")
        return self


class CatalogueFile(Strict):
    """One table of the support tool."""

    area: AreaEntry
    version: WholeNumber = Field(ge=1)
    effective_date: date
    processes: list[ProcessEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def process_keys_and_names_are_unique(self) -> "CatalogueFile":
        seen_keys, seen_names = set(), set()
        for entry in self.processes:
            if entry.key in seen_keys:
                raise ValueError(f"process {entry.key!r} is listed twice")
            if entry.name in seen_names:
                raise ValueError(f"process name {entry.name!r} is listed twice in this table")
            seen_keys.add(entry.key)
            seen_names.add(entry.name)
        return self
