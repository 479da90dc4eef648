"""Every page answers every role as the scope says: a matrix of URL x demo role.

anonymous -> sign in (302); no permission -> 403; outside the user's scope -> 404; otherwise 200.
The matrix is checked against the URL resolver: every URL pattern of the project needs a row (its
name, a URL that resolves to it, and each demo role's answer), or test_every_url_pattern_has_a_row
fails naming it. Only the admin site and Django's own auth views are exempt (EXEMPT, below).
A row's {placeholders} are the cast's ids (`cast_ids`) or the ids of the records `matrix_objects`
makes (only for the rows that name them: TestRowsAboutARecord). The catalogue, the cast and those
records are each built once, each test running in its own savepoint (tests/once.py).
"""

import copy
from datetime import date, timedelta
from string import Formatter
from typing import NamedTuple

import pytest
from django.contrib.auth import urls as auth_urls
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from django.urls import resolve as resolve_url
from django.utils import timezone

from audits.models import Action
from audits.services import audit_save, audit_start, audit_submit
from fostering.models import FosterCarer
from fostering.services import foster_carer_save
from processes.models import Process
from tests.audits.helpers import record as recorded
from tests.cast import ROLE_NAMES
from tests.once import rolled_back_at_the_end

# The catalogue (who leads what decides the recording pages) and the cast are built once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

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


class Row(NamedTuple):
    label: str
    name: str  # the URL pattern's namespaced name: the URL must resolve to it
    template: str
    expected: dict
    method: str = "get"  # "post" for an endpoint that answers POST only (empty form)
    anonymous: int = REDIRECT  # 302 to sign in, but for a page open to all (the health check)


ACTION_PEOPLE = {"sw.assessment", "tm.assessment"}  # the action's owner and the audit's author
CARER_READERS = SERVICE_WIDE | TEAM_MANAGERS | {"sw.assessment"}


def carer_page(allowed: set[str]) -> dict:
    """A foster carer's page: 200 in its scope, 404 for others who see carers, 403 for those who see none."""
    return only(CARER_READERS, NOT_FOUND) | dict.fromkeys(allowed, OK)


CIC_CARER = carer_page(SERVICE_WIDE | {"tm.cic"})

# (label, pattern name, url template, expected answer per role[, method[, anonymous answer]]).
# {assessment} etc. are the cast's case ids, {team} and {staff} the assessment team's and its social
# worker's; {submitted_audit}, {draft_audit}, {workforce_record}, {action} and {foster_carer} the records of
# `matrix_objects`.
ROWS = [
    ("home", "home", "/", EVERYONE),
    # The load balancer's probe: open to all, signed in or not.
    ("health check", "healthz", "/healthz", EVERYONE, "get", OK),
    # The timeout warning's "Stay signed in": any signed-in person renews their session; nothing to show.
    ("stay signed in", "session_keep_alive", "/session/keep-alive", dict.fromkeys(ROLE_NAMES, 204), "post"),
    ("process page", "processes:process_detail", "/processes/aa-core-groups/", EVERYONE),
    ("missing process page", "processes:process_detail", "/processes/no-such-process/", record_page()),
    ("process list", "processes:process_list", "/processes/", EVERYONE),
    ("catalogue upload", "processes:catalogue_upload", "/processes/upload/", QA_ADMIN_ONLY),
    # With nothing uploaded yet, the preview sends the administrator back to choose a file.
    (
        "catalogue upload preview",
        "processes:catalogue_upload_preview",
        "/processes/upload/preview/",
        QA_ADMIN_ONLY | {"qa.admin": REDIRECT},
    ),
    (
        "local timescale change",
        "processes:schedule_override_edit",
        "/processes/aa-core-groups/schedule/",
        QA_ADMIN_ONLY,
    ),
    # A statutory rule: the administrator is told why it cannot be changed here (200, no form).
    (
        "statutory timescale change",
        "processes:schedule_override_edit",
        "/processes/voice-children-in-care/schedule/",
        QA_ADMIN_ONLY,
    ),
    (
        "missing process timescale",
        "processes:schedule_override_edit",
        "/processes/no-such-process/schedule/",
        QA_ADMIN_ONLY | {"qa.admin": NOT_FOUND},
    ),
    ("case list", "cases:case_list", "/cases/", CASE_READERS),
    ("case export", "cases:case_export", "/cases/export.csv", CASE_READERS),
    ("case import", "cases:case_import", "/cases/import/", QA_ADMIN_ONLY),
    ("case import guidance", "cases:case_import_guidance", "/cases/import/guidance/", QA_ADMIN_ONLY),
    ("case import template", "cases:case_import_template", "/cases/import/template.csv", QA_ADMIN_ONLY),
    # An import's page (checking, preview, progress, summary) is its uploader's alone; an unknown one is not there.
    ("case import job", "cases:case_import_job", "/cases/import/999999/", QA_ADMIN_ONLY | {"qa.admin": NOT_FOUND}),
    ("assessment case", "cases:case_detail", "/cases/{assessment}/", ASSESSMENT_CASE),
    ("assessment case history", "cases:case_history", "/cases/{assessment}/history/", ASSESSMENT_CASE),
    ("unchaired assessment case", "cases:case_detail", "/cases/{assessment_unchaired}/", UNCHAIRED_ASSESSMENT_CASE),
    ("children in care case", "cases:case_detail", "/cases/{cic}/", CIC_CASE),
    ("children in care case history", "cases:case_history", "/cases/{cic}/history/", CIC_CASE),
    ("youth offending case", "cases:case_detail", "/cases/{yos}/", YOS_CASE),
    ("missing case", "cases:case_detail", "/cases/999999/", case_page(set())),
    ("access log", "cases:access_log", "/access-log/", QA_ADMIN_ONLY),
    # Break glass: anyone who reaches case data may ask (board and scrutiny roles never); QA
    # administrators review. tests/cases/test_break_glass.py covers a real grant's pages.
    ("open a case outside one's scope", "cases:break_glass_request", "/cases/outside-scope/", CASE_READERS),
    ("accesses outside scope to review", "cases:break_glass_list", "/cases/outside-scope/reviews/", QA_ADMIN_ONLY),
    (
        "review a missing access outside scope",
        "cases:break_glass_review",
        "/cases/outside-scope/999999/review/",
        QA_ADMIN_ONLY | {"qa.admin": NOT_FOUND},
    ),
    ("team list", "workforce:team_list", "/workforce/teams/", QA_ADMIN_ONLY),
    ("team add", "workforce:team_add", "/workforce/teams/add/", QA_ADMIN_ONLY),
    ("staff list", "workforce:staff_list", "/workforce/staff/", QA_ADMIN_ONLY),
    ("staff add", "workforce:staff_add", "/workforce/staff/add/", QA_ADMIN_ONLY),
    ("team page", "workforce:team_detail", "/workforce/teams/{team}/", QA_ADMIN_ONLY),
    ("team edit", "workforce:team_edit", "/workforce/teams/{team}/edit/", QA_ADMIN_ONLY),
    ("staff page", "workforce:staff_detail", "/workforce/staff/{staff}/", QA_ADMIN_ONLY),
    ("staff edit", "workforce:staff_edit", "/workforce/staff/{staff}/edit/", QA_ADMIN_ONLY),
    (
        "invite a person (POST)",
        "workforce:staff_invite",
        "/workforce/staff/{staff}/invite/",
        only({"qa.admin"}, REDIRECT),
        "post",
    ),
    # Accounts (tests/workforce/test_account_rules.py, test_account_emails.py): an unknown email-change link
    # is not there for anyone, signed in or not (the page is open to whoever holds a real link).
    ("email change link", "workforce:email_change_confirm", "/workforce/email/not-a-token/", record_page(), "get", 404),
    ("role requests", "workforce:role_request_list", "/workforce/role-requests/", QA_ADMIN_ONLY),
    (
        "approve a missing role request (POST)",
        "workforce:role_request_approve",
        "/workforce/role-requests/999999/approve/",
        only({"qa.admin"}, NOT_FOUND),
        "post",
    ),
    (
        "refuse a missing role request (POST)",
        "workforce:role_request_refuse",
        "/workforce/role-requests/999999/refuse/",
        only({"qa.admin"}, NOT_FOUND),
        "post",
    ),
    # Recording (audits.views); tests/audits/test_views_writes.py covers every write role by role.
    ("audit list", "audits:audit_list", "/audits/", EVERYONE),
    ("audit export", "audits:audit_export", "/audits/export.csv", EVERYONE),
    ("record an audit", "audits:audit_new", "/audits/new/", LEADS_A_PROCESS),
    ("start a sample audit", "audits:audit_start", "/audits/new/csc-sample-audit/", only(MANAGERS)),
    ("start a supervision record", "audits:audit_start", "/audits/new/csc-supervision/", only(TEAM_MANAGERS)),
    ("start an unknown process", "audits:audit_start", "/audits/new/no-such-process/", record_page()),
    (
        "submitted audit of the assessment case",
        "audits:audit_detail",
        "/audits/{submitted_audit}/",
        record_page(ok=SEES_ASSESSMENT_CASE),
    ),
    # A draft is its author's alone until submitted: for everyone else it is not there.
    ("draft audit of the assessment case", "audits:audit_detail", "/audits/{draft_audit}/", record_page(ok={AUTHOR})),
    ("edit the draft", "audits:audit_edit", "/audits/{draft_audit}/edit/", record_page(ok={AUTHOR})),
    # The draft's autosave (POST, JSON): an empty post carries no version, so its author is refused it (400).
    (
        "autosave the draft (POST)",
        "audits:audit_autosave",
        "/audits/{draft_audit}/autosave/",
        record_page() | {AUTHOR: 400},
        "post",
    ),
    # A submitted record is no draft: its author is told (409); others who see it may not write it.
    (
        "autosave the submitted audit (POST)",
        "audits:audit_autosave",
        "/audits/{submitted_audit}/autosave/",
        record_page(forbidden=SEES_ASSESSMENT_CASE - {AUTHOR}) | {AUTHOR: 409},
        "post",
    ),
    (
        "edit the submitted audit (sent to the record)",
        "audits:audit_edit",
        "/audits/{submitted_audit}/edit/",
        record_page(redirect={AUTHOR}, forbidden=SEES_ASSESSMENT_CASE - {AUTHOR}),
    ),
    (
        "amend the submitted audit",
        "audits:audit_amend",
        "/audits/{submitted_audit}/amend/",
        record_page(ok={AUTHOR} | MODERATORS, forbidden=SEES_ASSESSMENT_CASE - {AUTHOR} - MODERATORS),
    ),
    (
        "amend the draft (sent to the draft)",
        "audits:audit_amend",
        "/audits/{draft_audit}/amend/",
        record_page(redirect={AUTHOR}),
    ),
    # Who is no moderator is refused before the record is looked up: 403 in or out of scope.
    ("moderate the submitted audit", "audits:audit_moderate", "/audits/{submitted_audit}/moderate/", only(MODERATORS)),
    # A moderator is refused a draft that is not theirs as if it did not exist.
    ("moderate the draft", "audits:audit_moderate", "/audits/{draft_audit}/moderate/", only(MODERATORS, NOT_FOUND)),
    (
        "workforce record about the social worker",
        "audits:audit_detail",
        "/audits/{workforce_record}/",
        record_page(ok=SERVICE_WIDE | {"tm.assessment", "sw.assessment"}),
    ),
    ("missing audit", "audits:audit_detail", "/audits/999999/", record_page()),
    (
        "mark an action done (POST)",
        "audits:action_done",
        "/actions/{action}/done/",
        record_page(redirect=ACTION_PEOPLE, forbidden=SEES_ASSESSMENT_CASE - ACTION_PEOPLE),
        "post",
    ),
    # The foster-carer register (fostering.scope): service-wide roles see every carer, team roles their
    # team's; roles that see no carer at all (chairs, IROs, scrutiny) are refused the register.
    ("foster carer list", "fostering:carer_list", "/fostering/carers/", only(CARER_READERS)),
    ("foster carer of the cic team", "fostering:carer_detail", "/fostering/carers/{foster_carer}/", CIC_CARER),
    ("missing foster carer", "fostering:carer_detail", "/fostering/carers/999999/", carer_page(set())),
    # Timeliness: what is due, for everyone who reaches case data, and each person's notifications.
    ("due list", "timeliness:due_list", "/due/", CASE_READERS),
    ("due list export", "timeliness:due_export", "/due/export.csv", CASE_READERS),
    ("notifications", "timeliness:notification_list", "/notifications/", EVERYONE),
    (
        "mark notifications read (POST)",
        "timeliness:notifications_read",
        "/notifications/read/",
        dict.fromkeys(ROLE_NAMES, REDIRECT),
        "post",
    ),
    # The dashboard: managers (their teams), service-wide roles, board and scrutiny (aggregates only).
    ("dashboard", "dashboard:dashboard", "/dashboard/", only(DASHBOARD_READERS)),
    (
        "dashboard table export",
        "dashboard:dashboard_export",
        "/dashboard/export.csv?table=trends",
        only(DASHBOARD_READERS),
    ),
    (
        "never-audited cases export",
        "dashboard:dashboard_export",
        "/dashboard/export.csv?table=never_audited",
        only(DASHBOARD_READERS - {"scrutiny"}),
    ),
    ("management report", "dashboard:dashboard_report", "/dashboard/report/?kind=management", only(DASHBOARD_READERS)),
    (
        "annual health check",
        "dashboard:dashboard_report",
        "/dashboard/report/?kind=health-check&period=12m",
        only(DASHBOARD_READERS),
    ),
]
MATRIX = [Row(*row) for row in ROWS]


# The records `matrix_objects` makes, by placeholder. A row naming one is checked in
# TestRowsAboutARecord, which makes them once for its tests; the other rows see a database without them.
RECORD_PLACEHOLDERS = {"submitted_audit", "draft_audit", "workforce_record", "action", "foster_carer"}


def make_matrix_objects(cast) -> dict[str, int]:
    """Records the recording rows need: a submitted (graded) and a draft sample audit of the assessment
    case by its team manager, a submitted supervision record about its social worker, and an action
    the social worker owns."""
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
        # An action for the social worker, on a record (one outcome not met) of the assessment case.
        "action": Action.objects.get(
            audit=recorded(
                manager,
                "csc-sample-audit",
                case=cast.cases["assessment"],
                not_met=True,
                action_owner=cast["sw.assessment"],
            )
        ).pk,
        # A household the children-in-care team supervises.
        "foster_carer": foster_carer_save(
            actor=manager,
            carer=FosterCarer(
                reference="FC-1",
                name="Mr and Mrs A Smith",
                approved_on=date(2024, 5, 1),
                supervising_team=cast.teams["cic"],
            ),
        ).pk,
    }


@pytest.fixture(scope="class")
def matrix_objects(cast_once, django_db_blocker) -> dict[str, int]:
    """The records, made once for a class (with a copy of the module's cast) in a savepoint rolled back
    when the class ends."""
    with rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            objects = make_matrix_objects(copy.deepcopy(cast_once))
        yield objects


def cast_ids(cast) -> dict[str, int]:
    ids = {key: case.pk for key, case in cast.cases.items()}
    return ids | {"team": cast.teams["assessment"].pk, "staff": cast["sw.assessment"].staff_profile.pk}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def resolve(template: str, cast, objects: dict[str, int] | None = None) -> str:
    return template.format(**cast_ids(cast), **(objects or {}))


def send(client, row: Row, url: str):
    return client.post(url) if row.method == "post" else client.get(url)


def assert_sent_to_sign_in(client, row: Row, url: str):
    response = send(client, row, url)
    assert response.status_code == row.anonymous
    if row.anonymous != REDIRECT:
        return
    if row.template == "/":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response["Location"].startswith("/accounts/login/?next=")


def assert_the_answer_its_scope_gives(client, cast, row: Row, role: str, url: str):
    client.force_login(cast[role])
    response = send(client, row, url)
    assert response.status_code == row.expected[role], f"{role} on {row.label}"


ROWS_ABOUT_A_RECORD = [row for row in MATRIX if placeholders(row.template) & RECORD_PLACEHOLDERS]
OTHER_ROWS = [row for row in MATRIX if row not in ROWS_ABOUT_A_RECORD]


def ids(rows) -> list[str]:
    return [row.label for row in rows]


def a_role_answered(row: Row, answer: int = OK) -> str:
    """A role the row answers with `answer` (the first in the cast's order), else the first role."""
    return next((name for name in ROLE_NAMES if row.expected[name] == answer), ROLE_NAMES[0])


def assert_never_stored(client, cast, row: Row, url: str):
    """Any page may carry a child's data: browsers and proxies keep none of it (core.middleware)."""
    for role in {a_role_answered(row), a_role_answered(row, FORBIDDEN), a_role_answered(row, NOT_FOUND)}:
        client.force_login(cast[role])
        response = send(client, row, url)
        assert "no-store" in response.get("Cache-Control", ""), f"{role} on {row.label}"
        assert "Cookie" in response.get("Vary", ""), f"{role} on {row.label}"


@pytest.mark.parametrize("row", OTHER_ROWS, ids=ids(OTHER_ROWS))
def test_anonymous_visitors_are_sent_to_sign_in(client, cast, row):
    assert_sent_to_sign_in(client, row, resolve(row.template, cast))


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("row", OTHER_ROWS, ids=ids(OTHER_ROWS))
def test_each_role_gets_the_answer_its_scope_gives(client, cast, row, role):
    assert_the_answer_its_scope_gives(client, cast, row, role, resolve(row.template, cast))


@pytest.mark.parametrize("row", OTHER_ROWS, ids=ids(OTHER_ROWS))
def test_no_answer_to_a_signed_in_user_may_be_stored(client, cast, row):
    assert_never_stored(client, cast, row, resolve(row.template, cast))


class TestRowsAboutARecord:
    """The rows that name a record of `matrix_objects`, made once for the class."""

    @pytest.mark.parametrize("row", ROWS_ABOUT_A_RECORD, ids=ids(ROWS_ABOUT_A_RECORD))
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, cast, matrix_objects, row):
        assert_sent_to_sign_in(client, row, resolve(row.template, cast, matrix_objects))

    @pytest.mark.parametrize("role", ROLE_NAMES)
    @pytest.mark.parametrize("row", ROWS_ABOUT_A_RECORD, ids=ids(ROWS_ABOUT_A_RECORD))
    def test_each_role_gets_the_answer_its_scope_gives(self, client, cast, matrix_objects, row, role):
        assert_the_answer_its_scope_gives(client, cast, row, role, resolve(row.template, cast, matrix_objects))

    @pytest.mark.parametrize("row", ROWS_ABOUT_A_RECORD, ids=ids(ROWS_ABOUT_A_RECORD))
    def test_no_answer_to_a_signed_in_user_may_be_stored(self, client, cast, matrix_objects, row):
        assert_never_stored(client, cast, row, resolve(row.template, cast, matrix_objects))

    def test_every_placeholder_is_a_cast_id_or_a_record_made_here(self, cast, matrix_objects):
        assert matrix_objects.keys() == RECORD_PLACEHOLDERS
        named = {name for row in MATRIX for name in placeholders(row.template)}
        assert named - cast_ids(cast).keys() - RECORD_PLACEHOLDERS == set()


#
# The matrix against the URL resolver: every pattern has a row, every row the pattern it names
#

# Patterns with no row, and why. Nothing else may be left out.
EXEMPT_ROUTES = (
    "admin/",  # Django's admin site (named and unnamed patterns): is_staff and its own permission checks
)
# Django's own auth views (django.contrib.auth.urls; the project configures login and password_reset
# with its own form and throttle, tested in tests/workforce/test_password_reset.py and the browser tests).
EXEMPT_NAMES = {pattern.name for pattern in auth_urls.urlpatterns}


def url_patterns(patterns, prefix: str = "", namespace: str = ""):
    """(namespaced name, route) of every pattern under `patterns`, walking included URLconfs."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or f"(unnamed {pattern.lookup_str})", prefix + str(pattern.pattern)


def exempt(name: str, route: str) -> bool:
    return route.startswith(EXEMPT_ROUTES) or name in EXEMPT_NAMES


def patterns_without_a_row(patterns, rows=MATRIX) -> list[str]:
    named = {row.name for row in rows}
    found = url_patterns(patterns)
    return [f"{name} ({route})" for name, route in found if not exempt(name, route) and name not in named]


def test_every_url_pattern_has_a_row():
    missing = patterns_without_a_row(get_resolver().url_patterns)
    assert not missing, "URL patterns with no row in tests/test_access_matrix.py: " + ", ".join(missing)


def test_a_pattern_with_no_row_fails_the_check():
    def view(request, **kwargs):
        return HttpResponse()

    extra = [
        path("secret/", view, name="secret_report"),
        path("more/", include(([path("<int:pk>/", view, name="page")], "extra"))),
    ]
    assert patterns_without_a_row([*get_resolver().url_patterns, *extra]) == [
        "secret_report (secret/)",
        "extra:page (more/<int:pk>/)",
    ]


def test_the_admin_and_djangos_auth_views_are_the_only_exemptions():
    skipped = {
        name
        for name, route in url_patterns(get_resolver().url_patterns)
        if exempt(name, route) and not route.startswith(EXEMPT_ROUTES)
    }
    assert skipped == EXEMPT_NAMES
    assert {"login", "logout", "password_reset", "password_reset_confirm"} <= EXEMPT_NAMES


@pytest.mark.parametrize("row", MATRIX, ids=ids(MATRIX))
def test_each_rows_url_resolves_to_the_pattern_it_names(row):
    url = row.template.format(**dict.fromkeys(placeholders(row.template), 1)).partition("?")[0]
    assert resolve_url(url).view_name == row.name
