"""Paging for the list pages: a page of rows, and the query string its links keep; and the one reading of
a whole number from a query string.

A number in a URL is what anyone can type, so it is read strictly: ASCII digits only, within range.
Python's `str.isdigit()` and `int()` accept more (superscripts, other scripts' digits, `²`, `٣`), and a
number past the database's integers (`99999999999999999999`) fails in the query; either was a 500.
"""

import re

from django.core.paginator import Page, Paginator

# The largest id or page a query string may name: PostgreSQL's integer (a bigint id is never this large
# here, and a page this far on is past the end of any list).
QUERY_NUMBER_MAX = 2**31 - 1
ASCII_DIGITS = re.compile(r"[0-9]+")


def query_number(value, *, minimum: int = 0, maximum: int = QUERY_NUMBER_MAX) -> int | None:
    """`value` as a whole number when it is ASCII digits within [minimum, maximum]; otherwise None."""
    if not isinstance(value, str) or not ASCII_DIGITS.fullmatch(value) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def page_number(request) -> int:
    """The page `?page=` asks for: 1 for nonsense (not ASCII digits, 0, out of range)."""
    return query_number(request.GET.get("page"), minimum=1) or 1


def page_query(request) -> str:
    """The request's query string without `page`: the filters and sort that the page links carry on."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_of(request, rows, per_page: int, *, count: int | None = None) -> Page:
    """The page `?page=` asks for (the last for a number past the end, the first for nonsense).

    `count`, when the caller has already counted the rows (e.g. with another figure in one query),
    spares the paginator its own COUNT(*).
    """
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(page_number(request))


class ForgivingPaginationMixin:
    """For a ListView: `?page=` as page_of reads it (nonsense gives the first page, a number past the end
    the last), where Django's own paging answers 404 for either."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        page = paginator.get_page(page_number(self.request))
        return paginator, page, page.object_list, page.has_other_pages()
