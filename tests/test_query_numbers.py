"""A number in a query string is what anyone can type: no page answers 500 to one that is not ASCII
digits or is past the database's integers. A page number that is nonsense gives the first page; an id
filter that is nonsense is the filter's plain "not a valid choice" message; a `?case=` that is no case
id offers no case (core.paging.query_number reads them all)."""

import pytest
from django.db import transaction

from audits.filtersets import AuditFilterSet
from cases.filtersets import AccessLogFilterSet, CaseFilterSet
from tests.test_access_matrix import MATRIX, OK, placeholders
from timeliness.filtersets import DueItemFilterSet
from workforce.filtersets import StaffFilterSet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

HOSTILE = ["²", "٣", "99999999999999999999", "9" * 5000]
READERS = ["qa.admin", "hos", "tm.assessment"]


def get(client, url):
    with transaction.atomic():  # a database error must not spoil the requests after it
        return client.get(url)


def with_param(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


# The pages of the access matrix that take no record's id (the lists, the dashboard, the exports), read
# by a role they answer. One test walks them all: one cast, not one per page.
PAGES = [
    row
    for row in MATRIX
    if row.method == "get" and not placeholders(row.template) and any(row.expected[role] == OK for role in READERS)
]


def test_no_page_fails_on_a_page_number_that_is_not_ascii_digits_or_out_of_range(client, cast):
    for row in PAGES:
        role = next(role for role in READERS if row.expected[role] == OK)
        client.force_login(cast[role])
        for value in HOSTILE:
            response = get(client, with_param(row.template, "page", value))
            assert response.status_code == OK, f"?page={value[:20]} on {row.label}"
            if response.context and response.context.get("page_obj") is not None:
                assert response.context["page_obj"].number == 1


def id_filters(filterset_class) -> list[str]:
    """The filters of a list that name a row by its id (the model choices without a to_field_name)."""
    return [
        name
        for name, field in filterset_class.base_filters.items()
        if "queryset" in field.extra and not field.extra.get("to_field_name")
    ]


LISTS = {
    "/cases/": CaseFilterSet,
    "/cases/export.csv": CaseFilterSet,
    "/access-log/": AccessLogFilterSet,
    "/audits/": AuditFilterSet,
    "/audits/export.csv": AuditFilterSet,
    "/due/": DueItemFilterSet,
    "/due/export.csv": DueItemFilterSet,
    "/workforce/staff/": StaffFilterSet,
}


def test_every_list_here_has_id_filters_to_try():
    # (The process list filters by a role's key, not an id: nothing to try there.)
    assert all(id_filters(filterset) for filterset in LISTS.values())


def test_an_id_filter_that_is_not_ascii_digits_or_out_of_range_is_a_plain_message(client, cast):
    client.force_login(cast["qa.admin"])
    for url, name in [(url, name) for url, filterset in LISTS.items() for name in id_filters(filterset)]:
        for value in HOSTILE:
            response = get(client, with_param(url, name, value))
            assert response.status_code in (200, 400), f"?{name}={value[:20]} on {url}"
            if not url.endswith(".csv") and response.context.get("filterset") is not None:
                assert "not one of the available choices" in str(response.context["filterset"].form.errors[name])


@pytest.mark.parametrize(
    "url,name,value",
    [
        ("/dashboard/", "team", "²"),
        ("/dashboard/", "team", "99999999999999999999"),
        ("/dashboard/export.csv?table=trends", "team", "٣"),
    ],
)
def test_the_dashboards_team_filter_refuses_nonsense_plainly(client, cast, url, name, value):
    client.force_login(cast["hos"])
    assert get(client, with_param(url, name, value)).status_code == 400


@pytest.mark.parametrize("value", HOSTILE)
def test_a_case_offered_to_a_new_record_that_is_no_case_id_offers_none(client, cast, value):
    client.force_login(cast["tm.assessment"])
    response = get(client, with_param("/audits/new/csc-sample-audit/", "case", value))
    assert response.status_code == 200
    assert response.context["form"].initial.get("case") is None
    response = get(client, with_param("/audits/new/", "case", value))
    assert response.status_code == 200
    assert "?case=" not in response.content.decode()


def test_a_case_offered_by_its_id_is_still_chosen(client, cast):
    client.force_login(cast["tm.assessment"])
    case = cast.cases["assessment"]
    response = get(client, f"/audits/new/csc-sample-audit/?case={case.pk}")
    assert response.context["form"].initial["case"] == case
    assert f"?case={case.pk}" in get(client, f"/audits/new/?case={case.pk}").content.decode()
