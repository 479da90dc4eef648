from django.test import RequestFactory

from core.paging import page_of, page_query


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
