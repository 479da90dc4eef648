"""import_foster_carers: the register from a CSV file, checked in full first, one transaction, idempotent."""

import io

import pytest
from django.core.management import CommandError, call_command

from fostering.models import FosterCarer
from processes import roles
from tests.factories import user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

HEADER = "reference,name,approved_on,approval_kind,status,ended_on,supervising_team,reviewing_officer\n"


@pytest.fixture
def officer(db):
    return user_with_roles("fostering.officer", roles.FOSTERING_REVIEWING_OFFICER)


def run(tmp_path, text, *args) -> str:
    path = tmp_path / "carers.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_foster_carers", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_adds_carers_then_a_second_import_changes_nothing(tmp_path, cast, officer):
    text = (
        HEADER
        + "FC-1,Mr and Mrs A Smith,2024-05-01,,,,Children in Care Team,fostering.officer\n"
        + "FC-2,Ms B Jones,2025-01-13,short_breaks,deregistered,2026-09-30,Children in Care Team,\n"
    )
    assert run(tmp_path, text).strip() == "2 added, 0 changed, 0 unchanged"
    smith = FosterCarer.objects.get(reference="FC-1")
    assert (smith.reviewing_officer, smith.approval_kind, smith.status) == (officer, "general", "approved")
    assert smith.history.get().history_change_reason == "import_foster_carers"
    assert run(tmp_path, text).strip() == "0 added, 0 changed, 2 unchanged"
    assert FosterCarer.history.count() == 2


def test_a_dry_run_counts_and_writes_nothing(tmp_path, cast):
    text = HEADER + "FC-1,Mr and Mrs A Smith,2024-05-01,,,,Children in Care Team,\n"
    assert run(tmp_path, text, "--dry-run").strip() == "would import: 1 added, 0 changed, 0 unchanged"
    assert not FosterCarer.objects.exists()


def test_every_problem_is_named_by_line_and_nothing_is_written(tmp_path, cast):
    text = (
        HEADER
        + "FC-1,Mr and Mrs A Smith,2024-05-01,,,,Children in Care Team,\n"
        + "FC-2,Ms B Jones,13/01/2025,,,,Children in Care Team,\n"
        + "FC-3,Mr C Brown,2025-01-13,,,,No Such Team,\n"
        + "FC-4,Ms D Green,2025-01-13,,,,Children in Care Team,tm.cic\n"
        + "FC-1,Again,2025-01-13,,,,Children in Care Team,\n"
    )
    with pytest.raises(CommandError) as raised:
        run(tmp_path, text)
    message = str(raised.value)
    assert "line 3: approved_on '13/01/2025' is not a date" in message
    assert "line 4: supervising_team 'No Such Team' is no active team" in message
    assert "line 5: reviewing_officer 'tm.cic' holds no reviewing officer's role" in message
    assert "line 6: reference 'FC-1' is on an earlier line too" in message
    assert not FosterCarer.objects.exists()
