"""Known dashboard data for tests: three processes in two areas, extra cases per team, submitted
records with findings, moderations and the due items they met, open and cancelled items, a draft, and
cases never audited; then the rollups refreshed. Used by tests/dashboard/test_*.py and the
browser test."""

import random
from datetime import date, timedelta

from django.utils import timezone

from audits.choices import AuditStatus, Grade, Judgement
from audits.models import Audit, Finding, Moderation
from cases.choices import CaseStatus
from cases.models import Case
from cases.services import case_save
from dashboard.services import rollup_refresh
from processes.models import Process, RequiredOutcome
from processes.services import system_user
from tests.cast import area
from timeliness.choices import DueStatus
from timeliness.models import DueItem

TODAY = timezone.localdate()
GRADES = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]
JUDGEMENTS = [Judgement.MET, Judgement.MET, Judgement.PARTLY_MET, Judgement.NOT_MET, Judgement.NOT_APPLICABLE]


def processes():
    made = []
    for position, (area_key, key) in enumerate(
        [
            ("advice-and-assessment", "dash-assessment"),
            ("children-in-care", "dash-cic"),
            ("children-in-care", "dash-lac"),
        ],
        start=1,
    ):
        process = Process.objects.create(
            area=area(area_key),
            key=key,
            name=f"Dashboard process {key}",
            position=position,
            lead="Team Manager",
            subject_kind="case",
            grades=True,
        )
        for number in (1, 2, 3):
            RequiredOutcome.objects.create(process=process, position=number, text=f"{key} outcome {number}")
        made.append(process)
    return made


def build(cast, *, audits: int, extra_cases: int = 2, seed: int = 1):
    """`audits` records spread over the last 15 months, teams, grades and judgements, with a due item
    each (some on time, some late), open items (some overdue), moderations, a draft or two, and cases
    never audited. Returns the processes."""
    rng = random.Random(seed)
    made = processes()
    actor = system_user()
    for team_key in ("assessment", "cic", "yos"):
        for number in range(extra_cases):
            case_save(
                actor=actor,
                case=Case(
                    reference=f"DASH-{team_key[:3].upper()}-{seed}-{number}",
                    child_name=f"Dashchild {team_key} {number}",
                    date_of_birth=date(2016, 5, 1),
                    team=cast.teams[team_key],
                ),
            )
    cases = list(Case.objects.filter(status=CaseStatus.OPEN).select_related("team"))
    # Half the cases are audited; the rest stay never audited (or only have drafts).
    audited = cases[: max(1, len(cases) // 2)]
    outcomes = {p.pk: list(p.outcomes.order_by("position")) for p in made}
    author = cast["tm.assessment"]
    for number in range(audits):
        case = rng.choice(audited)
        process = rng.choice(made)
        held_on = TODAY - timedelta(days=rng.randrange(450))
        status = rng.choice([AuditStatus.SUBMITTED, AuditStatus.SUBMITTED, AuditStatus.MODERATED, AuditStatus.AMENDED])
        audit = Audit.objects.create(
            process=process,
            case=case,
            team=case.team,
            carried_out_by=author,
            held_on=held_on,
            due_on=held_on,
            status=status,
            submitted_at=timezone.now(),
            grade=rng.choice(GRADES + [""]),
        )
        Finding.objects.bulk_create(
            Finding(audit=audit, outcome=outcome, judgement=rng.choice(JUDGEMENTS)) for outcome in outcomes[process.pk]
        )
        if status == AuditStatus.MODERATED and audit.grade:
            Moderation.objects.create(
                audit=audit, moderator=cast["hos"], original_grade=audit.grade, agreed=rng.random() < 0.7, reason="x"
            )
        due_on = held_on + timedelta(days=rng.choice([-3, 0, 5]))
        DueItem.objects.create(
            key=f"dash-{seed}-{number}",
            process=process,
            case=case,
            team=case.team,
            due_on=due_on,
            status=DueStatus.DONE,
            satisfied_by=audit,
            completed_on=held_on,
        )
    for number in range(audits // 3 + 1):
        case = rng.choice(cases)
        DueItem.objects.create(
            key=f"dash-open-{seed}-{number}",
            process=rng.choice(made),
            case=case,
            team=case.team,
            due_on=TODAY + timedelta(days=rng.randrange(-200, 60)),
            status=rng.choice([DueStatus.OPEN, DueStatus.OPEN, DueStatus.CANCELLED]),
        )
    # A draft does not count anywhere, and does not make its case audited.
    Audit.objects.create(
        process=made[0], case=cases[-1], team=cases[-1].team, carried_out_by=author, held_on=TODAY, grade=Grade.GOOD
    )
    rollup_refresh(today=TODAY)
    return made
