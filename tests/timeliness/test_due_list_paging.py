"""The due list's paging: numbered pages for the first OFFSET_PAGES, then keyset pages (?after=, ?before=
the sort key of a row) that show exactly the rows the numbered pages would, without OFFSET."""

import re
from datetime import date, timedelta

import pytest

from processes.models import Process
from tests.queries import assert_queries, queries_for
from timeliness.models import DueItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

PER_PAGE = 50


@pytest.fixture
def listed(cast, monkeypatch):
    """220 items of the CIC team over a few days (several share each due date), seen by tm.cic; numbered
    pages stop at 2, so pages 3 on are keyset pages."""
    monkeypatch.setattr("core.paging.OFFSET_PAGES", 2)
    process = Process.objects.get(key="cic-statutory-visits")
    case = cast.cases["cic"]
    DueItem.objects.bulk_create(
        [
            DueItem(
                key=f"paging:{n}",
                process=process,
                case=case,
                team=case.team,
                due_on=date(2026, 1, 1) + timedelta(days=n % 7),
                responsible=cast["tm.cic"],
            )
            for n in range(220)
        ]
    )
    return cast


def _ids(response):
    return [item.pk for item in response.context["items"]]


def _link(response, rel):
    found = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode())
    return found and found.group(1).replace("&amp;", "&")


def _all_ids():
    return list(DueItem.objects.order_by("due_on", "pk").values_list("pk", flat=True))


def test_following_next_from_the_last_numbered_page_goes_on_by_keyset_through_every_row(client, listed):
    client.force_login(listed["tm.cic"])
    seen, query = [], "page=1"
    while query:
        response = client.get(f"/due/?{query}")
        seen += _ids(response)
        query = _link(response, "next")
        if len(seen) > 2 * PER_PAGE:
            assert query is None or query.startswith("after=")
    assert seen == _all_ids()


def test_previous_from_a_keyset_page_shows_the_rows_before_it(client, listed):
    client.force_login(listed["tm.cic"])
    everything = _all_ids()
    page_3 = client.get(f"/due/?{_link(client.get('/due/?page=2'), 'next')}")
    assert _ids(page_3) == everything[2 * PER_PAGE : 3 * PER_PAGE]
    page_4 = client.get(f"/due/?{_link(page_3, 'next')}")
    back = client.get(f"/due/?{_link(page_4, 'prev')}")
    assert _ids(back) == _ids(page_3)
    assert page_3.context["page_obj"].number is None  # no "Page 3 of 5": a keyset page has no number


def test_a_page_number_past_the_numbered_pages_shows_the_last_numbered_page(client, listed):
    client.force_login(listed["tm.cic"])
    assert _ids(client.get("/due/?page=4")) == _all_ids()[PER_PAGE : 2 * PER_PAGE]


@pytest.mark.parametrize("cursor", ["nonsense", "2026-13-01.5", "2026-01-01.x", "2026-01-01.-3", ".7"])
def test_a_nonsense_cursor_shows_the_first_page(client, listed, cursor):
    client.force_login(listed["tm.cic"])
    assert _ids(client.get(f"/due/?after={cursor}")) == _all_ids()[:PER_PAGE]


def test_the_filters_carry_on_through_keyset_pages_and_the_cursor_does_not_reach_the_export_link(client, listed):
    client.force_login(listed["tm.cic"])
    page_2 = client.get("/due/?status=open&page=2")
    query = _link(page_2, "next")
    assert query.startswith("status=open&after=")
    html = client.get(f"/due/?{query}").content.decode()
    assert 'href="/due/export.csv?status=open"' in html


def test_a_deep_keyset_page_costs_the_queries_of_a_first_page(client, listed):
    client.force_login(listed["tm.cic"])
    client.get("/due/")  # the first request fills per-process caches (content types): not the page's cost
    first = queries_for(client, "/due/")
    deep = DueItem.objects.order_by("due_on", "pk")[200]
    assert_queries(first, queries_for(client, f"/due/?after={deep.due_on.isoformat()}.{deep.pk}"), "a keyset page")
