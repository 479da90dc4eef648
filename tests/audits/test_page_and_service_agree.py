"""Page and service agree: the amend and moderate pages offer their form exactly when the service
would accept the amendment or moderation (both ask audits.rules), for every role and record state.
A page whose rule says no sends the user back to the record, or answers 403 or 404; it never offers a
form the service then refuses."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import Audit
from audits.services import audit_amend, audit_moderate, audit_save, audit_start, audit_submit
from processes.models import Process
from tests.cast import ROLE_NAMES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

FORM = '<form method="post"'


def a_week_ago() -> date:
    return timezone.localdate() - timedelta(days=7)


def completed(audit) -> dict:
    values = {"held_on": a_week_ago(), "summary": "Checked."}
    if audit.process.grades:
        values["grade"] = "good"
    if audit.process.asks_child_voice:
        values["child_voice"] = "Said school is going well."
    return {"fields": values, "findings": {f.pk: {"judgement": "met", "evidence": ""} for f in audit.findings.all()}}


def record(actor, key, *, submit=True, **subject) -> Audit:
    audit = audit_start(actor=actor, process=Process.objects.get(key=key), **subject)
    if submit:
        audit_save(actor=actor, audit=audit, **completed(audit))
        audit_submit(actor=actor, audit=audit)
    return audit


def amend(actor, audit, reason="Typo") -> None:
    audit_amend(actor=actor, audit=Audit.objects.get(pk=audit.pk), reason=reason, **completed(audit))


def audit_in_state(cast, state) -> Audit:
    manager, case = cast["tm.assessment"], cast.cases["assessment"]
    if state == "draft":
        return record(manager, "csc-sample-audit", submit=False, case=case)
    if state == "ungraded":
        return record(manager, "csc-supervision", staff_member=cast["sw.assessment"])
    if state == "a head of service's own":
        return record(cast["hos"], "csc-sample-audit", case=cast.cases["yos"])
    audit = record(manager, "csc-sample-audit", case=case)
    if state == "amended by its author":
        amend(manager, audit)
    elif state == "amended by the head of service":
        amend(cast["hos"], audit)
    elif state == "moderated":
        audit_moderate(actor=cast["qa.admin"], audit=audit, agreed=True)
    elif state == "moderated, then amended":
        audit_moderate(actor=cast["qa.admin"], audit=audit, agreed=True)
        amend(manager, audit)
    return Audit.objects.get(pk=audit.pk)


STATES = [
    "draft",
    "submitted",
    "amended by its author",
    "amended by the head of service",
    "moderated",
    "moderated, then amended",
    "ungraded",
    "a head of service's own",
]


class _Rollback(Exception):
    pass


def service_accepts(write) -> bool:
    """Whether the service accepts the write; nothing it writes is kept."""
    try:
        with transaction.atomic():
            write()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def offers_form(client, url) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404), url
    return response.status_code == 200 and FORM in response.content.decode()


def fresh(cast, role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=cast[role].pk)


@pytest.mark.parametrize("state", STATES)
def test_the_moderation_page_offers_its_form_exactly_when_the_service_accepts_the_moderation(client, cast, state):
    audit = audit_in_state(cast, state)
    disagreements = []
    for role in ROLE_NAMES:
        client.force_login(cast[role])
        offered = offers_form(client, f"/audits/{audit.pk}/moderate/")
        detail = client.get(f"/audits/{audit.pk}/")
        button = detail.status_code == 200 and f'href="/audits/{audit.pk}/moderate/"' in detail.content.decode()
        accepted = service_accepts(
            lambda role=role: audit_moderate(actor=fresh(cast, role), audit=Audit.objects.get(pk=audit.pk), agreed=True)
        )
        if not (offered == button == accepted):
            disagreements.append((role, {"form": offered, "button": button, "service": accepted}))
    assert disagreements == []


@pytest.mark.parametrize("state", STATES)
def test_the_amend_page_offers_its_form_exactly_when_the_service_accepts_the_amendment(client, cast, state):
    audit = audit_in_state(cast, state)
    disagreements = []
    for role in ROLE_NAMES:
        client.force_login(cast[role])
        offered = offers_form(client, f"/audits/{audit.pk}/amend/")
        detail = client.get(f"/audits/{audit.pk}/")
        button = detail.status_code == 200 and f'href="/audits/{audit.pk}/amend/"' in detail.content.decode()
        accepted = service_accepts(lambda role=role: amend(fresh(cast, role), audit))
        if not (offered == button == accepted):
            disagreements.append((role, {"form": offered, "button": button, "service": accepted}))
    assert disagreements == []


def test_the_moderation_page_does_not_offer_the_form_to_a_moderator_who_amended_the_record(client, cast):
    audit = audit_in_state(cast, "amended by the head of service")
    client.force_login(cast["hos"])
    response = client.get(f"/audits/{audit.pk}/moderate/")
    assert (response.status_code, response["Location"]) == (302, f"/audits/{audit.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "You amended this record, so someone else moderates it." in page
    assert f'href="/audits/{audit.pk}/moderate/"' not in page
    response = client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes"})
    assert response.status_code == 302
    assert not hasattr(Audit.objects.get(pk=audit.pk), "moderation")


def test_a_moderator_who_may_moderate_the_amended_record_is_offered_the_form(client, cast):
    audit = audit_in_state(cast, "amended by the head of service")
    client.force_login(cast["qa.admin"])
    assert f'href="/audits/{audit.pk}/moderate/"' in client.get(f"/audits/{audit.pk}/").content.decode()
    assert offers_form(client, f"/audits/{audit.pk}/moderate/")
    assert client.post(f"/audits/{audit.pk}/moderate/", {"agreed": "yes"}).status_code == 302
    assert Audit.objects.get(pk=audit.pk).moderation.moderator == cast["qa.admin"]
