"""The due list (/due/), its CSV, and the home page's due sections: who sees which items, and how many
queries a page costs."""

import csv
import io
from datetime import date

import pytest

from cases.models import Case, CaseAssignment
from processes.models import Process, Role
from processes.roles import IRO
from tests.queries import assert_queries, queries_for
from timeliness.choices import DueStatus
from timeliness.models import DueItem
from timeliness.planning import plan_due_items

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 14)
# Who sees which cases' items (tests/cast.py): by the case references they may see.
SCOPES = {
    "qa.admin": {"CASE-A1", "CASE-A2", "CASE-C1", "CASE-Y1"},
    "hos": {"CASE-A1", "CASE-A2", "CASE-C1", "CASE-Y1"},
    "tm.assessment": {"CASE-A1", "CASE-A2"},
    "tm.cic": {"CASE-C1"},
    "tm.yos": {"CASE-Y1"},
    "sw.assessment": {"CASE-A1", "CASE-A2"},  # a social worker sees their team's cases
    "chair": {"CASE-A1"},
    "iro": {"CASE-C1"},
}


@pytest.fixture
def planned(cast):
    plan_due_items(today=TODAY, horizon_days=90)
    return cast


# Anonymous visitors and scrutiny (403) on the due list and its CSV: tests/timeliness/test_views_access.py.


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_the_due_list_shows_only_the_users_scope(client, planned, username):
    client.force_login(planned[username])
    response = client.get("/due/?status=open")
    assert response.status_code == 200
    shown = {item.case.reference for item in response.context["page_obj"].paginator.object_list}
    assert shown == SCOPES[username]
    assert shown == set(Case.objects.for_user(planned[username]).values_list("reference", flat=True))


@pytest.mark.parametrize("username", ["tm.assessment", "iro", "hos"])
def test_the_csv_holds_only_what_the_user_may_see(client, planned, username):
    client.force_login(planned[username])
    response = client.get("/due/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert rows
    assert {row["subject"] for row in rows} == SCOPES[username]
    assert len(rows) == sum(1 for _ in DueItem.objects.filter(case__reference__in=SCOPES[username]))
    assert not any("Child CASE-" in value for row in rows for value in row.values())  # references, never names


def test_the_list_filters_by_overdue_and_process(client, planned):
    client.force_login(planned["hos"])
    response = client.get("/due/?overdue=on&process=cic-statutory-visits")
    items = list(response.context["page_obj"].paginator.object_list)
    assert items and all(item.process.key == "cic-statutory-visits" for item in items)
    assert all(item.status == DueStatus.OPEN and item.due_on < date.today() for item in items)


def test_the_home_page_shows_the_users_due_items_with_a_link_to_record_them(client, planned):
    client.force_login(planned["sw.assessment"])
    response = client.get("/")
    items = response.context["due_items"]
    assert items and all(item.responsible == planned["sw.assessment"] for item in items)
    assert [item.due_on for item in items] == sorted(item.due_on for item in items)
    case = planned.cases["assessment"]
    visit = next(item for item in items if item.process.key == "voice-child-protection-visits")
    link = f'href="/audits/new/voice-child-protection-visits/?case={case.pk}&amp;due={visit.pk}"'
    assert link in response.getvalue().decode()
    assert response.context["team_due"] is None


def test_a_team_manager_sees_their_teams_items_and_overdue_count(client, planned):
    client.force_login(planned["tm.cic"])
    response = client.get("/")
    team_due = response.context["team_due"]
    open_items = DueItem.objects.filter(team=planned.teams["cic"], status=DueStatus.OPEN)
    assert team_due["total"] == open_items.count()
    assert team_due["overdue"] == open_items.filter(due_on__lt=date.today()).count() > 0
    assert len(team_due["items"]) == min(20, team_due["total"])
    assert "Your team&#x27;s" in response.getvalue().decode() or "Your team's" in response.getvalue().decode()


def _bulk_items(cast, count):
    process = Process.objects.get(key="cic-statutory-visits")
    case = cast.cases["cic"]
    DueItem.objects.bulk_create(
        [
            DueItem(
                key=f"test:{n}",
                process=process,
                case=case,
                team=case.team,
                due_on=date(2026, 1, 1),
                responsible=cast["tm.cic"],
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )


@pytest.mark.parametrize("path", ["/due/", "/due/?page=2&status=open", "/"])
def test_the_query_count_is_the_same_at_10_and_10000_items(client, cast, path):
    client.force_login(cast["tm.cic"])
    _bulk_items(cast, 10 if "page" not in path else 60)
    client.get(path)  # the first request fills per-process caches (content types): not the page's cost
    small = queries_for(client, path)
    DueItem.objects.all().delete()
    _bulk_items(cast, 10_000)
    assert_queries(small, queries_for(client, path), path)


def _escalate(cast, count, *, to):
    """`count` overdue items of sw.assessment, each escalated to `to` (a sent escalation row)."""
    from django.utils import timezone

    from timeliness.choices import ReminderStage
    from timeliness.models import Reminder

    process = Process.objects.get(key="cic-statutory-visits")
    items = DueItem.objects.bulk_create(
        [
            DueItem(key=f"esc:{n}", process=process, due_on=date(2026, 1, 1), responsible=cast["sw.assessment"])
            for n in range(count)
        ],
        batch_size=2_000,
    )
    Reminder.objects.bulk_create(
        [
            Reminder(due_item=item, stage=ReminderStage.ESCALATED, recipient=to, sent_at=timezone.now())
            for item in items
        ],
        batch_size=2_000,
    )
    return items


def test_the_home_page_shows_what_was_escalated_to_me_as_its_own_section(client, cast):
    items = _escalate(cast, 3, to=cast["tm.assessment"])
    DueItem.objects.filter(pk=items[0].pk).update(status=DueStatus.CANCELLED)  # no longer owed: not shown

    client.force_login(cast["tm.assessment"])
    response = client.get("/")
    assert [item.pk for item in response.context["escalated_due"]] == [items[1].pk, items[2].pk]
    html = response.getvalue().decode()
    assert 'id="escalated-to-you"' in html
    assert "/due/?mine=escalated&amp;status=open" in html

    client.force_login(cast["sw.assessment"])  # responsible for them, but nothing was escalated to them
    response = client.get("/")
    assert response.context["escalated_due"] == []
    assert 'id="escalated-to-you"' not in response.getvalue().decode()


def test_an_item_escalated_on_a_case_outside_my_scope_stays_off_my_home_page(client, cast):
    inside, outside = _escalate(cast, 2, to=cast["tm.assessment"])
    DueItem.objects.filter(pk=inside.pk).update(case=cast.cases["assessment"])
    DueItem.objects.filter(pk=outside.pk).update(case=cast.cases["cic"])  # another team's child

    client.force_login(cast["tm.assessment"])
    response = client.get("/")
    assert [item.pk for item in response.context["escalated_due"]] == [inside.pk]
    assert cast.cases["cic"].reference not in response.getvalue().decode()


def test_the_home_pages_escalated_section_costs_the_same_queries_at_10_and_5000_items(client, cast):
    client.force_login(cast["hos"])
    _escalate(cast, 10, to=cast["hos"])
    client.get("/")  # the first request fills per-process caches (content types): not the page's cost
    small = queries_for(client, "/")
    assert len(client.get("/").context["escalated_due"]) == 10
    from timeliness.models import Reminder

    Reminder.objects.all().delete()
    DueItem.objects.all().delete()
    _escalate(cast, 5_000, to=cast["hos"])
    assert_queries(small, queries_for(client, "/"), "the home page at 5,000 items")
    assert len(client.get("/").context["escalated_due"]) == 20


def test_the_csv_names_the_role_nobody_holds_for_the_child_where_the_item_waits_with_the_manager(client, planned):
    # The IRO of CASE-C1 leaves and nobody replaces them: the reviews wait with the team's manager.
    CaseAssignment.objects.filter(case=planned.cases["cic"], role__key=IRO).delete()
    plan_due_items(today=TODAY, horizon_days=90)
    client.force_login(planned["hos"])
    rows = list(csv.DictReader(io.StringIO(client.get("/due/export.csv").getvalue().decode())))
    unassigned = {str(pk): name or "" for pk, name in DueItem.objects.values_list("pk", "unassigned_role__name")}
    assert {row["id"]: row["No one assigned as"] for row in rows} == unassigned
    iro = Role.objects.get(key=IRO).name
    waiting = [row for row in rows if row["No one assigned as"] == iro]
    assert waiting and all(row["subject"] == "CASE-C1" and row["responsible"] for row in waiting)
    assert any(row["No one assigned as"] == "" for row in rows)
