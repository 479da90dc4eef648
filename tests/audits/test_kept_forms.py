"""A record form posted after the session ended is kept for its author across sign-in
(core/kept_forms.py): only the person whose session posted it gets it back, on that page, once."""

from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone

from core.kept_forms import KEPT_PARAMETER, take_kept_form
from tests.audits.helpers import form_data, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def signed_in_then_expired(client, user):
    """Sign `user` in, then let their session pass the idle limit (its row stays, as in production)."""
    client.force_login(user)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )


def kept_url(response) -> str:
    """Where sign-in will send the person back to: the `next` of the sign-in redirect."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    return unquote(parse_qs(location.query)["next"][0])


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)[KEPT_PARAMETER][0]


def test_a_draft_posted_after_the_session_ended_comes_back_after_signing_in(client, cast, records):
    author, draft = cast["tm.assessment"], records["draft"]
    signed_in_then_expired(client, author)
    before = snapshot()

    response = client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Typed over seventy seconds"))

    back_to = kept_url(response)
    assert back_to.startswith(f"/audits/{draft.pk}/edit/?{KEPT_PARAMETER}=")
    assert snapshot() == before  # kept, not saved: the person checks it and saves
    assert "We kept what you typed: sign in again" in client.get(response["Location"]).content.decode()
    client.force_login(author)
    page = client.get(back_to)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Typed over seventy seconds" in content
    assert "We kept what you typed; check it and save." in content


def test_a_kept_form_comes_back_only_once(client, cast, records):
    author, draft = cast["tm.assessment"], records["draft"]
    signed_in_then_expired(client, author)
    back_to = kept_url(client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Only once")))
    client.force_login(author)
    assert "Only once" in client.get(back_to).content.decode()
    assert "Only once" not in client.get(back_to).content.decode()


def test_another_users_token_restores_nothing(client, cast, records):
    author, draft = cast["tm.assessment"], records["draft"]
    signed_in_then_expired(client, author)
    token = token_of(kept_url(client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Mine"))))

    request = RequestFactory().get(f"/audits/{draft.pk}/edit/", {KEPT_PARAMETER: token})
    request.user = cast["hos"]
    assert take_kept_form(request) is None
    # Refused to the wrong person, it is still there for its owner.
    request.user = author
    assert take_kept_form(request)["summary"] == "Mine"


def test_a_token_used_on_another_page_restores_nothing(cast, records, client):
    author, draft = cast["tm.assessment"], records["draft"]
    signed_in_then_expired(client, author)
    token = token_of(kept_url(client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Mine"))))
    request = RequestFactory().get(f"/audits/{records['submitted'].pk}/amend/", {KEPT_PARAMETER: token})
    request.user = author
    assert take_kept_form(request) is None


def test_someone_else_cannot_plant_what_the_author_sees(cast, records):
    # An attacker's own signed-out post is kept for the attacker, so the author's link shows none of it.
    author, draft = cast["tm.assessment"], records["draft"]
    attacker = Client()
    signed_in_then_expired(attacker, cast["sw.assessment"])
    planted = kept_url(attacker.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Planted words")))
    victim = Client()
    victim.force_login(author)
    page = victim.get(planted)
    assert page.status_code == 200
    assert "Planted words" not in page.content.decode()
    assert "We kept what you typed" not in page.content.decode()


def test_a_post_with_no_session_at_all_keeps_nothing(client, records):
    draft = records["draft"]
    back_to = kept_url(client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Nobody's")))
    assert back_to == f"/audits/{draft.pk}/edit/"


def test_a_post_whose_csrf_token_went_with_the_session_is_kept_too(cast, records):
    author, draft = cast["tm.assessment"], records["draft"]
    client = Client(enforce_csrf_checks=True)
    signed_in_then_expired(client, author)
    # No CSRF cookie or token: the check fails, and the failure view keeps the post for its owner.
    back_to = kept_url(client.post(f"/audits/{draft.pk}/edit/", form_data(draft, summary="Despite CSRF")))
    client.force_login(author)
    assert "Despite CSRF" in client.get(back_to).content.decode()


def test_a_csrf_failure_elsewhere_is_still_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["tm.assessment"])
    assert client.post("/session/keep-alive").status_code == 403


def test_a_signed_in_page_carries_the_timeout_warning_with_its_clock(client, cast, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 600, 120
    client.force_login(cast["tm.assessment"])
    content = client.get("/").content.decode()
    assert 'role="dialog"' in content
    assert 'data-idle-seconds="600" data-warning-seconds="120"' in content
    assert "Stay signed in" in content


def test_the_sign_in_page_has_no_timeout_warning(client):
    assert 'id="timeout-warning"' not in client.get("/accounts/login/").content.decode()
