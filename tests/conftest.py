import pytest

from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alex.user", first_name="Alex", last_name="User")


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def cast(db):
    """One user per demo role, three teams and four cases (see tests/cast.py)."""
    from tests.cast import build_cast

    return build_cast()
