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
    if rule.get("stops") == "episode_end" and rule.get("episode"):
        words += f", {EPISODE_LASTS[rule['episode']]}"
    return words


def describe_basis(rule: dict | None) -> str:
    if not rule:
        return ""
    return f"{BASIS[rule['basis']]}: {rule['source']}"
