"""The journey facts in the admin site: read-only, never deleted, and only the facts of cases in the
viewer's scope."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from journeys.models import Detention, Placement
from journeys.services import facts_record
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


@pytest.fixture
def placements(cast):
    facts_record(
        [
            Placement(case=cast.cases["cic"], start=date(2025, 1, 6)),
            Placement(case=cast.cases["assessment"], start=date(2025, 2, 3)),
        ],
        actor=None,
        reason="test",
    )
    return {placement.case.reference: placement for placement in Placement.objects.select_related("case")}


@pytest.fixture
def superuser_client(client, cast):
    # A superuser who is a QA administrator (every case in scope): if even they cannot change or delete,
    # nobody can.
    admin = cast["qa.admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_a_superuser_with_no_role_sees_no_childs_facts(client, placements):
    client.force_login(UserFactory(username="root.admin", is_staff=True, is_superuser=True))
    assert list(client.get("/admin/journeys/placement/").context["cl"].result_list) == []


def test_the_placement_list_is_searchable_by_case_reference(superuser_client, placements):
    page = superuser_client.get("/admin/journeys/placement/", {"q": "CASE-C1"})
    assert page.status_code == 200
    assert [placement.case.reference for placement in page.context["cl"].result_list] == ["CASE-C1"]


def test_a_fact_cannot_be_deleted_nor_changed_nor_added(superuser_client, placements):
    placement = placements["CASE-C1"]
    assert (
        superuser_client.post(f"/admin/journeys/placement/{placement.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert superuser_client.get("/admin/journeys/placement/add/").status_code == 403
    superuser_client.post(f"/admin/journeys/placement/{placement.pk}/change/", {"long_term": "on"})
    assert Placement.objects.get(pk=placement.pk).long_term is False
    page = superuser_client.get("/admin/journeys/placement/")
    assert "delete_selected" not in page.content.decode()


def test_every_fact_list_opens(superuser_client, placements):
    for name in (
        "placement",
        "legalstatus",
        "careleaverstatus",
        "careleaveraccommodation",
        "detention",
        "strategydiscussion",
        "visit",
        "meetingheld",
    ):
        assert superuser_client.get(f"/admin/journeys/{name}/").status_code == 200, name


def test_a_staff_user_sees_only_the_facts_of_their_cases(client, cast, placements):
    manager = cast["tm.cic"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_placement"))
    client.force_login(manager)
    listed = client.get("/admin/journeys/placement/").context["cl"].result_list
    assert [placement.case.reference for placement in listed] == ["CASE-C1"]
    assert client.get(f"/admin/journeys/placement/{placements['CASE-A1'].pk}/change/").status_code == 302
    assert client.get("/admin/journeys/detention/").status_code == 403
    assert not Detention.objects.exists()


def test_a_facts_history_outside_the_viewers_scope_is_not_found_and_no_version_is_reverted(client, cast, placements):
    manager = cast["tm.cic"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_placement"))
    client.force_login(manager)
    outside, inside = placements["CASE-A1"], placements["CASE-C1"]
    version = outside.history.latest().history_id
    assert client.get(f"/admin/journeys/placement/{outside.pk}/history/").status_code == 404
    assert client.get(f"/admin/journeys/placement/{outside.pk}/history/{version}/").status_code == 404
    assert client.get(f"/admin/journeys/placement/{inside.pk}/history/").status_code == 200
    reverted = client.post(
        f"/admin/journeys/placement/{inside.pk}/history/{inside.history.latest().history_id}/",
        {"case": inside.case_id, "start": "2025-01-06", "long_term": "on", "kind": inside.kind},
    )
    assert reverted.status_code == 403
    assert Placement.objects.get(pk=inside.pk).long_term is False


def test_a_fact_entered_in_error_is_withdrawn_from_the_admin_not_deleted(superuser_client, placements):
    placement = placements["CASE-C1"]
    superuser_client.post(
        "/admin/journeys/placement/", {"action": "withdraw", "_selected_action": [placement.pk], "index": 0}
    )
    placement.refresh_from_db()
    assert placement.withdrawn_at is not None
    assert placement.history.filter(history_change_reason__startswith="Withdrawn").exists()


def test_someone_who_may_only_look_is_not_offered_the_withdrawal(client, cast, placements):
    viewer = cast["qa.admin"]
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_placement"))
    client.force_login(viewer)
    page = client.get("/admin/journeys/placement/")
    assert page.status_code == 200 and 'value="withdraw"' not in page.content.decode()
