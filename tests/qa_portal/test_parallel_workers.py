"""Tests run in parallel (pytest-xdist): each worker process keeps to its own Redis database, so a real
Celery worker started by one worker's test never takes a task that another worker's test sent."""

import os

from django.conf import settings

from qa_portal.settings_test import own_redis_database


def test_the_first_worker_keeps_the_configured_database():
    assert own_redis_database("redis://127.0.0.1:6379/3", "gw0") == "redis://127.0.0.1:6379/3"


def test_each_further_worker_takes_the_next_database():
    urls = {own_redis_database("redis://127.0.0.1:6379/3", f"gw{n}") for n in range(4)}
    assert urls == {f"redis://127.0.0.1:6379/{n}" for n in (3, 4, 5, 6)}


def test_an_address_without_a_database_counts_from_database_0():
    assert own_redis_database("redis://cache:6379", "gw2") == "redis://cache:6379/2"


def test_the_password_and_the_options_of_the_address_are_kept():
    url = "rediss://:secret@redis.example.org:6380/1?ssl_cert_reqs=required"
    assert own_redis_database(url, "gw1") == "rediss://:secret@redis.example.org:6380/2?ssl_cert_reqs=required"


def test_without_xdist_or_redis_the_address_is_left_as_it_is():
    assert own_redis_database("redis://127.0.0.1:6379/1", "") == "redis://127.0.0.1:6379/1"
    assert own_redis_database("memory://", "gw1") == "memory://"


def test_this_test_run_uses_its_workers_database():
    configured = os.environ.get("CELERY_BROKER_URL") or "memory://"
    expected = own_redis_database(configured, os.environ.get("PYTEST_XDIST_WORKER", ""))
    assert expected == settings.CELERY_BROKER_URL
