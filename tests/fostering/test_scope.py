"""Who sees which foster carers (fostering.scope), and the register's pages and admin.

The cast's roles: service-wide roles see every carer; team roles their team's; chairs, IROs and
scrutiny none. The fostering service's own roles (its reviewing officer, the panel advisor) see every
carer, whichever team supervises it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from fostering.models import FosterCarer
from fostering.scope import may_see_foster_carers
from fostering.services import foster_carer_save
from processes import roles
from processes.services import system_user
from tests.factories import UserFactory, user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


@pytest.fixture
def carers(cast):
    actor = system_user()

    def carer(reference, team):
        return foster_carer_save(
            actor=actor,
            carer=FosterCarer(
                reference=reference, name=f"Household {reference}", approved_on=date(2023, 4, 3), supervising_team=team
            ),
        )

    return {"cic": carer("FC-C", cast.teams["cic"]), "assessment": carer("FC-A", cast.teams["assessment"])}


def seen(user):
    return set(FosterCarer.objects.for_user(user).values_list("reference", flat=True))


def test_service_wide_roles_see_every_carer(cast, carers):
    assert seen(cast["hos"]) == seen(cast["qa.admin"]) == {"FC-C", "FC-A"}


def test_team_roles_see_the_carers_their_team_supervises(cast, carers):
    assert seen(cast["tm.cic"]) == {"FC-C"}
    assert seen(cast["sw.assessment"]) == seen(cast["tm.assessment"]) == {"FC-A"}
    assert seen(cast["tm.yos"]) == set()


def test_chairs_iros_and_scrutiny_see_no_carer_and_are_refused_the_register(cast, carers):
    for name in ("chair", "iro", "scrutiny"):
        assert seen(cast[name]) == set()
        assert not may_see_foster_carers(cast[name])


@pytest.mark.parametrize("role", [roles.FOSTERING_REVIEWING_OFFICER, roles.PANEL_ADVISOR])
def test_the_fostering_services_own_roles_see_every_carer_without_a_team(carers, role):
    officer = user_with_roles("fostering.role", role)
    assert seen(officer) == {"FC-C", "FC-A"}
    assert may_see_foster_carers(officer)


def test_someone_with_no_role_sees_no_carer(carers):
    assert seen(UserFactory(username="nobody.here")) == set()


def test_a_carer_is_saved_with_its_history_and_a_deregistered_one_needs_its_end_date(cast, carers):
    carer = carers["cic"]
    assert carer.history.get().history_change_reason == "Added"
    carer.status = "deregistered"
    with pytest.raises(ValidationError):
        foster_carer_save(actor=cast["qa.admin"], carer=carer, reason="Resigned")
    carer.ended_on = date(2026, 10, 30)
    foster_carer_save(actor=cast["qa.admin"], carer=carer, reason="Resigned")
    latest = carer.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "deregistered",
        cast["qa.admin"],
        "Resigned",
    )


def test_the_list_shows_only_the_carers_in_scope(client, cast, carers):
    client.force_login(cast["tm.cic"])
    page = client.get("/fostering/carers/").content.decode()
    assert "Household FC-C" in page and "Household FC-A" not in page


#
# The admin: QA administrators add carers; nothing is deleted
#


@pytest.fixture
def qa_admin_client(client, cast):
    admin = cast["qa.admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    return client


def test_a_qa_administrator_adds_a_carer_in_the_admin_with_a_reason_in_its_history(qa_admin_client, cast):
    response = qa_admin_client.post(
        "/admin/fostering/fostercarer/add/",
        {
            "reference": "FC-NEW",
            "name": "Ms B Jones",
            "approved_on": "2026-02-02",
            "approval_kind": "short_breaks",
            "status": "approved",
            "ended_on": "",
            "supervising_team": cast.teams["cic"].pk,
            "reviewing_officer": "",
            "change_reason": "Approved at panel on 2 February 2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    carer = FosterCarer.objects.get(reference="FC-NEW")
    latest = carer.history.get()
    assert (latest.history_user, latest.history_change_reason) == (
        cast["qa.admin"],
        "Approved at panel on 2 February 2026",
    )


def test_a_carer_cannot_be_deleted_in_the_admin(qa_admin_client, carers):
    carer = carers["cic"]
    url = f"/admin/fostering/fostercarer/{carer.pk}/delete/"
    assert qa_admin_client.get(url).status_code == 403
    assert qa_admin_client.post(url, {"post": "yes"}).status_code == 403
    assert FosterCarer.objects.filter(pk=carer.pk).exists()
