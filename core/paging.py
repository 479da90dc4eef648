"""Paging for the list pages: a page of rows, and the query string its links keep; keyset paging for a
list too long to OFFSET through (the due list); and the one reading of a whole number from a query string.

A number in a URL is what anyone can type, so it is read strictly: ASCII digits only, within range.
Python's `str.isdigit()` and `int()` accept more (superscripts, other scripts' digits, `²`, `٣`), and a
number past the database's integers (`99999999999999999999`) fails in the query; either was a 500.
"""

import re

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q

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
    """The request's query string without `page` (nor a keyset page's `after`/`before`): the filters and
    sort that the page links carry on."""
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
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


#
# Keyset paging: deep pages of a long list without OFFSET
#

# Pages reached by number (?page=1 to 20): an OFFSET of at most 950 rows. Past them the list goes on by
# keyset (?after= the last row's sort key), which reads one page's rows wherever it is in the list,
# where OFFSET reads, and throws away, every row before it.
OFFSET_PAGES = 20


class KeysetPage:
    """A page of a list sorted by (field, pk): a numbered page (the first OFFSET_PAGES), or the rows
    after or before a row's key. `previous_query`/`next_query` are the query-string parts of its links
    (None: no link). `paginator` counts the whole list (num_pages, object_list: all its rows)."""

    def __init__(self, paginator, object_list, *, number, previous_query, next_query):
        self.paginator, self.object_list, self.number = paginator, object_list, number
        self.previous_query, self.next_query = previous_query, next_query

    def has_other_pages(self) -> bool:
        return bool(self.previous_query or self.next_query)


def _cursor(rows, field: str, text):
    """`?after=`/`?before=` as (value of `field`, pk), or None for anything else (nonsense reads as no cursor)."""
    if not isinstance(text, str) or "." not in text:
        return None
    value, _, pk = text.rpartition(".")
    pk = query_number(pk, minimum=1)
    try:
        value = rows.model._meta.get_field(field).to_python(value)
    except ValidationError:  # a value the field refuses (not a date, say) is nonsense in a URL
        return None
    return (value, pk) if pk is not None and value is not None else None


def _key_of(row, field: str) -> str:
    value = getattr(row, field)
    return f"{value.isoformat() if hasattr(value, 'isoformat') else value}.{row.pk}"


def _beyond(field: str, cursor, direction: str) -> Q:
    """Rows after (gt) or before (lt) `cursor` in (field, pk) order. The leading `field >=`/`<=` bounds an
    index range on (field, id); the OR then only sorts out the rows sharing the cursor's value."""
    value, pk = cursor
    bound = "gte" if direction == "gt" else "lte"
    return Q(**{f"{field}__{bound}": value}) & (Q(**{f"{field}__{direction}": value}) | Q(**{f"pk__{direction}": pk}))


def keyset_page(request, rows, per_page: int, *, count: int, field: str) -> KeysetPage:
    """The page `?page=`, `?after=` or `?before=` asks for of `rows` (ordered by `field`, then pk).

    Numbered pages past OFFSET_PAGES read as the last numbered one; its "next" goes on by keyset."""
    paginator = Paginator(rows, per_page)
    paginator.count = count
    after, before = _cursor(rows, field, request.GET.get("after")), _cursor(rows, field, request.GET.get("before"))
    if after or before:
        if after:
            chunk = list(rows.filter(_beyond(field, after, "gt"))[: per_page + 1])
            has_previous, has_next = True, len(chunk) > per_page
            chunk = chunk[:per_page]
        else:
            chunk = list(rows.filter(_beyond(field, before, "lt")).reverse()[: per_page + 1])
            has_previous, has_next = len(chunk) > per_page, True
            chunk = chunk[:per_page][::-1]
        return KeysetPage(
            paginator,
            chunk,
            number=None,
            previous_query=f"before={_key_of(chunk[0], field)}" if chunk and has_previous else None,
            next_query=f"after={_key_of(chunk[-1], field)}" if chunk and has_next else None,
        )
    page = paginator.get_page(min(page_number(request), OFFSET_PAGES))
    chunk = list(page.object_list)
    if page.has_next():
        next_query = f"page={page.number + 1}" if page.number < OFFSET_PAGES else f"after={_key_of(chunk[-1], field)}"
    else:
        next_query = None
    return KeysetPage(
        paginator,
        chunk,
        number=page.number,
        previous_query=f"page={page.number - 1}" if page.has_previous() else None,
        next_query=next_query,
    )
