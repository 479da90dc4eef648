from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import NoStoreForSignedInMiddleware


class SignedIn:
    is_authenticated = True


def answer(user, response=None):
    request = RequestFactory().get("/")
    request.user = user
    return NoStoreForSignedInMiddleware(lambda request: response or HttpResponse("page"))(request)


def test_a_signed_in_users_answer_may_not_be_stored_and_varies_by_cookie():
    response = answer(SignedIn())
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_view_that_asked_for_caching_is_overruled_for_a_signed_in_user():
    cached = HttpResponse("page")
    cached["Cache-Control"] = "public, max-age=3600"
    response = answer(SignedIn(), cached)
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_an_anonymous_answer_keeps_its_own_caching():
    response = answer(AnonymousUser())
    assert not response.has_header("Cache-Control")
    assert not response.has_header("Vary")
