"""The one way tests count queries: capture a block's (or a page's) queries, then assert their number.

small = queries_for(client, "/cases/")          # GET, assert 200, keep its queries
... add 10,000 cases ...
assert_queries(small, queries_for(client, "/cases/"))  # the same number, or both SQL lists printed

with Queries() as captured:                     # any block
    ...
assert_queries(7, captured)
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


class Queries(CaptureQueriesContext):
    """The queries run inside the `with` block on the default database: len() is their number."""

    def __init__(self, using=connection):
        super().__init__(using)

    @property
    def sql(self) -> list[str]:
        return [query["sql"] for query in self.captured_queries]

    def listing(self) -> str:
        return "\n".join(f"{n:3}. {sql}" for n, sql in enumerate(self.sql, start=1))


def queries_for(client, path: str, *, status: int = 200) -> Queries:
    """GET `path` with `client`, assert its status, and return the queries the request ran."""
    with Queries() as queries:
        response = client.get(path)
        if response.streaming:
            # A streamed download (a CSV) reads its rows as it is sent: they are the request's too.
            response.getvalue()
    assert response.status_code == status, f"GET {path} answered {response.status_code}"
    return queries


def assert_queries(expected: "int | Queries", actual: Queries, what: str = "") -> None:
    """`actual` ran `expected` queries: a number, or as many as another capture (the same page, smaller).

    On failure the message holds the SQL of each capture, so the extra (or missing) query shows."""
    count = expected if isinstance(expected, int) else len(expected)
    if len(actual) == count:
        return
    lines = [f"{what or 'the block'} ran {len(actual)} queries, expected {count}", "", "ran:", actual.listing()]
    if not isinstance(expected, int):
        lines += ["", "expected (the capture compared with):", expected.listing()]
    raise AssertionError("\n".join(lines))
