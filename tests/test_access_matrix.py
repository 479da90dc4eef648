"""Every page answers every role as the scope says: a matrix of URL x demo role.

anonymous -> sign in (302); no permission -> 403; outside the user's scope -> 404; otherwise 200.
Pages added by later work join the matrix by adding a row here.
"""

import pytest

from tests.cast import ROLE_NAMES

pytestmark = pytest.mark.django_db

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
EVERYONE = {name: OK for name in ROLE_NAMES}
CASE_READERS = {**EVERYONE, "scrutiny": FORBIDDEN}
QA_ADMIN_ONLY = {name: FORBIDDEN for name in ROLE_NAMES} | {"qa.admin": OK}


def case_page(allowed: set[str]) -> dict:
    """A page about one case: 200 for those in its scope, 404 for other case readers, 403 for scrutiny."""
    return {name: (OK if name in allowed else NOT_FOUND) for name in ROLE_NAMES} | {"scrutiny": FORBIDDEN}


SERVICE_WIDE = {"qa.admin", "hos"}
ASSESSMENT_CASE = case_page(SERVICE_WIDE | {"tm.assessment", "sw.assessment", "chair"})
UNCHAIRED_ASSESSMENT_CASE = case_page(SERVICE_WIDE | {"tm.assessment", "sw.assessment"})
CIC_CASE = case_page(SERVICE_WIDE | {"tm.cic", "iro"})
YOS_CASE = case_page(SERVICE_WIDE | {"tm.yos"})

# (label, url template, expected answer per role). {assessment} etc. are the cast's case ids.
MATRIX = [
    ("home", "/", EVERYONE),
    ("process list", "/processes/", EVERYONE),
    ("catalogue upload", "/processes/upload/", QA_ADMIN_ONLY),
    # With nothing uploaded yet, the preview sends the administrator back to choose a file.
    ("catalogue upload preview", "/processes/upload/preview/", QA_ADMIN_ONLY | {"qa.admin": REDIRECT}),
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
]


def resolve(template: str, cast) -> str:
    return template.format(**{key: case.pk for key, case in cast.cases.items()})


@pytest.mark.parametrize("label,template,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_anonymous_visitors_are_sent_to_sign_in(client, cast, label, template, expected):
    response = client.get(resolve(template, cast))
    if template == "/":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("label,template,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_the_answer_its_scope_gives(client, cast, label, template, expected, role):
    client.force_login(cast[role])
    response = client.get(resolve(template, cast))
    assert response.status_code == expected[role], f"{role} on {label}"
