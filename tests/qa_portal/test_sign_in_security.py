import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failed_sign_ins_lock_that_username_from_that_address(client, user, password):
    for _ in range(5):
        sign_in(client, user.username, "wrong-password", "10.0.0.1")
    response = sign_in(client, user.username, password, "10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_real_user_elsewhere_can_still_sign_in_while_locked_out(client, user, password):
    for _ in range(5):
        sign_in(client, user.username, "wrong-password", "10.0.0.1")
    response = sign_in(client, user.username, password, "10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_four_failures_do_not_lock_the_account(client, user, password):
    for _ in range(4):
        sign_in(client, user.username, "wrong-password", "10.0.0.1")
    assert sign_in(client, user.username, password, "10.0.0.1").status_code == 302


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_weak_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("short")


def test_the_admin_is_at_admin_and_asks_for_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
