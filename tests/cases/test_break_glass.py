"""Break glass: a person opens a case outside their scope by stating a reason; the access lasts a few
hours, every read under it is logged with the reason, and a QA administrator reviews it. Board and
scrutiny roles never can, and the page does not tell which references exist."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.choices import AccessAction, BreakGlassOutcome
from cases.models import AccessLogEntry, BreakGlassGrant, Case
from cases.scope import break_glass_case_ids
from cases.services import break_glass_open, break_glass_review

pytestmark = pytest.mark.django_db

REASON = "Covering for the youth offending team manager, who is off sick this week"
REQUEST = "/cases/outside-scope/"


def same_page(response, reference: str = "") -> str:
    """The page's text with what differs between any two responses (the CSRF token) and the typed
    reference (echoed in the form) taken out."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.getvalue().decode())
    return page.replace(reference, "REF") if reference else page


def open_case(client, reference, reason=REASON):
    return client.post(REQUEST, {"reference": reference, "reason": reason})


@pytest.fixture
def manager(client, cast):
    """The assessment team's manager, signed in: the youth offending case is outside their scope."""
    client.force_login(cast["tm.assessment"])
    return cast["tm.assessment"]


@pytest.fixture
def yos_case(cast):
    return cast.cases["yos"]


#
# Opening a case
#


def test_a_case_outside_the_users_scope_is_not_found_without_a_grant(client, manager, yos_case):
    assert client.get(f"/cases/{yos_case.pk}/").status_code == 404


def test_stating_a_reason_opens_the_case_and_takes_the_user_to_it(client, manager, yos_case, settings):
    settings.BREAK_GLASS_HOURS = 4
    before = timezone.now()

    response = open_case(client, yos_case.reference)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{yos_case.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"/cases/{yos_case.pk}/history/").status_code == 200
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.case, grant.reason) == (manager, yos_case, REASON)
    assert before <= grant.started_at <= timezone.now()
    assert grant.expires_at - grant.started_at == timedelta(hours=4)
    assert grant.history.count() == 1 and grant.history.get().history_user == manager


def test_the_access_ends_when_the_grant_expires(client, manager, yos_case, settings):
    settings.BREAK_GLASS_HOURS = 2
    open_case(client, yos_case.reference)
    page = f"/cases/{yos_case.pk}/"
    grants = BreakGlassGrant.objects.filter(user=manager)

    def opened_ago(delta):
        # Time travel by moving the grant back (the session's own idle clock stays where it is).
        grant = grants.get()
        grants.update(started_at=grant.started_at - delta, expires_at=grant.expires_at - delta)

    opened_ago(timedelta(hours=1, minutes=59))
    assert client.get(page).status_code == 200
    opened_ago(timedelta(minutes=2))
    assert client.get(page).status_code == 404
    assert client.get(f"/cases/{yos_case.pk}/history/").status_code == 404
    assert not Case.objects.for_user(manager, break_glass=True).filter(pk=yos_case.pk).exists()


def test_the_scope_rule_reads_the_clock_it_is_given(manager, yos_case):
    _, grant = break_glass_open(actor=manager, reference=yos_case.reference, reason=REASON, path="/")
    assert list(break_glass_case_ids(manager, at=grant.expires_at - timedelta(seconds=1))) == [{"case": yos_case.pk}]
    assert not list(break_glass_case_ids(manager, at=grant.expires_at))
    with mock.patch("django.utils.timezone.now", return_value=grant.expires_at + timedelta(minutes=1)):
        assert not Case.objects.for_user(manager, break_glass=True).filter(pk=yos_case.pk).exists()


def test_an_expired_grant_reaches_nothing(manager, yos_case):
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user=manager,
        case=yos_case,
        reason=REASON,
        started_at=now - timedelta(hours=5),
        expires_at=now - timedelta(hours=1),
    )
    assert not Case.objects.for_user(manager, break_glass=True).filter(pk=yos_case.pk).exists()


def test_another_user_without_the_grant_still_gets_404(client, cast, manager, yos_case):
    open_case(client, yos_case.reference)
    client.force_login(cast["sw.assessment"])
    assert client.get(f"/cases/{yos_case.pk}/").status_code == 404


def test_a_case_already_in_scope_needs_no_grant(client, cast, manager):
    response = open_case(client, cast.cases["assessment"].reference)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{cast.cases['assessment'].pk}/"
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "urgent", "need it now please", "....................................", "a b c d e f g h i j"],
)
def test_a_reason_a_reviewer_could_not_judge_is_refused_and_opens_nothing(client, manager, yos_case, reason):
    response = open_case(client, yos_case.reference, reason)
    assert response.status_code == 400
    page = response.getvalue().decode()
    assert "There is a problem" in page
    assert "why you need this case" in page.lower()
    assert not BreakGlassGrant.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_the_service_refuses_a_missing_reason_too(manager, yos_case):
    with pytest.raises(ValidationError):
        break_glass_open(actor=manager, reference=yos_case.reference, reason="", path="/")
    assert not BreakGlassGrant.objects.exists()


#
# No enumeration: unknown and existing references answer alike
#


def test_an_unknown_reference_gets_the_plain_message_and_no_grant(client, manager):
    response = open_case(client, "NO-SUCH-CASE")
    assert response.status_code == 400
    assert "No case can be opened with that reference" in response.getvalue().decode()
    assert not BreakGlassGrant.objects.exists()


def test_the_case_page_answers_alike_for_an_unknown_case_and_one_outside_the_scope(client, manager, yos_case):
    outside = client.get(f"/cases/{yos_case.pk}/")
    missing = client.get("/cases/999999/")
    assert outside.status_code == missing.status_code == 404
    assert same_page(outside) == same_page(missing)
    assert "Need access to a case outside your area?" in outside.getvalue().decode()


def test_a_bad_reason_answers_alike_for_an_unknown_and_an_existing_reference(client, manager, yos_case):
    existing = open_case(client, yos_case.reference, "urgent")
    unknown = open_case(client, "NO-SUCH-CASE", "urgent")
    assert existing.status_code == unknown.status_code == 400
    assert same_page(existing, yos_case.reference) == same_page(unknown, "NO-SUCH-CASE")


#
# Who may
#


def test_aggregate_only_roles_are_refused_the_page(client, cast, yos_case):
    client.force_login(cast["scrutiny"])
    assert client.get(REQUEST).status_code == 403
    assert open_case(client, yos_case.reference).status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_aggregate_only_roles_are_refused_by_the_service(cast, yos_case):
    with pytest.raises(PermissionDenied):
        break_glass_open(actor=cast["scrutiny"], reference=yos_case.reference, reason=REASON, path="/")


def test_the_scope_rule_gives_aggregate_only_roles_nothing_even_with_a_grant(client, cast, yos_case):
    scrutiny = cast["scrutiny"]
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user=scrutiny, case=yos_case, reason=REASON, started_at=now, expires_at=now + timedelta(hours=1)
    )
    assert not list(break_glass_case_ids(scrutiny))
    assert not Case.objects.for_user(scrutiny, break_glass=True).exists()
    client.force_login(scrutiny)
    assert client.get(f"/cases/{yos_case.pk}/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(REQUEST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


#
# Least privilege: the case's own pages, not lists or exports
#


def test_the_grant_does_not_put_the_case_in_lists_or_exports(client, manager, yos_case):
    open_case(client, yos_case.reference)
    assert yos_case.reference not in client.get("/cases/").getvalue().decode()
    assert yos_case.reference not in client.get("/cases/export.csv").getvalue().decode()
    found = client.get(f"/cases/?q={yos_case.reference}").getvalue().decode()
    assert yos_case.child_name not in found and f"/cases/{yos_case.pk}/" not in found
    assert not Case.objects.for_user(manager).filter(pk=yos_case.pk).exists()


#
# The access log
#


def test_the_opening_and_each_read_under_the_grant_are_logged_with_the_reason(client, manager, yos_case):
    open_case(client, yos_case.reference)
    client.get(f"/cases/{yos_case.pk}/")
    client.get(f"/cases/{yos_case.pk}/history/")
    grant = BreakGlassGrant.objects.get()

    entries = list(AccessLogEntry.objects.filter(case=yos_case).order_by("pk"))

    assert [entry.action for entry in entries] == [
        AccessAction.BROKE_GLASS,
        AccessAction.VIEWED,
        AccessAction.VIEWED_HISTORY,
    ]
    assert all(entry.break_glass == grant and entry.break_glass.reason == REASON for entry in entries)
    assert all(entry.user == manager for entry in entries)


def test_reads_of_the_users_own_cases_are_not_marked(client, cast, manager, yos_case):
    open_case(client, yos_case.reference)
    client.get(f"/cases/{cast.cases['assessment'].pk}/")
    entry = AccessLogEntry.objects.get(case=cast.cases["assessment"])
    assert entry.break_glass is None


def test_the_access_log_shows_the_reason(client, cast, manager, yos_case):
    open_case(client, yos_case.reference)
    client.force_login(cast["qa.admin"])
    assert REASON in client.get("/access-log/").getvalue().decode()


#
# Review by the QA administrators
#


@pytest.fixture
def grant(manager, yos_case):
    _, grant = break_glass_open(
        actor=manager, reference=yos_case.reference, reason=REASON, path="/cases/outside-scope/"
    )
    return grant


def test_qa_administrators_see_what_waits_for_a_review_on_their_home_page_and_list(client, cast, grant):
    client.force_login(cast["qa.admin"])
    home = client.get("/").getvalue().decode()
    assert "1 access to cases from outside the person's scope waits for a review" in home
    listing = client.get("/cases/outside-scope/reviews/").getvalue().decode()
    assert REASON in listing and grant.case.reference in listing
    assert grant.get_absolute_url() in listing


def test_others_see_no_review_count(client, cast, grant):
    client.force_login(cast["hos"])
    assert "waits for a review" not in client.get("/").getvalue().decode()
    assert client.get("/cases/outside-scope/reviews/").status_code == 403


@pytest.mark.parametrize(
    ("state", "shown"),
    [("to-review", {"open", "expired"}), ("open", {"open"}), ("expired", {"expired"}), ("reviewed", {"reviewed"})],
)
def test_the_list_filters_open_expired_and_reviewed_accesses(client, cast, yos_case, state, shown):
    now = timezone.now()
    user = cast["tm.assessment"]
    rows = {
        "open": (now - timedelta(hours=1), now + timedelta(hours=1)),
        "expired": (now - timedelta(hours=6), now - timedelta(hours=2)),
        "reviewed": (now - timedelta(days=2), now - timedelta(days=2) + timedelta(hours=4)),
    }
    for label, (start, end) in rows.items():
        BreakGlassGrant.objects.create(
            user=user, case=yos_case, reason=f"Reason {label} " * 3, started_at=start, expires_at=end
        )
    reviewed = BreakGlassGrant.objects.get(reason__startswith="Reason reviewed")
    break_glass_review(actor=cast["qa.admin"], grant=reviewed, outcome=BreakGlassOutcome.JUSTIFIED, note="")
    client.force_login(cast["qa.admin"])

    page = client.get(f"/cases/outside-scope/reviews/?state={state}").getvalue().decode()

    assert {label for label in rows if f"Reason {label}" in page} == shown


def test_a_qa_administrator_records_a_review(client, cast, grant):
    client.force_login(cast["qa.admin"])
    page = client.get(grant.get_absolute_url()).getvalue().decode()
    assert REASON in page

    response = client.post(
        grant.get_absolute_url(),
        {"review_outcome": BreakGlassOutcome.JUSTIFIED, "review_note": "Confirmed with the head of service."},
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == cast["qa.admin"] and grant.reviewed_at is not None
    assert (grant.review_outcome, grant.review_note) == (
        BreakGlassOutcome.JUSTIFIED,
        "Confirmed with the head of service.",
    )
    assert grant.history.latest().history_user == cast["qa.admin"]
    assert grant.history.count() == 2
    client.force_login(cast["qa.admin"])
    assert "Every access has been reviewed" in client.get("/cases/outside-scope/reviews/").getvalue().decode()


def test_an_access_not_justified_needs_a_note(client, cast, grant):
    client.force_login(cast["qa.admin"])
    response = client.post(grant.get_absolute_url(), {"review_outcome": BreakGlassOutcome.NOT_JUSTIFIED})
    assert response.status_code == 400
    assert "Say what was done about an access that was not justified" in response.getvalue().decode()
    grant.refresh_from_db()
    assert not grant.is_reviewed


def test_a_grant_is_reviewed_once(cast, grant):
    break_glass_review(actor=cast["qa.admin"], grant=grant, outcome=BreakGlassOutcome.JUSTIFIED, note="")
    with pytest.raises(ValidationError, match="already been reviewed"):
        break_glass_review(actor=cast["qa.admin"], grant=grant, outcome=BreakGlassOutcome.NOT_JUSTIFIED, note="x")


def test_only_reviewers_may_review(cast, grant):
    with pytest.raises(PermissionDenied):
        break_glass_review(actor=cast["hos"], grant=grant, outcome=BreakGlassOutcome.JUSTIFIED, note="")


def test_a_review_does_not_end_or_delete_the_access_record(client, cast, grant):
    break_glass_review(actor=cast["qa.admin"], grant=grant, outcome=BreakGlassOutcome.JUSTIFIED, note="")
    assert BreakGlassGrant.objects.filter(pk=grant.pk).exists()
    assert AccessLogEntry.objects.filter(break_glass=grant).count() == 1


def test_the_same_reason_posted_twice_opens_the_case_once_and_both_posts_go_to_it(client, manager, yos_case):
    first = open_case(client, yos_case.reference)
    second = open_case(client, yos_case.reference)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/{yos_case.pk}/"
    assert BreakGlassGrant.objects.count() == 1
    assert AccessLogEntry.objects.filter(action=AccessAction.BROKE_GLASS).count() == 1


def test_a_new_reason_while_the_access_lasts_is_a_new_opening(manager, yos_case):
    first = break_glass_open(actor=manager, reference=yos_case.reference, reason=REASON, path=REQUEST)[1]
    other = REASON.replace("this week", "and the duty manager asked me to check the plan")
    second = break_glass_open(actor=manager, reference=yos_case.reference, reason=other, path=REQUEST)[1]
    assert first != second
    assert BreakGlassGrant.objects.count() == 2
