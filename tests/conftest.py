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
