"""A catalogue change in words, for the upload's preview: each differing field with what the catalogue
says now beside what the file says, as an administrator reads them (role names, not keys; a schedule as a
sentence; for a list, the entries that go and the entries that come, not the whole list twice)."""

from dataclasses import dataclass
from decimal import Decimal

from processes.roles import ROLES_BY_KEY
from processes.schedule_text import describe_schedule

NOTHING = "(none)"


@dataclass(frozen=True)
class FieldChange:
    label: str
    now: list[str]  # lines
    in_file: list[str]
    same: int = 0  # list entries both have (not shown)


LIST_FIELDS = ("outcomes", "lead_roles", "former_names")


def field_change(label: str, name: str, now, in_file) -> FieldChange:
    if name in LIST_FIELDS:
        now, in_file = list(now or []), list(in_file or [])
        kept = [entry for entry in now if entry in in_file]
        if sorted(now) == sorted(in_file):  # the same entries in another order
            return FieldChange(label, _list_words(name, now), _list_words(name, in_file))
        going = [entry for entry in now if entry not in in_file]
        coming = [entry for entry in in_file if entry not in now]
        return FieldChange(
            label,
            [f"Removed: {words}" for words in _list_words(name, going)] or [NOTHING],
            [f"Added: {words}" for words in _list_words(name, coming)] or [NOTHING],
            same=len(kept),
        )
    return FieldChange(label, [_words(name, now)], [_words(name, in_file)])


def _list_words(name: str, entries: list) -> list[str]:
    if name == "lead_roles":
        return [ROLES_BY_KEY[key].name if key in ROLES_BY_KEY else key for key in entries]
    return [str(entry) for entry in entries]


def _words(name: str, value) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "schedule_rule":
        return describe_schedule(value) or NOTHING
    if name == "sample_rate":
        return f"{(Decimal(value) * 100).normalize():f}%"
    return str(value)
