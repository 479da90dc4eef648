import datetime
from unittest import mock

from django.utils import timezone

from core.csv_export import csv_response


def test_it_writes_the_header_then_the_rows_as_utf8_csv():
    response = csv_response("cases", ["reference", "name"], [["C1", "Zoë, Smith"], ["C2", ""]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == 'reference,name\r\nC1,"Zoë, Smith"\r\nC2,\r\n'.encode()


def test_it_names_the_attachment_with_the_local_time_and_forbids_storing_it():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6))
    with mock.patch("core.csv_export.timezone.localtime", return_value=moment):
        response = csv_response("audits", ["id"], [])
    assert response["Content-Disposition"] == 'attachment; filename="audits-20260304-0506.csv"'
    assert response["Cache-Control"] == "no-store"


def test_it_can_keep_a_plain_file_name_and_no_cache_header():
    response = csv_response("due-items", ["id"], iter([[1]]), stamped=False, no_store=False)
    assert response["Content-Disposition"] == 'attachment; filename="due-items.csv"'
    assert not response.has_header("Cache-Control")
    assert response.content == b"id\r\n1\r\n"
