"""The per-case audit tally the database keeps (migration 0009's triggers) and the audit list's totals
built on it: they must always equal a straight count of the audits each role may see."""

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from audits.choices import AuditStatus
from audits.models import Action, Audit, CaseAuditTally, Finding, Moderation
from audits.services import audit_amend, audit_moderate
from cases.services import case_transfer
from tests.audits.helpers import completed, record
from tests.cast import ROLE_NAMES
from timeliness.models import DueItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def straight_counts(user) -> dict:
    return Audit.objects.for_user(user).aggregate(
        total=Count("pk"), moderated=Count("moderation"), agreed=Count("moderation", filter=Q(moderation__agreed=True))
    )


def tallies_from_the_audits() -> dict:
    """The tally worked out afresh from the audit and moderation rows."""
    counted = Audit.objects.filter(case__isnull=False).exclude(status=AuditStatus.DRAFT)
    rows = counted.values("case").annotate(
        audits=Count("pk"), moderated=Count("moderation"), agreed=Count("moderation", filter=Q(moderation__agreed=True))
    )
    return {row["case"]: (row["audits"], row["moderated"], row["agreed"]) for row in rows}


def kept_tallies() -> dict:
    rows = CaseAuditTally.objects.exclude(audits=0, moderated=0, agreed=0)
    return {row.case_id: (row.audits, row.moderated, row.agreed) for row in rows}


@pytest.fixture
def history(cast):
    """Records of every kind and state: submitted, drafts, moderated (agreed and not), amended, a
    workforce record, a record about the service, and a case that changed team after its audits."""
    manager, hos = cast["tm.assessment"], cast["hos"]
    agreed = record(manager, "csc-sample-audit", case=cast.cases["assessment"])
    audit_moderate(actor=hos, audit=agreed, agreed=True)
    changed = record(cast["tm.cic"], "csc-sample-audit", case=cast.cases["cic"])
    audit_moderate(actor=cast["qa.admin"], audit=changed, agreed=False, grade="inadequate", reason="No plan on file.")
    amended = record(manager, "csc-sample-audit", case=cast.cases["assessment_unchaired"])
    audit_amend(actor=manager, audit=amended, reason="Wrong date", **completed(amended))
    record(manager, "csc-sample-audit", case=cast.cases["assessment"], submit=False)
    record(cast["tm.yos"], "csc-sample-audit", case=cast.cases["yos"], submit=False)
    record(manager, "csc-supervision", staff_member=cast["sw.assessment"])
    record(hos, "csc-thematic-audits", subject_label="Thematic audit: neglect")
    case_transfer(actor=cast["qa.admin"], case=cast.cases["yos"], team=cast.teams["assessment"])
    return cast


def test_the_database_keeps_each_cases_tally_through_submits_moderations_and_amendments(history):
    assert kept_tallies() == tallies_from_the_audits()
    assert sum(audits for audits, _, _ in kept_tallies().values()) == 3  # drafts and non-case records excluded


def test_the_tally_follows_writes_that_bypass_the_services(history):
    audit = Audit.objects.filter(case__isnull=False).exclude(status=AuditStatus.DRAFT).first()
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.DRAFT)
    assert kept_tallies() == tallies_from_the_audits()
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.SUBMITTED, case=history.cases["cic"])
    assert kept_tallies() == tallies_from_the_audits()
    Moderation.objects.update(agreed=False, reason="Changed in bulk")
    assert kept_tallies() == tallies_from_the_audits()
    # The app deletes nothing; a database administrator might.
    for model in (Moderation, Finding, Action, DueItem):
        model.objects.filter(**{"satisfied_by" if model is DueItem else "audit": audit}).delete()
    Audit.objects.filter(pk=audit.pk).delete()
    assert kept_tallies() == tallies_from_the_audits()


def test_bulk_created_audits_are_tallied(history):
    template = Audit.objects.filter(case__isnull=False).exclude(status=AuditStatus.DRAFT).first()
    Audit.objects.bulk_create(
        Audit(
            process=template.process,
            case=history.cases["yos"],
            team=template.team,
            carried_out_by=template.carried_out_by,
            status=AuditStatus.SUBMITTED,
            held_on=timezone.localdate(),
        )
        for _ in range(3)
    )
    assert kept_tallies() == tallies_from_the_audits()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_audit_lists_totals_equal_a_straight_count_for_every_role(history, role):
    user = history[role]
    assert Audit.objects.totals_for_user(user) == straight_counts(user)
