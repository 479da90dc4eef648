"""The case pages have one scoping point: CaseScopedMixin narrows the view's queryset with
Case.objects.for_user() once per request, and the views shape that queryset rather than scope again."""

import pytest

from cases.querysets import CaseQuerySet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


@pytest.fixture
def scoping_calls(monkeypatch):
    """Every call of Case.objects.for_user() during a test, as (user, shape)."""
    calls = []
    original = CaseQuerySet.for_user

    def counted(self, user, action="view", *, shape="in", **options):
        calls.append((user.username, shape))
        return original(self, user, action, shape=shape, **options)

    monkeypatch.setattr(CaseQuerySet, "for_user", counted)
    return calls


def case_paths(cast):
    case = cast.cases["assessment"]
    return [
        "/cases/",
        "/cases/?q=CASE",
        "/cases/?sort=team",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/history/",
        "/cases/export.csv",
        "/cases/export.csv?status=open",
    ]


@pytest.mark.parametrize("role", ["tm.assessment", "sw.assessment", "chair", "hos"])
def test_each_case_page_scopes_its_cases_once_per_request(client, cast, scoping_calls, role):
    client.force_login(cast[role])
    for path in case_paths(cast):
        scoping_calls.clear()
        assert client.get(path).status_code == 200, path
        assert [username for username, _ in scoping_calls] == [role], path


def test_the_unfiltered_list_asks_the_scope_for_the_exists_shape_and_the_rest_for_in(client, cast, scoping_calls):
    client.force_login(cast["tm.assessment"])
    expected = {
        "/cases/": "exists",
        "/cases/?sort=-reference&page=1": "exists",
        "/cases/?q=CASE": "in",
        "/cases/?sort=born": "in",
        "/cases/export.csv": "in",
        f"/cases/{cast.cases['assessment'].pk}/": "in",
    }
    for path, shape in expected.items():
        scoping_calls.clear()
        assert client.get(path).status_code == 200, path
        assert [shape for _, shape in scoping_calls] == [shape], path


def test_a_case_outside_the_scope_is_not_found_on_its_pages(client, cast):
    client.force_login(cast["tm.yos"])
    case = cast.cases["assessment"]
    for path in (f"/cases/{case.pk}/", f"/cases/{case.pk}/history/"):
        assert client.get(path).status_code == 404, path
    assert case.reference not in client.get("/cases/export.csv").getvalue().decode()
