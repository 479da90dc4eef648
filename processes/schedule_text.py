"""A schedule rule in plain words, as people read it on the process page.

e.g. "first within 20 working days of becoming looked after, then within 3 months, then at least every 6 months"
"""

from processes.fixture_schema import Interval

EPISODE_STARTS = {
    "child_in_need": "of the child in need episode starting",
    "child_protection_plan": "of the child protection plan starting",
    "looked_after": "of becoming looked after",
    "care_leaver": "of becoming a care leaver",
    "youth_justice_order": "of the youth justice order starting",
}
EPISODE_LASTS = {
    "child_in_need": "while the child in need episode lasts",
    "child_protection_plan": "while the child protection plan lasts",
    "looked_after": "while the child is looked after",
    "care_leaver": "while the young person is a care leaver",
    "youth_justice_order": "while the order lasts",
}
FACT_STARTS = {
    "placement_start": "of each placement starting",
    "s47_strategy_discussion": "of the strategy discussion that started section 47 enquiries",
    "accommodation_start": "of moving into accommodation the authority provides",
    "detention_start": "of first being detained, for a child looked after until then",
    "becoming_eligible": "of becoming an eligible child (16, and looked after 13 weeks since 14)",
}
MET_BY = {
    "visit_child_seen": "a visit counts only if the child was seen",
    "looked_after_review_held": "met by the review held, as the case system records it",
    "cp_conference_held": "met by the conference held, as the case system records it",
    "pathway_plan_review_held": "met by the pathway plan review held, as the case system records it",
}
BASIS = {"statutory": "Statutory", "national": "National guidance", "local": "Local default"}


def _every(interval: str) -> str:
    return f"every {interval.removeprefix('1 ')}"


def clock_phrase(rule: dict, process_names: dict[str, str]) -> str:
    clock = rule["clock"]
    if clock == "episode_start":
        return EPISODE_STARTS[rule["episode"]]
    if clock == "record_of":
        name = process_names.get(rule["after_process"], rule["after_process"])
        return f"of the first {name}" if rule.get("after_first_only") else f"of the {name}"
    if clock == "carer_approval":
        return "of the foster carer's approval"
    if clock in FACT_STARTS:
        return FACT_STARTS[clock]
    if clock == "next_review_date":
        return "of the review date set at the previous review"
    return "of the previous one"


def describe_schedule(rule: dict | None, process_names: dict[str, str] | None = None) -> str:
    if not rule:
        return ""
    intervals = [str(Interval.parse(text)) for text in rule["intervals"]]
    clock = clock_phrase(rule, process_names or {})
    repeats = rule.get("repeats", False)

    if rule["clock"] == "previous_record" and len(intervals) == 1:
        words = f"at least {_every(intervals[0])}" if repeats else f"within {intervals[0]} {clock}"
    else:
        first, rest = intervals[0], intervals[1:]
        if not rest:
            words = (
                f"first within {first} {clock}, then at least {_every(first)}" if repeats else f"within {first} {clock}"
            )
        else:
            parts = [f"first within {first} {clock}"]
            middle = rest[:-1] if repeats else rest
            parts += [f"then within {interval}" for interval in middle]
            if repeats:
                parts.append(f"then at least {_every(rest[-1])}")
            words = ", ".join(parts)
    if rule.get("long_term_interval"):
        later = Interval.parse(rule["long_term_interval"])
        words += f" (every {later} after the first year of a placement meant to last until 18)"
    if rule.get("counts_from") == "last_occurrence":
        words += ", each counted from the last one done"
    if rule.get("visit_before") == "pathway_plan_review":
        words += ", and before each pathway plan review"
    if rule.get("stops") == "episode_end" and rule.get("episode"):
        words += f", {EPISODE_LASTS[rule['episode']]}"
    applies = rule.get("applies_to") or {}
    if applies.get("age_from") is not None and applies.get("age_below") is not None:
        words += f"; for children aged {applies['age_from']} to {applies['age_below'] - 1}"
    elif applies.get("age_below") is not None:
        words += f"; for children under {applies['age_below']}"
    elif applies.get("age_from") is not None:
        words += f"; for young people aged {applies['age_from']} or more"
    if rule.get("met_by") in MET_BY:
        words += f" ({MET_BY[rule['met_by']]})"
    return words


def describe_basis(rule: dict | None) -> str:
    if not rule:
        return ""
    return f"{BASIS[rule['basis']]}: {rule['source']}"
