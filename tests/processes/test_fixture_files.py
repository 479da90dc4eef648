"""The process fixtures are the support tool, word for word.

These tests read the fixture files and the seed (fixtures/seed/, the support tool word for word) as text
and need no database. The seed's tables are parsed here, so a process that is missing, misspelt or split
differently from the printed row fails a test that names it.
"""

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from processes.fixture_schema import CatalogueFile, ProcessEntry
from processes.roles import ALL_MANAGERS, ROLES_BY_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIR = PROJECT_ROOT / "fixtures" / "processes"
SEED = PROJECT_ROOT / "fixtures" / "seed" / "quality-assurance-in-childrens-social-care.txt"

AREA_KEYS = [
    "strategic-overview",
    "childrens-social-care-overview",
    "safe-and-competent-workforce",
    "voice-of-the-child",
    "voice-of-the-child-in-service-development",
    "advice-and-assessment",
    "children-in-care",
    "youth-offending-service",
    "sixteen-plus-service",
]
PROCESSES_PER_TABLE = [8, 8, 11, 6, 5, 11, 13, 11, 5]

# Leads whose roles cannot be read from the printed words: the reading is recorded in docs/fixtures.md.
READINGS = {"Joint": {"social-worker", "team-manager"}}

TABLE_HEADING = re.compile(r"^(?P<numeral>i|ii|iii|iv|v|vi|vii|viii|ix)\. (?P<title>.+)$", re.MULTILINE)
COLUMN_HEADER = "Process Lead Responsibility Required Outcome"
# Within a row, a column ends at a space on the same line or at a blank line.
COLUMN_BREAK = r"(?: |\n\n)"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


#
# Reading the files
#


@cache
def fixture_files() -> list[Path]:
    return sorted(FIXTURE_DIR.glob("*.yaml"))


@cache
def catalogue() -> list[CatalogueFile]:
    return [CatalogueFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in fixture_files()]


@cache
def seed_tables() -> list[dict]:
    """The nine tables of the seed: numeral, title, preamble and body (the rows, as printed)."""
    text = SEED.read_text(encoding="utf-8")
    headings = list(TABLE_HEADING.finditer(text))
    end_of_last = text.index("\nEnd", headings[-1].end())
    tables = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else end_of_last
        preamble, body = text[heading.end() : end].split(COLUMN_HEADER, 1)
        tables.append(
            {
                "numeral": heading["numeral"],
                "title": heading["title"],
                "preamble": preamble.strip(),
                "body": body.strip(),
            }
        )
    return tables


def row_start(entry: ProcessEntry) -> str:
    return re.escape(entry.name) + COLUMN_BREAK + re.escape(entry.lead) + r"(?: |\n\n|$)"


def outcome_columns(body: str, entries: list[ProcessEntry]) -> list[str]:
    """Cut a table's body into rows at each process's name and lead; return each row's outcome column.

    Row k runs from its name to the line where row k+1's name and lead begin, or to the end of the table,
    so the outcome columns together with the names and leads cover the whole table.
    """
    columns, position = [], 0
    for index, entry in enumerate(entries):
        start = re.compile(row_start(entry)).match(body, position)
        assert start, f"{entry.key}: the row does not begin with {entry.name!r} and {entry.lead!r} as printed"
        if index + 1 < len(entries):
            following = entries[index + 1]
            next_row = re.compile(r"\n+(?=" + row_start(following) + ")").search(body, start.end())
            assert next_row, f"{following.key}: no row {following.name!r} {following.lead!r} after {entry.key}"
            columns.append(body[start.end() : next_row.start()])
            position = next_row.end()
        else:
            columns.append(body[start.end() :])
    return columns


def tables_with_rows():
    for table, catalogue_file in zip(seed_tables(), catalogue(), strict=True):
        yield table, catalogue_file, outcome_columns(table["body"], catalogue_file.processes)


def all_processes() -> list[ProcessEntry]:
    return [entry for catalogue_file in catalogue() for entry in catalogue_file.processes]


#
# The files
#


def test_there_is_one_valid_file_per_table_of_the_support_tool():
    assert SEED.is_file(), f"the seed is missing: {SEED}"
    assert len(fixture_files()) == 9
    assert len(catalogue()) == 9  # every file parses and validates


def test_the_files_follow_the_tables_in_order_with_their_headings_as_printed():
    tables = seed_tables()
    assert [table["numeral"] for table in tables] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
    for number, (table, catalogue_file) in enumerate(zip(tables, catalogue(), strict=True), start=1):
        area = catalogue_file.area
        assert area.number == number
        assert area.key == AREA_KEYS[number - 1]
        assert area.title == table["title"]
        assert area.preamble == table["preamble"]


def test_every_process_of_the_support_tool_is_in_the_fixtures():
    assert [len(catalogue_file.processes) for catalogue_file in catalogue()] == PROCESSES_PER_TABLE
    assert len(all_processes()) == 78
    # Cutting each table at the fixtures' rows leaves nothing over: a row missing from a file would stay
    # inside the previous row's outcome column and fail the outcome tests below.
    for _table, catalogue_file, columns in tables_with_rows():
        assert len(columns) == len(catalogue_file.processes)


def test_process_keys_are_unique_across_all_files():
    counts = Counter(entry.key for entry in all_processes())
    assert [key for key, count in counts.items() if count > 1] == []


def test_names_and_leads_are_printed_word_for_word():
    for table, catalogue_file, _columns in tables_with_rows():
        for entry in catalogue_file.processes:
            assert entry.name in table["body"], entry.key
            assert entry.lead in table["body"], entry.key
            assert entry.name == entry.name.strip() and entry.lead == entry.lead.strip(), entry.key


def test_each_outcome_paragraph_is_its_outcomes_joined_by_a_space():
    for _table, catalogue_file, columns in tables_with_rows():
        for entry, column in zip(catalogue_file.processes, columns, strict=True):
            paragraphs = PARAGRAPH_BREAK.split(column.strip())
            remaining = list(entry.outcomes)
            for paragraph in paragraphs:
                assert "\n" not in paragraph, f"{entry.key}: a paragraph runs over a line: {paragraph!r}"
                pieces = []
                while remaining and len(" ".join(pieces)) < len(paragraph):
                    pieces.append(remaining.pop(0))
                assert " ".join(pieces) == paragraph, f"{entry.key}: {pieces!r} is not {paragraph!r}"
            assert remaining == [], f"{entry.key}: outcomes not printed in its row: {remaining!r}"


def test_no_outcome_has_spaces_at_its_ends():
    for entry in all_processes():
        for outcome in entry.outcomes:
            assert outcome == outcome.strip(), entry.key


#
# Interpretation
#


def role_phrases(key: str) -> tuple[str, ...]:
    if key == ALL_MANAGERS:
        return ("All Managers",)
    role = ROLES_BY_KEY[key]
    return (role.name, *role.aliases)


@pytest.mark.parametrize("entry", all_processes(), ids=lambda entry: entry.key)
def test_every_lead_role_can_be_read_in_its_lead_text(entry):
    if entry.lead in READINGS:
        assert set(entry.lead_roles) == READINGS[entry.lead]
        return
    for key in entry.lead_roles:
        assert any(phrase in entry.lead for phrase in role_phrases(key)), f"{key} not named in {entry.lead!r}"


def test_sample_rates_are_given_where_the_table_prints_one_and_nowhere_else():
    for entry in all_processes():
        printed = re.match(r"(\d+)% random sample", entry.lead, re.IGNORECASE)
        assert entry.sample_rate == (int(printed[1]) / 100 if printed else None), entry.key


def test_a_schedule_started_by_another_record_names_a_process_that_exists():
    keys = {entry.key for entry in all_processes()}
    for entry in all_processes():
        if entry.schedule and entry.schedule.clock == "record_of":
            assert entry.schedule.after_process in keys, entry.key
            assert entry.schedule.after_process != entry.key


def test_former_names_are_not_names_in_use():
    names = {entry.name for entry in all_processes()}
    for entry in all_processes():
        assert not names & set(entry.former_names), entry.key
