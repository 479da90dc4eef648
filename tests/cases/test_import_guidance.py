"""The case import's guidance: a page that says what each column holds, in the same words as
docs/case-import.md, and a template CSV that the import accepts as it is."""

import csv
import io
import re
from pathlib import Path

import pytest

from cases.case_import import COLUMNS
from cases.import_guidance import GUIDE
from tests.cases.test_case_import import people, run, teams  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "case-import.md"


def docs_table() -> list[list[str]]:
    """The rows of the columns table in docs/case-import.md, backticks dropped."""
    section = DOCS.read_text().split("## The columns", 1)[1].split("\n\n")
    table = next(block for block in section if block.startswith("| column |"))
    rows = [line.strip().strip("|").split(" | ") for line in table.splitlines()[2:]]
    return [[cell.strip().replace("`", "") for cell in row] for row in rows]


def test_the_guidance_says_what_the_docs_say_column_for_column():
    assert [[g.column, g.required, g.format, g.example] for g in GUIDE] == docs_table()


def test_the_guidance_page_lists_every_column_with_what_it_holds_and_links_the_template(admin_client):
    page = admin_client.get("/cases/import/guidance/").content.decode()
    assert [re.sub(r"<.*?>", "", cell) for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page)] == list(
        COLUMNS
    )
    assert "YYYY-MM-DD, not in the future nor before date_of_birth" in page
    assert 'href="/cases/import/template.csv"' in page


def test_the_import_page_links_the_guidance_and_the_template(admin_client):
    page = admin_client.get("/cases/import/").content.decode()
    assert 'href="/cases/import/guidance/">How to prepare a case CSV</a>' in page
    assert 'href="/cases/import/template.csv"' in page


@pytest.mark.usefixtures("people")
def test_the_template_is_the_header_and_an_example_row_the_import_accepts(admin_client, tmp_path):
    response = admin_client.get("/cases/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="case-import-template.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))
    assert header == list(COLUMNS) and len(example) == len(COLUMNS)
    # With the team and people its example names (the import tests' cast), it imports as it is.
    path = tmp_path / "template.csv"
    path.write_text(text)
    assert run(path, dry_run=True) == "would import: 1 cases added, 0 updated, 0 unchanged; 1 episodes added, 0 updated"
