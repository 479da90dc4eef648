"""The same write posted twice at the same moment (a double click that got past the button, two tabs,
two moderators), in two threads with their own database connections: PostgreSQL's row lock and the
start token's unique constraint decide, and exactly one write lands. Transactional (each thread
commits), so this module builds its own catalogue and cast per test rather than the shared ones."""

import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from audits.models import Audit, Moderation
from audits.signals import audit_submitted
from tests.audits.helpers import form_data, record
from tests.cast import build_cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("load_processes", stdout=io.StringIO())
    return build_cast()


def at_once(*posts):
    """Run each `post()` in its own thread, released together; their responses' status codes."""
    barrier = threading.Barrier(len(posts))
    codes = [None] * len(posts)

    def run(index, post):
        try:
            barrier.wait()
            codes[index] = post().status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, post)) for index, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_one_start_form_posted_twice_at_once_makes_one_draft(people):
    manager = people["tm.assessment"]
    page = signed_in(manager).get("/audits/new/csc-sample-audit/").content.decode()
    token = re.search(r'name="start_token" value="([^"]+)"', page).group(1)
    data = {"case": people.cases["assessment"].pk, "start_token": token}
    clients = [signed_in(manager), signed_in(manager)]
    codes = at_once(*(lambda c=c: c.post("/audits/new/csc-sample-audit/", data) for c in clients))
    assert codes == [302, 302]
    assert Audit.objects.filter(carried_out_by=manager).count() == 1


def test_one_draft_submitted_twice_at_once_is_submitted_once_with_one_follow_up(people):
    manager = people["tm.assessment"]
    draft = record(manager, "csc-sample-audit", case=people.cases["assessment"], submit=False)
    sent = []

    def receiver(sender, audit_id, **kwargs):
        sent.append(audit_id)

    audit_submitted.connect(receiver, weak=False)
    try:
        data = form_data(draft, action="submit", version=draft.version)
        clients = [signed_in(manager), signed_in(manager)]
        codes = at_once(*(lambda c=c: c.post(f"/audits/{draft.pk}/edit/", data) for c in clients))
    finally:
        audit_submitted.disconnect(receiver)
    assert sorted(codes) in ([302, 302], [302, 400])
    assert draft.history.filter(history_change_reason="Submitted").count() == 1
    assert sent == [draft.pk]


def test_two_moderators_at_once_give_one_moderation_and_no_server_error(people):
    audit = record(people["tm.assessment"], "csc-sample-audit", case=people.cases["assessment"])
    data = {"agreed": "yes", "version": audit.version}
    clients = [signed_in(people["hos"]), signed_in(people["qa.admin"])]
    codes = at_once(*(lambda c=c: c.post(f"/audits/{audit.pk}/moderate/", data) for c in clients))
    assert sorted(codes) in ([302, 302], [302, 400])
    assert 500 not in codes
    assert Moderation.objects.filter(audit=audit).count() == 1
