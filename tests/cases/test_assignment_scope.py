"""Scope follows assignments: an assigned-scope role reaches the cases it holds a live assignment on, of
whatever role (chair, IRO, PEP officer, panel advisor, agency decision maker, YOT case manager, personal
adviser), from the assignment's first day to its last, and no other case."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_assigned
from cases.services import assignment_end, assignment_grants_resync, assignment_start
from processes.models import Role
from tests.factories import user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

TODAY = timezone.localdate()


def visible(user) -> set[str]:
    user = get_user_model().objects.get(pk=user.pk)  # fresh: no cached scopes
    return set(Case.objects.for_user(user).values_list("reference", flat=True))


def assign(cast, case_key: str, role_key: str, user, *, start=TODAY):
    role = Role.objects.get(key=role_key)
    return assignment_start(case=cast.cases[case_key], role=role, user=user, start=start, actor=cast["qa.admin"])


def test_an_iro_assigned_to_a_child_sees_the_case(cast):
    assign(cast, "assessment", "iro", cast["iro"])
    assert visible(cast["iro"]) == {"CASE-A1", "CASE-C1"}


def test_after_the_iros_assignment_ends_they_no_longer_see_the_case(cast):
    held = assign(cast, "assessment", "iro", cast["iro"], start=TODAY - timedelta(days=10))
    assignment_end(assignment=held, end=TODAY - timedelta(days=1), actor=cast["qa.admin"])
    assert visible(cast["iro"]) == {"CASE-C1"}


def test_an_assignment_that_ends_by_its_date_loses_its_grant_at_the_nightly_resync(cast):
    held = assign(cast, "assessment", "iro", cast["iro"], start=TODAY - timedelta(days=10))
    assignment_end(assignment=held, end=TODAY, actor=cast["qa.admin"])
    assert visible(cast["iro"]) == {"CASE-C1"} | {"CASE-A1"}  # their last day

    assert assignment_grants_resync(on=TODAY + timedelta(days=1)) == 1
    assert visible(cast["iro"]) == {"CASE-C1"}


def test_an_assignment_from_tomorrow_grants_nothing_until_the_nightly_resync_on_the_day(cast):
    assign(cast, "yos", "iro", cast["iro"], start=TODAY + timedelta(days=1))
    assert visible(cast["iro"]) == {"CASE-C1"}

    assignment_grants_resync(on=TODAY + timedelta(days=1))
    assert visible(cast["iro"]) == {"CASE-C1", "CASE-Y1"}


def test_the_nightly_resync_changes_nothing_where_the_grants_already_match(cast):
    assert assignment_grants_resync(on=TODAY) == 0


@pytest.mark.parametrize(
    "role_key",
    ["pep-officer", "panel-advisor", "agency-decision-maker", "yot-case-manager", "personal-adviser"],
)
def test_a_holder_of_an_assigned_role_sees_only_the_children_they_are_assigned(cast, role_key):
    holder = user_with_roles(f"holder.{role_key}", role_key)
    other = user_with_roles(f"other.{role_key}", role_key)
    assert visible(holder) == set()

    assign(cast, "cic", role_key, holder)
    assign(cast, "yos", role_key, other)

    assert visible(holder) == {"CASE-C1"}
    assert visible(other) == {"CASE-Y1"}


def test_a_role_no_child_is_assigned_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValidationError, match="not a role a child is assigned"):
        assign(cast, "cic", "team-manager", cast["tm.assessment"])
    assert not cast.cases["cic"].assignments.filter(user=cast["tm.assessment"]).exists()
    assert visible(cast["tm.assessment"]) == {"CASE-A1", "CASE-A2"}


def test_an_assignment_cannot_end_before_it_starts(cast):
    held = cast.cases["cic"].assignments.get(user=cast["iro"])
    with pytest.raises(ValidationError):
        assignment_end(assignment=held, end=held.start - timedelta(days=1), actor=cast["qa.admin"])
    held.refresh_from_db()
    assert held.end is None


def test_every_assignment_write_keeps_history_with_who_and_why(cast):
    held = assign(cast, "assessment", "pep-officer", cast["iro"], start=TODAY - timedelta(days=3))
    assignment_end(assignment=held, end=TODAY - timedelta(days=1), actor=cast["hos"], reason="Moved school")
    assert [(row.history_type, row.history_user, row.history_change_reason) for row in held.history.all()] == [
        ("~", cast["hos"], "Moved school"),
        ("+", cast["qa.admin"], "Assigned as Personal Educational Plan Officer"),
    ]


def test_the_case_page_lists_who_is_assigned_since_when(cast, client):
    assign(cast, "cic", "pep-officer", cast["chair"], start=TODAY - timedelta(days=2))
    assert [(held.role.key, held.user.username) for held in case_assigned(cast.cases["cic"])] == [
        ("iro", "iro"),
        ("pep-officer", "chair"),
    ]
    client.force_login(cast["tm.cic"])
    page = client.get(cast.cases["cic"].get_absolute_url()).content.decode()
    assert "Assigned" in page and "Personal Educational Plan Officer" in page
    assert f"since {cast.cases['cic'].assignments.get(user=cast['iro']).start:%-d %B %Y}" in page


def test_the_nightly_planning_task_first_takes_away_the_grants_of_assignments_past_their_end(cast):
    from timeliness.tasks import plan_due_items_nightly

    held = cast.cases["cic"].assignments.get(user=cast["iro"])
    held.end = TODAY - timedelta(days=1)  # as an import of yesterday's end would leave it until the night
    held.save()
    assert visible(cast["iro"]) == {"CASE-C1"}

    plan_due_items_nightly.apply()
    assert visible(cast["iro"]) == set()
