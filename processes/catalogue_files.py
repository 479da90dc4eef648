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
            named_texts.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError([f"{path}: cannot be read: {exc}"]) from exc
    return read_tables(named_texts)


def _parse(source: str, text: str, problems: list[str]) -> list[tuple[str, object]]:
    """Return (label, document) pairs: one for a YAML table, one per table for an export."""
    if source.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{source}: not valid JSON: {exc}")
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
        data = yaml.safe_load(text)
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
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "missing"
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
