"""Reusable view tests, in the spirit of NetBox's utilities/testing/views.py (ViewTestCases).

Every page answers the same four ways: anonymous -> sign in; no permission -> 403; outside the user's
scope -> 404 (or, for a list, not listed); in scope -> 200. A write leaves exactly one history row,
recorded against the user who made it. An app's test class only supplies the hooks:

    class TestCaseDetail(ObjectViewTests):
        url = "/cases/{obj.pk}/"
        user_in_scope = "tm.assessment"          # a demo role of tests/cast.py
        user_without_permission = "scrutiny"

        def object_in_scope(self, cast):
            return cast.cases["assessment"]

        def object_out_of_scope(self, cast):
            return cast.cases["cic"]

The mixins compose (NetBox's ViewTestCases do the same): a page with no permission to hold (every
signed-in user may read it) leaves out PermissionTests; a page with no scope leaves out ScopeTests.
Each test method takes the `client` and `cast` fixtures; other fixtures a class needs come through
pytest.mark.usefixtures on the class or the module (the recording pages need "catalogue_once").
"""

import pytest

SIGN_IN = "/accounts/login/?next="


class ViewTestBase:
    """The hooks every mixin reads. `url` is formatted with obj= the hook's object (None if it has none)."""

    # The tests only read the cast or write inside their own savepoint: it is built once per module
    # (tests/conftest.py cast_once), each test getting a fresh copy. Pytest inherits class marks.
    pytestmark = [pytest.mark.usefixtures("cast_once")]

    url: str = ""
    # Methods the access tests try. A write page adds "post"; an endpoint answering POST only has ("post",).
    methods: tuple[str, ...] = ("get",)
    user_in_scope: str = ""
    user_without_permission: str = ""
    # Methods the scope test tries (by default `methods`).
    scope_methods: tuple[str, ...] = ()
    # What the page answers the user in scope (200; a write endpoint with no page of its own answers 302).
    ok_status: int = 200

    def object_in_scope(self, cast):
        return None

    def object_out_of_scope(self, cast):
        raise NotImplementedError

    def object_without_permission(self, cast):
        """The object the user without permission is refused (by default the one in scope)."""
        return self.object_in_scope(cast)

    def url_for(self, obj) -> str:
        return self.url.format(obj=obj)

    def form_data(self, cast, obj) -> dict:
        return {}

    def marker(self, obj) -> str | None:
        """Text the page shows for `obj` (None: the page's content is not checked)."""
        return None

    def history_rows(self, cast, obj):
        """The history rows a write may add (a queryset); None when the page writes nothing kept."""
        return None

    def send(self, client, method, url, cast, obj):
        if method == "post":
            return client.post(url, self.form_data(cast, obj))
        return getattr(client, method)(url)

    def history_ids(self, cast, obj) -> set[int]:
        rows = self.history_rows(cast, obj)
        return set() if rows is None else set(rows.values_list("history_id", flat=True))


class SignInTests(ViewTestBase):
    def test_it_sends_anonymous_visitors_to_sign_in(self, client, cast):
        obj = self.object_in_scope(cast)
        url = self.url_for(obj)
        before = self.history_ids(cast, obj)
        for method in self.methods:
            response = self.send(client, method, url, cast, obj)
            assert response.status_code == 302, f"anonymous {method.upper()} {url}"
            assert response["Location"].startswith(SIGN_IN), response["Location"]
        assert self.history_ids(cast, obj) == before, "an anonymous visitor wrote history"


class PermissionTests(ViewTestBase):
    def test_it_refuses_a_user_without_permission(self, client, cast):
        obj = self.object_without_permission(cast)
        url = self.url_for(obj)
        before = self.history_ids(cast, obj)
        client.force_login(cast[self.user_without_permission])
        for method in self.methods:
            response = self.send(client, method, url, cast, obj)
            assert response.status_code == 403, f"{self.user_without_permission} {method.upper()} {url}"
        assert self.history_ids(cast, obj) == before, "a refused user wrote history"


class ScopeTests(ViewTestBase):
    def assert_hidden(self, response, obj):
        assert response.status_code == 404

    def test_it_hides_an_object_outside_the_users_scope(self, client, cast):
        obj = self.object_out_of_scope(cast)
        url = self.url_for(obj)
        before = self.history_ids(cast, obj)
        client.force_login(cast[self.user_in_scope])
        for method in self.scope_methods or self.methods:
            self.assert_hidden(self.send(client, method, url, cast, obj), obj)
        assert self.history_ids(cast, obj) == before, "a write reached an object outside the scope"


class ShowTests(ViewTestBase):
    def assert_shown(self, response, obj):
        assert response.status_code == self.ok_status
        marker = self.marker(obj)
        if marker is not None:
            assert marker in response.getvalue().decode()

    def test_it_shows_an_object_in_scope(self, client, cast):
        obj = self.object_in_scope(cast)
        client.force_login(cast[self.user_in_scope])
        self.assert_shown(self.send(client, self.methods[0], self.url_for(obj), cast, obj), obj)


class HistoryTests(ViewTestBase):
    """A write (POST of `form_data`) by the user in scope: one history row, theirs."""

    methods = ("get", "post")
    write_status = 302

    def write_url(self, obj) -> str:
        return self.url_for(obj)

    def test_a_write_keeps_one_history_row(self, client, cast):
        obj = self.object_in_scope(cast)
        user = cast[self.user_in_scope]
        before = self.history_ids(cast, obj)
        client.force_login(user)
        response = client.post(self.write_url(obj), self.form_data(cast, obj))
        assert response.status_code == self.write_status, response.getvalue().decode()[:2000]
        rows = self.history_rows(cast, obj).exclude(history_id__in=before)
        assert [row.history_user for row in rows] == [user]


class ObjectViewTests(SignInTests, PermissionTests, ScopeTests, ShowTests):
    """A page about one object: the four answers."""


class ListScopeTests(ScopeTests):
    """For a list (or export): out of scope means not listed. `url` takes no object; `marker` is required."""

    def assert_hidden(self, response, obj):
        assert response.status_code == self.ok_status
        assert self.marker(obj) not in response.getvalue().decode()


class ListViewTests(ListScopeTests, ObjectViewTests):
    """A list (or export) behind a permission: the four answers, out of scope meaning not listed."""


class WriteViewTests(ObjectViewTests, HistoryTests):
    """A form page that writes: the four answers for GET and POST, and one history row for a write."""
