"""The admin site for closure days and local timescales: nothing is hard-deleted, and every change
carries a reason (the history keeps it), as the app's own forms ask."""

from datetime import date

import pytest

from processes.models import ClosureDay, Process, ScheduleOverride
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    # A superuser: if even they cannot delete, nobody can.
    client.force_login(UserFactory(username="root.admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def closure(admin_client):
    return ClosureDay.objects.create(date=date(2026, 12, 29), reason="Office closed")


def test_a_closure_day_cannot_be_deleted_from_its_page(admin_client, closure):
    url = f"/admin/processes/closureday/{closure.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ClosureDay.objects.filter(pk=closure.pk).exists()


def test_the_closure_day_list_offers_no_delete_action_and_refuses_one(admin_client, closure):
    page = admin_client.get("/admin/processes/closureday/")
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()
    admin_client.post(
        "/admin/processes/closureday/", {"action": "delete_selected", "_selected_action": [closure.pk], "post": "yes"}
    )
    assert ClosureDay.objects.filter(pk=closure.pk).exists()


def test_a_closure_day_is_not_added_without_a_reason_for_the_change(admin_client):
    response = admin_client.post("/admin/processes/closureday/add/", {"date": "2026-12-30", "reason": "Closed"})
    assert response.status_code == 200
    assert "Say why this is added or changed" in response.content.decode()
    assert not ClosureDay.objects.exists()


def test_a_closure_day_change_keeps_its_reason_and_user_in_the_history(admin_client, closure):
    response = admin_client.post(
        f"/admin/processes/closureday/{closure.pk}/change/",
        {"date": "2026-12-30", "reason": "Office closed", "change_reason": "Moved by the director's decision"},
    )
    assert response.status_code == 302
    latest = closure.history.latest()
    assert (latest.date, latest.history_change_reason) == (date(2026, 12, 30), "Moved by the director's decision")
    assert latest.history_user.username == "root.admin"


@pytest.fixture
def override(catalogue):
    process = Process.objects.filter(schedule_rule__basis="local").first()
    return ScheduleOverride.objects.create(
        process=process, intervals=["4 weeks"], repeats=True, reason="Board decision"
    )


def test_a_local_timescale_is_read_only_in_the_admin_and_points_to_its_page(admin_client, override):
    assert admin_client.get("/admin/processes/scheduleoverride/add/").status_code == 403
    page = admin_client.get(f"/admin/processes/scheduleoverride/{override.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f'href="/processes/{override.process.key}/schedule/"' in content
    assert 'name="reason"' not in content  # no field to change
    admin_client.post(
        f"/admin/processes/scheduleoverride/{override.pk}/change/",
        {"process": override.process.pk, "intervals": "1 day", "repeats": "", "reason": "x"},
    )
    override.refresh_from_db()
    assert override.intervals == ["4 weeks"]


def test_a_local_timescale_cannot_be_deleted_from_the_admin(admin_client, override):
    assert admin_client.get(f"/admin/processes/scheduleoverride/{override.pk}/delete/").status_code == 403
    admin_client.post(
        "/admin/processes/scheduleoverride/",
        {"action": "delete_selected", "_selected_action": [override.pk], "post": "yes"},
    )
    assert ScheduleOverride.objects.filter(pk=override.pk).exists()


def test_a_catalogue_row_is_not_reverted_from_its_history_page(admin_client):
    from processes.models import Area

    area = Area.objects.create(key="children-in-care", number=7, title="Children in Care", version=1,
                               effective_date=date(2014, 4, 1))  # fmt: skip
    page = f"/admin/processes/area/{area.pk}/history/{area.history.latest().history_id}/"
    assert admin_client.get(page).status_code == 200
    posted = {"key": "children-in-care", "number": 7, "title": "Renamed", "version": 1, "effective_date": "2014-04-01"}
    assert admin_client.post(page, posted).status_code == 403
    assert Area.objects.get(pk=area.pk).title == "Children in Care"
