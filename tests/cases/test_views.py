"""Case pages: what each role sees, the access log, and a fixed number of queries at any size."""

import csv
import io
from datetime import date

import pytest
from django.db import connection

from cases.choices import AccessAction
from cases.models import AccessLogEntry, Case, CaseGroupObjectPermission, Episode
from tests.queries import assert_queries, queries_for
from tests.testing import ListViewTests, ObjectViewTests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def references(response) -> set[str]:
    return {case.reference for case in response.context["object_list"]}


#
# The four answers (tests/testing.py): sign in, 403, 404 outside the scope, 200 in it
#


class CasePageTests(ObjectViewTests):
    url = "/cases/{obj.pk}/"
    user_in_scope = "tm.assessment"
    user_without_permission = "scrutiny"  # board and scrutiny roles reach no child's case

    def object_in_scope(self, cast):
        return cast.cases["assessment"]

    def object_out_of_scope(self, cast):
        return cast.cases["cic"]

    def marker(self, obj):
        return obj.reference


class TestCaseDetail(CasePageTests):
    pass


class TestCaseHistory(CasePageTests):
    url = "/cases/{obj.pk}/history/"


class TestCaseList(CasePageTests, ListViewTests):
    url = "/cases/"


class TestCaseExport(CasePageTests, ListViewTests):
    url = "/cases/export.csv"


#
# Who sees which cases
#


@pytest.mark.parametrize(
    "role,expected",
    [
        ("tm.assessment", {"CASE-A1", "CASE-A2"}),
        ("sw.assessment", {"CASE-A1", "CASE-A2"}),
        ("tm.cic", {"CASE-C1"}),
        ("tm.yos", {"CASE-Y1"}),
        ("chair", {"CASE-A1"}),
        ("iro", {"CASE-C1"}),
        ("hos", {"CASE-A1", "CASE-A2", "CASE-C1", "CASE-Y1"}),
        ("qa.admin", {"CASE-A1", "CASE-A2", "CASE-C1", "CASE-Y1"}),
    ],
)
def test_the_case_list_shows_exactly_the_cases_in_the_users_scope(client, cast, role, expected):
    client.force_login(cast[role])
    assert references(client.get("/cases/")) == expected


def test_the_export_holds_exactly_the_cases_in_the_users_scope(client, cast):
    client.force_login(cast["tm.cic"])
    response = client.get("/cases/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["reference"] for row in rows] == ["CASE-C1"]
    assert response["Content-Type"].startswith("text/csv")


def test_a_transfer_moves_access_to_the_new_team(client, cast):
    from cases.services import case_transfer

    case = cast.cases["assessment_unchaired"]
    case_transfer(actor=cast["qa.admin"], case=case, team=cast.teams["cic"])
    client.force_login(cast["tm.assessment"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    client.force_login(cast["tm.cic"])
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    groups = set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group_id", flat=True))
    assert groups == {cast.teams["cic"].group_id}


def test_the_transfer_is_recorded_in_history_with_the_acting_user(cast):
    from cases.services import case_transfer

    case = cast.cases["assessment_unchaired"]
    case_transfer(actor=cast["qa.admin"], case=case, team=cast.teams["cic"])
    latest = case.history.first()
    assert latest.history_user == cast["qa.admin"]
    assert latest.history_change_reason == "Transferred to Children in Care Team"


#
# Filters, search and sorting
#


def test_search_finds_a_case_by_reference_or_name(client, cast):
    client.force_login(cast["hos"])
    assert references(client.get("/cases/", {"q": "CASE-C"})) == {"CASE-C1"}
    assert references(client.get("/cases/", {"q": "child case-y1"})) == {"CASE-Y1"}


def test_filters_by_team_worker_episode_and_status(client, cast):
    client.force_login(cast["hos"])
    assert references(client.get("/cases/", {"team": cast.teams["yos"].pk})) == {"CASE-Y1"}
    assert references(client.get("/cases/", {"worker": cast["sw.assessment"].pk})) == {"CASE-A1"}
    assert references(client.get("/cases/", {"episode": "looked_after"})) == {"CASE-C1"}
    assert references(client.get("/cases/", {"status": "closed"})) == set()


def test_the_worker_filter_offers_no_one_who_can_no_longer_sign_in(client, cast):
    leaver = cast["sw.assessment"]
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    client.force_login(cast["hos"])
    offered = {user.pk for user in client.get("/cases/").context["filterset"].form.fields["worker"].queryset}
    assert leaver.pk not in offered
    assert cast["tm.cic"].pk in offered


def test_a_closed_episode_does_not_count_as_open(client, cast):
    Episode.objects.filter(case=cast.cases["cic"]).update(end=date(2026, 2, 1))
    client.force_login(cast["hos"])
    assert references(client.get("/cases/", {"episode": "looked_after"})) == set()


def test_sorting_by_team_then_reversing_it(client, cast):
    client.force_login(cast["hos"])
    ascending = [c.team.name for c in client.get("/cases/", {"sort": "team"}).context["object_list"]]
    descending = [c.team.name for c in client.get("/cases/", {"sort": "-team"}).context["object_list"]]
    assert ascending == sorted(ascending)
    assert descending == sorted(ascending, reverse=True)


#
# The access log
#


def test_viewing_a_case_page_writes_who_which_case_what_and_when(client, cast):
    client.force_login(cast["tm.assessment"])
    client.get(f"/cases/{cast.cases['assessment'].pk}/")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.case, entry.action) == (
        cast["tm.assessment"],
        cast.cases["assessment"],
        AccessAction.VIEWED,
    )
    assert entry.at is not None


def test_viewing_the_history_and_exporting_are_logged_too(client, cast):
    client.force_login(cast["tm.cic"])
    client.get(f"/cases/{cast.cases['cic'].pk}/history/")
    client.get("/cases/export.csv", {"q": "Child"})
    actions = list(AccessLogEntry.objects.order_by("pk").values_list("action", "path"))
    assert actions == [
        (AccessAction.VIEWED_HISTORY, f"/cases/{cast.cases['cic'].pk}/history/"),
        (AccessAction.EXPORTED, "/cases/export.csv"),
    ]


def test_a_refused_case_page_writes_nothing_to_the_log(client, cast):
    client.force_login(cast["tm.yos"])
    client.get(f"/cases/{cast.cases['assessment'].pk}/")
    assert AccessLogEntry.objects.count() == 0


def test_the_access_log_page_shows_references_not_childrens_names(client, cast):
    client.force_login(cast["hos"])
    client.get(f"/cases/{cast.cases['yos'].pk}/")
    client.force_login(cast["qa.admin"])
    content = client.get("/access-log/").getvalue().decode()
    assert "CASE-Y1" in content
    assert "Child CASE-Y1" not in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_an_access_log_entry(client, cast):
    from django.db import DatabaseError, transaction

    # As the application role the privileges refuse first (tests/core/test_database_roles.py); as a
    # single role that owns the table, the trigger does.
    refused = "append-only|permission denied"
    client.force_login(cast["hos"])
    client.get(f"/cases/{cast.cases['yos'].pk}/")
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        AccessLogEntry.objects.update(path="/elsewhere/")
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.count() == 1


#
# History page
#


def test_the_history_page_lists_who_changed_what(client, cast):
    case = cast.cases["cic"]
    case.language = "Welsh"
    from cases.services import case_save

    case_save(actor=cast["tm.cic"], case=case, reason="Language recorded at visit")
    client.force_login(cast["tm.cic"])
    history = client.get(f"/cases/{case.pk}/history/").context["history"]
    assert history[0]["changes"] == ["Case: Language"]
    assert history[0]["user"] == cast["tm.cic"]
    assert history[0]["reason"] == "Language recorded at visit"


#
# Fixed query counts
#


def add_cases(team, count: int):
    """Bulk cases with their team grant and an open episode (the list's prefetch has work to do)."""
    from cases.services import view_case_permission

    start = Case.objects.count()
    cases = Case.objects.bulk_create(
        Case(reference=f"BULK-{start + n:06d}", child_name="Bulk", date_of_birth=date(2016, 1, 1), team=team)
        for n in range(count)
    )
    permission = view_case_permission()
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(content_object=case, group_id=team.group_id, permission=permission) for case in cases
    )
    Episode.objects.bulk_create(Episode(case=case, kind="child_in_need", start=date(2026, 1, 5)) for case in cases)


@pytest.mark.parametrize("role", ["tm.assessment", "hos"])
def test_the_case_list_runs_the_same_number_of_queries_at_ten_and_ten_thousand_cases(client, cast, role):
    client.force_login(cast[role])
    add_cases(cast.teams["assessment"], 8)
    at_ten = queries_for(client, "/cases/")
    add_cases(cast.teams["assessment"], 9_990)
    assert_queries(at_ten, queries_for(client, "/cases/"), "the case list at 10,000 cases")


def test_the_case_page_runs_the_same_number_of_queries_however_many_episodes(client, cast):
    case = cast.cases["assessment"]
    client.force_login(cast["tm.assessment"])
    few = queries_for(client, f"/cases/{case.pk}/")
    Episode.objects.bulk_create(Episode(case=case, kind="child_in_need", start=date(2025, 1, d)) for d in range(1, 29))
    assert_queries(few, queries_for(client, f"/cases/{case.pk}/"), "the case page with 29 episodes")


def test_the_access_log_date_filter_keeps_the_local_day_by_comparing_the_timestamp_uncast(client, cast):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(cast["hos"])
    client.get(f"/cases/{cast.cases['yos'].pk}/")
    today = timezone.localdate()
    client.force_login(cast["qa.admin"])

    def shown(since, until):
        response = client.get("/access-log/", {"since": since.isoformat(), "until": until.isoformat()})
        return [entry.case.reference for entry in response.context["object_list"]]

    assert shown(today, today) == ["CASE-Y1"]
    assert shown(today + timedelta(days=1), today + timedelta(days=1)) == []
    assert shown(today - timedelta(days=1), today - timedelta(days=1)) == []
    sql = str(client.get("/access-log/", {"since": today.isoformat()}).context["object_list"].query)
    assert "::date" not in sql and "cast_date" not in sql.lower()
