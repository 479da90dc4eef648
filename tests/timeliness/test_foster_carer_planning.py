"""Due items about foster carers, planned from the register: a carer's review within a year of approval,
then a year after its last review (Fostering Services (England) Regulations 2011 reg 28(2)); the fostering
panel after its first review only; owed by its reviewing officer, else its supervising team's manager."""

from datetime import date

import pytest

from audits.services import audit_save, audit_start, audit_submit
from fostering.models import FosterCarer
from fostering.services import foster_carer_save
from processes import roles
from processes.models import Process
from processes.services import system_user
from tests.audits.test_services import complete
from tests.factories import user_with_roles
from timeliness.choices import DueStatus
from timeliness.models import DueItem
from timeliness.planning import plan_due_items

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

TODAY = date(2026, 12, 14)
REVIEWS, PANEL = "cic-reviews-of-foster-carers", "cic-fostering-panel"


@pytest.fixture
def officer(db):
    return user_with_roles("fostering.officer", roles.FOSTERING_REVIEWING_OFFICER)


def carer(cast, *, approved_on, officer=None, **fields):
    return foster_carer_save(
        actor=system_user(),
        carer=FosterCarer(
            reference=fields.pop("reference", "FC-1"),
            name="Mr and Mrs A Smith",
            approved_on=approved_on,
            supervising_team=cast.teams["cic"],
            reviewing_officer=officer,
            **fields,
        ),
    )


def items(key, household):
    return list(DueItem.objects.filter(process__key=key, foster_carer=household).order_by("due_on"))


def review(actor, household, held_on, key=REVIEWS):
    audit = audit_start(actor=actor, process=Process.objects.get(key=key), foster_carer=household)
    audit_save(actor=actor, audit=audit, **complete(audit, fields={"held_on": held_on}))
    return audit_submit(actor=actor, audit=audit)


def test_a_carers_first_review_falls_due_a_year_after_approval_owed_by_its_reviewing_officer(cast, officer):
    household = carer(cast, approved_on=date(2026, 2, 2), officer=officer)
    plan_due_items(today=TODAY, horizon_days=90)
    (item,) = items(REVIEWS, household)
    assert item.due_on == date(2027, 2, 2)
    assert (item.responsible, item.responsible_role.key) == (officer, roles.FOSTERING_REVIEWING_OFFICER)
    assert (item.team, item.case, item.status) == (cast.teams["cic"], None, DueStatus.OPEN)
    assert item.key == f"carer:{item.process_id}:{household.pk}:approval"


def test_with_no_reviewing_officer_the_review_is_the_supervising_teams_managers_with_no_role(cast):
    household = carer(cast, approved_on=date(2026, 2, 2))
    plan_due_items(today=TODAY, horizon_days=90)
    (item,) = items(REVIEWS, household)
    assert (item.responsible, item.responsible_role) == (cast["tm.cic"], None)


def test_a_review_beyond_the_horizon_waits_and_planning_twice_adds_nothing(cast, officer):
    household = carer(cast, approved_on=date(2026, 6, 1), officer=officer)
    plan_due_items(today=TODAY, horizon_days=90)
    assert items(REVIEWS, household) == []
    plan_due_items(today=TODAY, horizon_days=200)
    assert plan_due_items(today=TODAY, horizon_days=200) == 0
    assert [item.due_on for item in items(REVIEWS, household)] == [date(2027, 6, 1)]


def test_deregistered_and_on_hold_carers_are_not_planned(cast, officer):
    carer(cast, approved_on=date(2026, 2, 2), officer=officer, status="deregistered", ended_on=date(2026, 9, 1))
    carer(cast, approved_on=date(2026, 2, 2), officer=officer, status="on_hold", reference="FC-2")
    plan_due_items(today=TODAY, horizon_days=90)
    assert not DueItem.objects.filter(foster_carer__isnull=False).exists()


def test_a_submitted_review_meets_the_item_and_plans_the_next_a_year_after_it_and_the_panel(cast, officer):
    household = carer(cast, approved_on=date(2026, 2, 2), officer=officer)
    plan_due_items(today=TODAY, horizon_days=90)
    audit = review(officer, household, date(2026, 11, 30))
    first, following = items(REVIEWS, household)
    assert (first.status, first.satisfied_by, first.completed_on) == (DueStatus.DONE, audit, date(2026, 11, 30))
    # Planned in the submission's transaction, however far ahead: a year after the review was held.
    assert (following.due_on, following.status, following.responsible) == (date(2027, 11, 30), DueStatus.OPEN, officer)
    (panel,) = items(PANEL, household)
    assert panel.due_on == date(2027, 1, 30)  # the local default: two months after the first review
    assert panel.key == f"carer:{panel.process_id}:{household.pk}:after:{audit.pk}"


def test_only_the_first_review_goes_to_the_panel(cast, officer):
    household = carer(cast, approved_on=date(2025, 2, 3), officer=officer)
    review(officer, household, date(2026, 1, 12))
    review(officer, household, date(2026, 11, 23))
    plan_due_items(today=TODAY, horizon_days=400)
    assert len(items(PANEL, household)) == 1
    reviews = items(REVIEWS, household)
    assert [item.due_on for item in reviews if item.status == DueStatus.OPEN] == [date(2027, 11, 23)]


def test_a_record_about_another_carer_meets_nothing_of_this_one(cast, officer):
    household = carer(cast, approved_on=date(2026, 2, 2), officer=officer)
    other = carer(cast, approved_on=date(2026, 2, 2), officer=officer, reference="FC-2")
    plan_due_items(today=TODAY, horizon_days=90)
    review(officer, other, date(2026, 11, 30))
    assert [item.status for item in items(REVIEWS, household)] == [DueStatus.OPEN]


def test_an_approval_before_the_authority_started_here_plans_the_first_review_not_before_that_day(
    cast, officer, settings
):
    settings.DUE_PLANNING_FROM = date(2026, 10, 1)
    household = carer(cast, approved_on=date(2020, 11, 16), officer=officer)
    plan_due_items(today=TODAY, horizon_days=90)
    # The yearly dates from the approval: 16 November 2021, ... 2025, then 16 November 2026, the first
    # not before 1 October 2026 (the reviews before it were kept before the portal).
    assert [item.due_on for item in items(REVIEWS, household)] == [date(2026, 11, 16)]
