import pytest
from django.test import RequestFactory

from core.paging import QUERY_NUMBER_MAX, page_of, page_query, query_number


def test_it_keeps_every_parameter_but_the_page_in_the_page_query():
    request = RequestFactory().get("/cases/", {"q": "Ann Lee", "team": ["1", "2"], "page": "3"})
    assert page_query(request) == "q=Ann+Lee&team=1&team=2"


def test_it_gives_the_asked_page_and_the_last_one_past_the_end():
    assert list(page_of(RequestFactory().get("/", {"page": "2"}), range(10), 4).object_list) == [4, 5, 6, 7]
    assert page_of(RequestFactory().get("/", {"page": "99"}), range(10), 4).number == 3
    assert page_of(RequestFactory().get("/", {"page": "x"}), range(10), 4).number == 1


def test_it_trusts_a_count_given_rather_than_counting_again():
    class Uncountable(list):
        def __len__(self):
            raise AssertionError("counted again")

    page = page_of(RequestFactory().get("/"), Uncountable(range(10)), 4, count=10)
    assert page.paginator.num_pages == 3


def test_a_page_that_is_not_ascii_digits_or_is_out_of_range_gives_the_first_page():
    for nonsense in ("²", "٣", "99999999999999999999", "0", "-1", "1.5", " 2", "2 ", "0x2", "", "9" * 5000):
        assert page_of(RequestFactory().get("/", {"page": nonsense}), range(10), 4).number == 1, nonsense


@pytest.mark.parametrize(
    "value,expected",
    [
        ("7", 7),
        ("007", 7),
        (str(QUERY_NUMBER_MAX), QUERY_NUMBER_MAX),
        (str(QUERY_NUMBER_MAX + 1), None),
        ("99999999999999999999", None),
        ("²", None),
        ("٣", None),  # an Arabic-Indic three: int() reads it, a query number may not
        ("１", None),  # a full-width one
        ("-3", None),
        ("+3", None),
        ("3.0", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),  # past Python's own limit on converting digits, without asking it
    ],
)
def test_a_query_number_is_ascii_digits_within_range(value, expected):
    assert query_number(value) == expected


def test_a_query_number_may_have_a_minimum():
    assert query_number("0", minimum=1) is None
    assert query_number("1", minimum=1) == 1
