"""Paging for the list pages: a page of rows, and the query string its links keep."""

from django.core.paginator import Page, Paginator


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
    return paginator.get_page(request.GET.get("page"))
