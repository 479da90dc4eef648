"""The recording pages run a fixed number of queries however many audits, findings and actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.choices import AuditStatus, Judgement
from audits.models import Action, Audit, Finding, Moderation
from processes.models import RequiredOutcome
from tests.audits.helpers import (
    process,
)
from tests.queries import assert_queries, queries_for

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


#
# Fixed query counts
#


def add_audits(count: int, *, cases, workforce_about=None, auditors, moderator) -> list[Audit]:
    """Submitted sample audits in bulk, spread over `cases` (and workforce records about one person),
    each with its findings, one in five moderated (half of those agreed).

    The list prefetches people, teams and processes: a prefetch with nothing to fetch runs no query,
    so pages compared by their query counts must hold the same kinds of record."""
    sample, supervision = process("csc-sample-audit"), process("csc-supervision")
    outcomes = {p.pk: list(p.outcomes.filter(is_active=True)) for p in (sample, supervision)}
    today = timezone.localdate()
    audits = []
    for n in range(count):
        workforce = workforce_about is not None and n % 10 == 9
        case = None if workforce else cases[n % len(cases)]
        audits.append(
            Audit(
                process=supervision if workforce else sample,
                case=case,
                staff_member=workforce_about if workforce else None,
                team=case.team if case else workforce_about.staff_profile.team,
                carried_out_by=auditors[n % len(auditors)],
                # Ten a day, the tenth a workforce record: every page holds both kinds.
                held_on=today - timedelta(days=n // 10),
                due_on=today - timedelta(days=n // 10 + n % 3 - 1),
                status=AuditStatus.SUBMITTED,
                grade="" if workforce else "good",
            )
        )
    audits = Audit.objects.bulk_create(audits, batch_size=2000)
    Finding.objects.bulk_create(
        (
            Finding(audit=audit, outcome=outcome, judgement=Judgement.MET if n % 4 else Judgement.NOT_MET)
            for audit in audits
            for n, outcome in enumerate(outcomes[audit.process_id])
        ),
        batch_size=2000,
    )
    Moderation.objects.bulk_create(
        (
            Moderation(
                audit=audit,
                moderator=moderator,
                original_grade="good",
                agreed=n % 10 == 0,
                grade="good" if n % 10 == 0 else "requires_improvement",
                reason="" if n % 10 == 0 else "Plan thin",
            )
            for n, audit in enumerate(audits)
            if moderator and n % 5 == 0 and audit.grade
        ),
        batch_size=2000,
    )
    return audits


@pytest.mark.parametrize("role", ["tm.assessment", "hos"])
def test_the_audit_list_runs_the_same_number_of_queries_at_ten_and_ten_thousand_audits(client, cast, records, role):
    client.force_login(cast[role])
    bulk = {
        "cases": [cast.cases["assessment"], cast.cases["assessment_unchaired"], cast.cases["cic"]],
        "workforce_about": cast["sw.assessment"],
        "auditors": [cast["tm.assessment"], cast["tm.cic"], cast["hos"]],
        "moderator": cast["qa.admin"],
    }
    add_audits(10 - len(records), **bulk)
    assert Audit.objects.count() == 10
    at_ten = queries_for(client, "/audits/")
    add_audits(9_990, **bulk)
    assert Audit.objects.count() == 10_000
    assert_queries(at_ten, queries_for(client, "/audits/"), "the audit list at 10,000")
    # And the page really is full: 50 rows of what this user may see.
    assert len(client.get("/audits/").context["page_obj"].object_list) == 50


def test_the_audit_page_runs_the_same_number_of_queries_with_2_or_30_findings_and_actions(client, cast, records):
    sample = process("csc-sample-audit")
    RequiredOutcome.objects.bulk_create(
        RequiredOutcome(process=sample, position=100 + n, text=f"Extra outcome {n}") for n in range(30)
    )
    outcomes = list(sample.outcomes.order_by("position"))
    owners = [cast["sw.assessment"], cast["tm.assessment"], cast["hos"]]

    def audit_with(size):
        (audit,) = add_audits(1, cases=[cast.cases["assessment"]], auditors=[cast["tm.assessment"]], moderator=None)
        Finding.objects.filter(audit=audit).delete()
        findings = Finding.objects.bulk_create(
            Finding(audit=audit, outcome=outcome, judgement=Judgement.NOT_MET, evidence="Gap")
            for outcome in outcomes[:size]
        )
        Action.objects.bulk_create(
            Action(
                audit=audit,
                finding=findings[n] if n % 2 else None,
                description=f"Action {n}",
                owner=owners[n % len(owners)],
                due_on=timezone.localdate() + timedelta(days=n),
            )
            for n in range(size)
        )
        return audit

    few, many = audit_with(2), audit_with(30)
    client.force_login(cast["tm.assessment"])
    assert_queries(queries_for(client, f"/audits/{few.pk}/"), queries_for(client, f"/audits/{many.pk}/"))


def test_the_case_page_runs_the_same_number_of_queries_with_1_or_40_audits(client, cast):
    case = cast.cases["assessment_unchaired"]
    bulk = {
        "cases": [case],
        "auditors": [cast["tm.assessment"], cast["hos"], cast["sw.assessment"]],
        "moderator": cast["qa.admin"],
    }

    def with_actions(audits):
        owners = [cast["sw.assessment"], cast["tm.assessment"]]
        Action.objects.bulk_create(
            Action(audit=audit, description="Follow up", owner=owners[n % 2], due_on=timezone.localdate())
            for n, audit in enumerate(audits)
        )

    with_actions(add_audits(1, **bulk))
    client.force_login(cast["tm.assessment"])
    one = queries_for(client, f"/cases/{case.pk}/")
    with_actions(add_audits(39, **bulk))
    response = client.get(f"/cases/{case.pk}/")
    assert len(response.context["audits"]) == 40
    assert_queries(one, queries_for(client, f"/cases/{case.pk}/"), "the case page with 40 audits")
