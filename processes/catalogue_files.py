"""Reading catalogue fixtures: YAML files (one table each) or an export (JSON, every table).

Every file is read and validated before anything is written; problems are collected, not raised
one at a time, so an administrator sees every mistake in one go, each naming file, entry and problem.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from processes.fixture_schema import CatalogueFile

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")
# The catalogue's own files nest 6 deep (table, processes, a process, its schedule, ...) and hold about
# 1,200 values in all. A file far past either is no fixture: one nested thousands deep exhausts the
# parsers' recursion (a RecursionError was a 500 on the upload page), and one of millions of values (a
# few lines of YAML aliases can say that) would hold the validation for minutes. Both are refused.
MAX_NESTING = 32
MAX_VALUES = 50_000
TOO_DEEP = f"nested more than {MAX_NESTING} levels deep; a fixture is a table of processes, not that deep"
TOO_MANY = f"holds more than {MAX_VALUES:,} values; a fixture is one table of processes"
# The largest file either way in: the upload form checks it before reading, the command before parsing.
MAX_FIXTURE_BYTES = 1024 * 1024
TOO_BIG = "is larger than 1 MB; a fixture is the catalogue's text (its largest table is 7 KB)"


class DuplicateKey(yaml.YAMLError):
    """A mapping gives the same key twice. PyYAML's own loaders keep the last silently, so a second
    `processes:` would replace the first (and every process of the first would be deactivated)."""

    def __init__(self, key: object, line: int, entry: str | None):
        self.key, self.line, self.entry = key, line, entry
        super().__init__(f"line {line}: {key!r} is given twice")


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses a mapping with a repeated key (keys a `<<` merge brings in may
    still be overridden, as YAML intends)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    repeated = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: SafeLoader refuses it below with its own message
                    continue
                if repeated:
                    raise DuplicateKey(key, key_node.start_mark.line + 1, _mapping_entry(node))
        return super().construct_mapping(node, deep=deep)


def _mapping_entry(node) -> str | None:
    """The process a mapping is, named by its `key:` if it has a plain one."""
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == "key" and isinstance(value_node, yaml.ScalarNode):
            return f"process {value_node.value!r}"
    return None


def _refuse_duplicate_json_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"{repeated!r} is given twice in one object; a repeated key would silently replace the first")
    return dict(pairs)


class CatalogueError(Exception):
    """The fixtures are not valid; `problems` lists each one as 'file: entry: problem'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class LoadedTable:
    source: str
    table: CatalogueFile


def fixture_paths(paths: list[Path]) -> list[Path]:
    """Expand directories into their fixture files, sorted by name (the files' table order)."""
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in FIXTURE_SUFFIXES and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise CatalogueError([f"{path}: no such file or directory"])
    if not found:
        raise CatalogueError([f"{', '.join(map(str, paths))}: no fixture files (.yaml, .yml or .json)"])
    return found


def read_tables(named_texts: list[tuple[str, str]]) -> list[LoadedTable]:
    """Parse and validate (name, text) pairs; raise CatalogueError listing every problem found."""
    problems: list[str] = []
    tables: list[LoadedTable] = []
    for source, text in named_texts:
        # Also here, for any caller: a parser given 10 MB of text takes seconds before any rule can refuse it.
        if len(text) > MAX_FIXTURE_BYTES:
            problems.append(f"{source}: {TOO_BIG}")
            continue
        documents = _parse(source, text, problems)
        for label, document in documents:
            try:
                tables.append(LoadedTable(source, CatalogueFile.model_validate(document)))
            except ValidationError as exc:
                problems.extend(_describe(label, document, exc))
    if not problems:
        problems.extend(_cross_file_problems(tables))
    if problems:
        raise CatalogueError(problems)
    return tables


def read_paths(paths: list[Path]) -> list[LoadedTable]:
    named_texts = []
    for path in fixture_paths(paths):
        try:
            if path.stat().st_size > MAX_FIXTURE_BYTES:
                raise CatalogueError([f"{path}: {TOO_BIG}"])
            named_texts.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError([f"{path}: cannot be read: {exc}"]) from exc
    return read_tables(named_texts)


def _parse(source: str, text: str, problems: list[str]) -> list[tuple[str, object]]:
    """Return (label, document) pairs: one for a YAML table, one per table for an export."""
    if source.endswith(".json"):
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicate_json_keys)
        except json.JSONDecodeError as exc:
            problems.append(f"{source}: not valid JSON: {exc}")
            return []
        except ValueError as exc:
            problems.append(f"{source}: {exc}")
            return []
        except RecursionError:
            problems.append(f"{source}: {TOO_DEEP}")
            return []
        if shape := _shape_problem(data):
            problems.append(f"{source}: {shape}")
            return []
        if not isinstance(data, list):
            problems.append(f"{source}: an export is a list of tables")
            return []
        return [(f"{source}: table {index + 1}", _from_export(item)) for index, item in enumerate(data)]
    try:
        data = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except DuplicateKey as exc:
        problems.append(
            f"{source}: {exc.entry or 'file'}: line {exc.line}: {exc.key!r} is given twice; "
            "the second would silently replace the first, so give each key once"
        )
        return []
    except yaml.YAMLError as exc:
        problems.append(f"{source}: not valid YAML: {exc}")
        return []
    except RecursionError:
        problems.append(f"{source}: {TOO_DEEP}")
        return []
    if shape := _shape_problem(data):
        problems.append(f"{source}: {shape}")
        return []
    if not isinstance(data, dict):
        problems.append(f"{source}: a fixture is a mapping with area, version, effective_date and processes")
        return []
    return [(source, data)]


def _shape_problem(data: object) -> str | None:
    """Whether parsed fixture data is nested too deep or holds too many values, found by walking it
    without recursion and stopping at the limit (YAML aliases can make a small file hold millions)."""
    stack, seen = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if depth > MAX_NESTING:
            return TOO_DEEP
        if seen > MAX_VALUES:
            return TOO_MANY
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


def _from_export(item: object) -> object:
    """Turn one table of export_processes' JSON back into the fixture shape."""
    if not isinstance(item, dict):
        return item
    item = dict(item)
    area = {
        "key": item.pop("key", None),
        "number": item.pop("number", None),
        "title": item.pop("area", None),
        "preamble": item.pop("preamble", ""),
    }
    return {"area": area, **item}


# pydantic's wording ("String should match pattern '^[a-z0-9]+...'") said in plain words, by the error's
# type and its context (the limit, the choices); a type not here keeps pydantic's own message.
PLAIN_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "missing",
    "int_type": "must be a whole number, such as 1 (not true or false, not text)",
    "int_parsing": "must be a whole number, such as 1",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "float_type": "must be a number, such as 0.2",
    "float_parsing": "must be a number, such as 0.2",
    "string_type": "must be text",
    "list_type": "must be a list (each entry on its own line starting with a dash)",
    "dict_type": "must be a set of named values (key: value lines), not a single value",
    "model_type": "must be a set of named values (key: value lines), not a single value",
    "date_type": "must be a date, written YYYY-MM-DD, such as 2014-04-01",
    "date_parsing": "must be a date, written YYYY-MM-DD, such as 2014-04-01",
    "date_from_datetime_parsing": "must be a date, written YYYY-MM-DD, such as 2014-04-01",
    "decimal_parsing": "must be a number, such as 0.2",
}
KEY_PATTERN_WORDS = (
    "must be lower-case letters and digits, in words joined by single hyphens, such as cic-statutory-visits "
    "(no spaces, capitals or other characters)"
)


def _plain_message(error: dict) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if kind in PLAIN_MESSAGES:
        return PLAIN_MESSAGES[kind]
    if kind == "string_pattern_mismatch":
        is_key = context.get("pattern", "").startswith("^[a-z0-9]")
        return KEY_PATTERN_WORDS if is_key else "is not in the form expected"
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters long"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters long"
    if kind == "too_short":
        least = context.get("min_length", 1)
        return "must list at least one entry" if least == 1 else f"must list at least {least} entries"
    if kind == "too_long":
        return f"must list at most {context.get('max_length')} entries"
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        words = {
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
        }[kind]
        return f"must be {words[0]} {context.get(words[1])}"
    if kind in ("literal_error", "enum"):
        return f"must be one of {context.get('expected')}"
    return error["msg"].removeprefix("Value error, ")


def _describe(label: str, document: object, exc: ValidationError) -> list[str]:
    """One line per pydantic error, naming the process entry by its key where there is one."""
    lines = []
    for error in exc.errors():
        location = list(error["loc"])
        entry = "file"
        if len(location) >= 2 and location[0] == "processes" and isinstance(location[1], int):
            entry = _entry_name(document, location[1])
            location = location[2:]
        elif location and location[0] == "area":
            entry = "area"
            location = location[1:]
        field = ".".join(str(part) for part in location)
        message = _plain_message(error)
        lines.append(f"{label}: {entry}: {field + ': ' if field else ''}{message}")
    return lines


def _entry_name(document: object, index: int) -> str:
    try:
        entry = document["processes"][index]
        key = entry.get("key") if isinstance(entry, dict) else None
    except (KeyError, IndexError, TypeError):
        key = None
    return f"process {key!r}" if key else f"process #{index + 1}"


def _cross_file_problems(tables: list[LoadedTable]) -> list[str]:
    problems = []
    area_keys, area_numbers, process_keys = {}, {}, {}
    for loaded in tables:
        area = loaded.table.area
        if area.key in area_keys:
            problems.append(f"{loaded.source}: area: {area.key!r} is also in {area_keys[area.key]}")
        if area.number in area_numbers:
            problems.append(f"{loaded.source}: area: number {area.number} is also used by {area_numbers[area.number]}")
        area_keys[area.key] = loaded.source
        area_numbers[area.number] = loaded.source
        for entry in loaded.table.processes:
            if entry.key in process_keys:
                problems.append(
                    f"{loaded.source}: process {entry.key!r}: duplicate process, also in {process_keys[entry.key]}"
                )
            process_keys[entry.key] = loaded.source
    return problems
