"""Managing a team (Team.manager) grants no case: the home page's "your team's" due items leave out an
item on a case outside the manager's scope, as the due list and the escalated items do."""

from datetime import date

import pytest

from cases.models import Case
from core.history import save_with_history
from processes.models import Process
from timeliness.models import DueItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def due_item(case, *, key, responsible) -> DueItem:
    return DueItem.objects.create(
        key=key,
        process=Process.objects.get(key="csc-sample-audit"),
        case=case,
        team=case.team,
        due_on=date(2026, 1, 1),
        responsible=responsible,
    )


def test_a_manager_of_a_team_whose_cases_they_do_not_see_is_not_shown_those_cases_due_items(client, cast):
    # tm.cic belongs to the children-in-care team; naming them the assessment team's manager gives
    # them that team's staff to manage, not its children's records.
    team = cast.teams["assessment"]
    team.manager = cast["tm.cic"]
    save_with_history(team, actor=cast["qa.admin"])
    hidden = cast.cases["assessment"]
    assert not Case.objects.for_user(cast["tm.cic"]).filter(pk=hidden.pk).exists()
    due_item(hidden, key="test:hidden", responsible=cast["sw.assessment"])
    due_item(cast.cases["cic"], key="test:own", responsible=cast["tm.cic"])
    client.force_login(cast["tm.cic"])
    page = client.get("/").content.decode()
    assert "CASE-C1" in page
    assert hidden.reference not in page


def test_a_team_manager_still_sees_their_own_teams_due_items(client, cast):
    due_item(cast.cases["assessment"], key="test:team", responsible=cast["sw.assessment"])
    client.force_login(cast["tm.assessment"])
    page = client.get("/").content.decode()
    assert "CASE-A1" in page
