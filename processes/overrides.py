"""Local overrides of a schedule rule: applying one, and why one would be wrong.

Pure functions of a rule and a process's fields (no query), so that the model's clean(), the schedule
services and the pages all check an override the same way.
"""

from typing import TYPE_CHECKING

from pydantic import ValidationError as PydanticValidationError

from processes.fixture_schema import Interval, ScheduleRule

if TYPE_CHECKING:
    from processes.models import Process

MAX_OVERRIDE_INTERVALS = 12


def apply_override(rule: dict | None, intervals: list[str], repeats: bool) -> dict | None:
    """The rule with an override's intervals and repeats in place of its own. Only a local rule takes an
    override: if the fixtures have since made the rule statutory or national (or dropped it), the
    override no longer applies and the fixture rule stands."""
    if not rule or rule.get("basis") != "local":
        return rule
    return {**rule, "intervals": list(intervals), "repeats": bool(repeats)}


def override_errors(process: "Process | None", intervals, repeats: bool) -> dict[str, list[str]]:
    """Why an override of `process`'s rule with these intervals would be wrong, by field (empty if it is fine)."""
    errors: dict[str, list[str]] = {}
    if process is not None:
        rule = process.schedule_rule
        if not rule:
            errors["process"] = [f"“{process.name}” has no schedule rule, so there is no timescale to change."]
        elif rule.get("basis") != "local":
            basis = "a statutory" if rule["basis"] == "statutory" else "a national"
            errors["process"] = [
                f"“{process.name}” follows {basis} timescale ({rule['source']}). Only local rules can be "
                "changed here; statutory and national timescales change with the process fixtures "
                "(docs/fixtures.md)."
            ]
    if not isinstance(intervals, list) or not intervals or not all(isinstance(text, str) for text in intervals):
        errors["intervals"] = ["Give at least one interval, e.g. “10 working days” or “4 weeks”."]
    elif len(intervals) > MAX_OVERRIDE_INTERVALS:
        errors["intervals"] = [f"Give at most {MAX_OVERRIDE_INTERVALS} intervals; a repeating rule needs only one."]
    else:
        messages = []
        for text in intervals:
            try:
                Interval.parse(text)
            except ValueError as exc:
                messages.append(str(exc))
        if messages:
            errors["intervals"] = messages
    if not errors and process is not None:
        # The rule as it would be in force must still be a valid rule.
        try:
            ScheduleRule.model_validate(apply_override(process.schedule_rule, intervals, repeats))
        except PydanticValidationError as exc:
            errors["intervals"] = [error["msg"] for error in exc.errors()]
    return errors
