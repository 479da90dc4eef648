"""Fixtures of tests/dashboard."""

import pytest

from tests.dashboard.dashboard_data import build


@pytest.fixture
def data(cast):
    return build(cast, audits=60)
