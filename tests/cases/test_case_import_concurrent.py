"""Two writers of the same new cases at once: the second gets plain words and writes nothing, not an
IntegrityError traceback. Transactional tests (real commits between two connections): no module data."""

import threading

import pytest
from django.db import connection, transaction

from cases import services
from cases.case_import import CaseImportPlan, case_import_plan
from cases.csv_files import CaseImportError
from cases.models import Case, Episode
from cases.services import case_import_apply
from tests.cases.test_case_import import GOOD, people, teams  # noqa: F401 (fixtures)

MEANWHILE = "these cases were added meanwhile (by another import or a person): "


def text() -> str:
    return GOOD.read_text(encoding="utf-8")


def history_rows() -> int:
    return Case.history.count() + Episode.history.count()


@pytest.mark.django_db
def test_cases_added_after_the_plan_was_made_are_named_and_nothing_else_is_written(people, monkeypatch):  # noqa: F811
    stale = case_import_plan(text(), source="cases.csv")
    case_import_apply(actor=people["admin"], plan=CaseImportPlan(source="other.csv", text=text()))
    written = (Case.objects.count(), Episode.objects.count(), history_rows())
    # The second writer's plan was made before the first committed: it still thinks every case is new.
    monkeypatch.setattr(services, "case_import_plan", lambda *args, **kwargs: stale)

    with pytest.raises(CaseImportError) as caught:
        case_import_apply(actor=people["admin"], plan=stale)

    assert caught.value.problems == [MEANWHILE + "C-0001, C-0002, C-0003; re-check the file"]
    assert (Case.objects.count(), Episode.objects.count(), history_rows()) == written


@pytest.mark.django_db(transaction=True)
def test_the_same_new_file_imported_twice_at_once_imports_once_and_tells_the_second_why(people):  # noqa: F811
    first_wrote, release = threading.Event(), threading.Event()
    failures = []

    def first_writer():
        try:
            with transaction.atomic():
                case_import_apply(actor=people["admin"], plan=CaseImportPlan(source="cases.csv", text=text()))
                first_wrote.set()
                release.wait(30)  # holds its uncommitted rows while the second writer starts
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            failures.append(exc)
            first_wrote.set()
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert first_wrote.wait(30)
    # The second writer's inserts wait on the first's unique references; the first then commits.
    threading.Timer(1.0, release.set).start()
    with pytest.raises(CaseImportError) as caught:
        case_import_apply(actor=people["admin"], plan=CaseImportPlan(source="cases.csv", text=text()))
    thread.join(30)

    assert failures == []
    assert caught.value.problems == [MEANWHILE + "C-0001, C-0002, C-0003; re-check the file"]
    assert Case.objects.count() == 3 and Episode.objects.count() == 3
    assert Case.history.filter(history_change_reason="Imported from cases.csv").count() == 3
