"""Every page answers every role as the scope says: a matrix of URL x demo role.

anonymous -> sign in (302); no permission -> 403; outside the user's scope -> 404; otherwise 200.
Pages added by later work join the matrix by adding a row here. A row's {placeholders} are the cast's
case ids or the ids of the records `matrix_objects` makes (built only for the rows that name them).
"""

from datetime import timedelta
from string import Formatter

import pytest
from django.utils import timezone

from audits.services import audit_save, audit_start, audit_submit
from processes.models import Process
from tests.cast import ROLE_NAMES

# The catalogue (who leads what decides the recording pages) is loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
EVERYONE = {name: OK for name in ROLE_NAMES}
CASE_READERS = {**EVERYONE, "scrutiny": FORBIDDEN}
QA_ADMIN_ONLY = {name: FORBIDDEN for name in ROLE_NAMES} | {"qa.admin": OK}


def case_page(allowed: set[str]) -> dict:
    """A page about one case: 200 for those in its scope, 404 for other case readers, 403 for scrutiny."""
    return {name: (OK if name in allowed else NOT_FOUND) for name in ROLE_NAMES} | {"scrutiny": FORBIDDEN}


SERVICE_WIDE = {"qa.admin", "hos"}
SEES_ASSESSMENT_CASE = SERVICE_WIDE | {"tm.assessment", "sw.assessment", "chair"}
ASSESSMENT_CASE = case_page(SEES_ASSESSMENT_CASE)
UNCHAIRED_ASSESSMENT_CASE = case_page(SERVICE_WIDE | {"tm.assessment", "sw.assessment"})
CIC_CASE = case_page(SERVICE_WIDE | {"tm.cic", "iro"})
YOS_CASE = case_page(SERVICE_WIDE | {"tm.yos"})


def record_page(ok=frozenset(), forbidden=frozenset(), redirect=frozenset()) -> dict:
    """A page about one record: 404 for everyone not named (scrutiny too: no record of a child is theirs)."""
    return (
        {name: NOT_FOUND for name in ROLE_NAMES}
        | dict.fromkeys(ok, OK)
        | dict.fromkeys(forbidden, FORBIDDEN)
        | dict.fromkeys(redirect, REDIRECT)
    )


def only(allowed: set[str], answer: int = OK) -> dict:
    """A page that some roles may use (`answer`) and every other role is refused (403)."""
    return {name: FORBIDDEN for name in ROLE_NAMES} | dict.fromkeys(allowed, answer)


MANAGERS = {"tm.assessment", "tm.cic", "tm.yos", "hos"}
TEAM_MANAGERS = {"tm.assessment", "tm.cic", "tm.yos"}
MODERATORS = {"hos", "qa.admin"}
# With the whole catalogue loaded: the QA administrator's and scrutiny's roles lead no process.
LEADS_A_PROCESS = EVERYONE | {"qa.admin": FORBIDDEN, "scrutiny": FORBIDDEN}
AUTHOR = "tm.assessment"
DASHBOARD_READERS = MANAGERS | {"qa.admin", "scrutiny"}

# (label, url template, expected answer per role). {assessment} etc. are the cast's case ids;
# {submitted_audit}, {draft_audit} and {workforce_record} the records of `matrix_objects`.
MATRIX = [
    ("home", "/", EVERYONE),
    ("process list", "/processes/", EVERYONE),
    ("catalogue upload", "/processes/upload/", QA_ADMIN_ONLY),
    # With nothing uploaded yet, the preview sends the administrator back to choose a file.
    ("catalogue upload preview", "/processes/upload/preview/", QA_ADMIN_ONLY | {"qa.admin": REDIRECT}),
    ("local timescale change", "/processes/aa-core-groups/schedule/", QA_ADMIN_ONLY),
    # A statutory rule: the administrator is told why it cannot be changed here (200, no form).
    ("statutory timescale change", "/processes/voice-children-in-care/schedule/", QA_ADMIN_ONLY),
    ("missing process timescale", "/processes/no-such-process/schedule/", QA_ADMIN_ONLY | {"qa.admin": NOT_FOUND}),
    ("case list", "/cases/", CASE_READERS),
    ("case export", "/cases/export.csv", CASE_READERS),
    ("case import", "/cases/import/", QA_ADMIN_ONLY),
    ("assessment case", "/cases/{assessment}/", ASSESSMENT_CASE),
    ("assessment case history", "/cases/{assessment}/history/", ASSESSMENT_CASE),
    ("unchaired assessment case", "/cases/{assessment_unchaired}/", UNCHAIRED_ASSESSMENT_CASE),
    ("children in care case", "/cases/{cic}/", CIC_CASE),
    ("children in care case history", "/cases/{cic}/history/", CIC_CASE),
    ("youth offending case", "/cases/{yos}/", YOS_CASE),
    ("missing case", "/cases/999999/", case_page(set())),
    ("access log", "/access-log/", QA_ADMIN_ONLY),
    ("team list", "/workforce/teams/", QA_ADMIN_ONLY),
    ("team add", "/workforce/teams/add/", QA_ADMIN_ONLY),
    ("staff list", "/workforce/staff/", QA_ADMIN_ONLY),
    ("staff add", "/workforce/staff/add/", QA_ADMIN_ONLY),
    # Recording (audits.views). Action done (/actions/<pk>/done/) answers POST only: see
    # tests/audits/test_recording_views.py, which also covers every write role by role.
    ("audit list", "/audits/", EVERYONE),
    ("audit export", "/audits/export.csv", EVERYONE),
    ("record an audit", "/audits/new/", LEADS_A_PROCESS),
    ("start a sample audit", "/audits/new/csc-sample-audit/", only(MANAGERS)),
    ("start a supervision record", "/audits/new/csc-supervision/", only(TEAM_MANAGERS)),
    ("start an unknown process", "/audits/new/no-such-process/", record_page()),
    ("submitted audit of the assessment case", "/audits/{submitted_audit}/", record_page(ok=SEES_ASSESSMENT_CASE)),
    # A draft is its author's alone until submitted: for everyone else it is not there.
    ("draft audit of the assessment case", "/audits/{draft_audit}/", record_page(ok={AUTHOR})),
    ("edit the draft", "/audits/{draft_audit}/edit/", record_page(ok={AUTHOR})),
    (
        "edit the submitted audit (sent to the record)",
        "/audits/{submitted_audit}/edit/",
        record_page(redirect={AUTHOR}, forbidden=SEES_ASSESSMENT_CASE - {AUTHOR}),
    ),
    (
        "amend the submitted audit",
        "/audits/{submitted_audit}/amend/",
        record_page(ok={AUTHOR} | MODERATORS, forbidden=SEES_ASSESSMENT_CASE - {AUTHOR} - MODERATORS),
    ),
    ("amend the draft (sent to the draft)", "/audits/{draft_audit}/amend/", record_page(redirect={AUTHOR})),
    # Who is no moderator is refused before the record is looked up: 403 in or out of scope.
    ("moderate the submitted audit", "/audits/{submitted_audit}/moderate/", only(MODERATORS)),
    # A moderator is refused a draft that is not theirs as if it did not exist.
    ("moderate the draft", "/audits/{draft_audit}/moderate/", only(MODERATORS, NOT_FOUND)),
    (
        "workforce record about the social worker",
        "/audits/{workforce_record}/",
        record_page(ok=SERVICE_WIDE | {"tm.assessment", "sw.assessment"}),
    ),
    ("missing audit", "/audits/999999/", record_page()),
    # The dashboard: managers (their teams), service-wide roles, board and scrutiny (aggregates only).
    ("dashboard", "/dashboard/", only(DASHBOARD_READERS)),
    ("dashboard table export", "/dashboard/export.csv?table=trends", only(DASHBOARD_READERS)),
    ("never-audited cases export", "/dashboard/export.csv?table=never_audited", only(DASHBOARD_READERS - {"scrutiny"})),
    ("management report", "/dashboard/report/?kind=management", only(DASHBOARD_READERS)),
    ("annual health check", "/dashboard/report/?kind=health-check&period=12m", only(DASHBOARD_READERS)),
]


@pytest.fixture
def matrix_objects(cast) -> dict[str, int]:
    """Records the recording rows need: a submitted (graded) and a draft sample audit of the assessment
    case by its team manager, and a submitted supervision record about its social worker."""
    manager = cast[AUTHOR]

    def record(key, submit=True, **subject):
        audit = audit_start(actor=manager, process=Process.objects.get(key=key), **subject)
        if submit:
            fields = {
                "held_on": timezone.localdate() - timedelta(days=1),
                "grade": "good" if audit.process.grades else "",
            }
            findings = {finding.pk: {"judgement": "met", "evidence": ""} for finding in audit.findings.all()}
            audit_save(actor=manager, audit=audit, fields=fields, findings=findings)
            audit_submit(actor=manager, audit=audit)
        return audit.pk

    return {
        "submitted_audit": record("csc-sample-audit", case=cast.cases["assessment"]),
        "draft_audit": record("csc-sample-audit", submit=False, case=cast.cases["assessment"]),
        "workforce_record": record("csc-supervision", staff_member=cast["sw.assessment"]),
    }


def resolve(template: str, cast, objects: dict[str, int] | None = None) -> str:
    return template.format(**{key: case.pk for key, case in cast.cases.items()}, **(objects or {}))


def objects_for(template: str, cast, request) -> dict[str, int]:
    """The matrix's records, made only for a row that names one (most rows need none)."""
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    return request.getfixturevalue("matrix_objects") if names - cast.cases.keys() else {}


@pytest.mark.parametrize("label,template,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_anonymous_visitors_are_sent_to_sign_in(client, cast, request, label, template, expected):
    response = client.get(resolve(template, cast, objects_for(template, cast, request)))
    if template == "/":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("label,template,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_the_answer_its_scope_gives(client, cast, request, label, template, expected, role):
    url = resolve(template, cast, objects_for(template, cast, request))
    client.force_login(cast[role])
    response = client.get(url)
    assert response.status_code == expected[role], f"{role} on {label}"
