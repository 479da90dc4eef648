"""The page where a QA administrator changes a local rule's timescale, with a reason and history."""

import pytest
from django.urls import reverse

from processes.models import Process, ScheduleOverride
from processes.schedules import effective_rule
from tests.factories import UserFactory, user_with_roles

LOCAL = "aa-core-groups"  # 10 working days, then every 4 weeks
STATUTORY = "voice-children-in-care"


def url(key):
    return reverse("processes:schedule_override_edit", kwargs={"key": key})


@pytest.fixture
def qa_admin(catalogue):
    return user_with_roles("qa.admin", "qa-administrator")


# Anonymous visitors, users without the permission (403 on GET and POST, nothing written) and one
# history row per change: tests/processes/test_views_access.py.


def test_an_administrator_changes_a_local_rule_with_a_reason_kept_in_history(client, qa_admin):
    client.force_login(qa_admin)
    page = client.get(url(LOCAL))
    assert page.status_code == 200
    assert page.context["form"].initial["intervals"] == "10 working days\n4 weeks"

    response = client.post(
        url(LOCAL),
        {"intervals": "5 working days\n\n2 weeks", "repeats": "on", "reason": "Board decision, March 2027"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("processes:process_detail", kwargs={"key": LOCAL})
    override = ScheduleOverride.objects.get(process__key=LOCAL)
    assert (override.intervals, override.repeats, override.reason) == (
        ["5 working days", "2 weeks"],
        True,
        "Board decision, March 2027",
    )
    assert effective_rule(Process.objects.get(key=LOCAL))["intervals"] == ["5 working days", "2 weeks"]
    history = override.history.get()
    assert history.history_user == qa_admin
    assert history.history_change_reason == "Board decision, March 2027"

    # A second change updates the same override, with a second history row.
    client.post(url(LOCAL), {"intervals": "1 week", "reason": "Back to weekly"})
    override.refresh_from_db()
    assert override.intervals == ["1 week"] and override.repeats is False
    assert override.history.count() == 2
    detail = client.get(reverse("processes:process_detail", kwargs={"key": LOCAL})).content.decode()
    assert "Changed locally" in detail and url(LOCAL) in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"intervals": "4 fortnights", "reason": "Why"}, "is not an interval"),
        ({"intervals": "", "reason": "Why"}, "Give at least one interval"),
        ({"intervals": "1 week", "reason": "  "}, "Say why the authority changes this timescale"),
    ],
)
def test_bad_input_re_renders_with_the_error_and_changes_nothing(client, qa_admin, data, message):
    client.force_login(qa_admin)
    response = client.post(url(LOCAL), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not ScheduleOverride.objects.exists()


def test_a_statutory_rule_is_refused_with_the_reason_and_no_form(client, qa_admin):
    client.force_login(qa_admin)
    page = client.get(url(STATUTORY))
    assert page.status_code == 200
    assert page.context["form"] is None
    text = page.content.decode()
    assert "follows a statutory timescale" in text and "Only local rules can be changed here" in text
    response = client.post(url(STATUTORY), {"intervals": "1 week", "reason": "Try"})
    assert response.status_code == 400
    assert not ScheduleOverride.objects.exists()
    detail = client.get(reverse("processes:process_detail", kwargs={"key": STATUTORY})).content.decode()
    assert url(STATUTORY) not in detail


def test_the_process_page_offers_the_change_only_to_qa_administrators(client, qa_admin):
    client.force_login(UserFactory(username="reader"))
    assert url(LOCAL) not in client.get(reverse("processes:process_detail", kwargs={"key": LOCAL})).content.decode()
    client.force_login(qa_admin)
    assert url(LOCAL) in client.get(reverse("processes:process_detail", kwargs={"key": LOCAL})).content.decode()
