"""The case import in the browser: QA administrators only; preview, then apply or cancel; nothing written on error."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases.forms import MAX_CASE_FILE_BYTES
from cases.models import Case, Episode
from processes.services import system_user
from tests.cases.test_case_import import GOOD, people, teams  # noqa: F401 (fixtures)
from workforce.services import team_update

pytestmark = pytest.mark.django_db

PAGES = ["/cases/import/", "/cases/import/preview/"]


def upload(client, name="cases.csv", content: bytes | None = None):
    content = GOOD.read_bytes() if content is None else content
    return client.post("/cases/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def history_rows() -> int:
    return Case.history.count() + Episode.history.count()


@pytest.fixture
def admin_client(client, people):  # noqa: F811 (a fixture)
    client.force_login(people["admin"])
    return client


#
# Access
#


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_a_team_manager_may_not_import_cases(client, people, path):  # noqa: F811
    client.force_login(people["north_manager"])
    assert client.get(path).status_code == 403
    assert client.post(path, {"action": "apply"}).status_code == 403


def test_a_qa_administrator_sees_the_upload_form(admin_client):
    response = admin_client.get("/cases/import/")
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_the_preview_without_an_upload_sends_back_to_the_form(admin_client):
    response = admin_client.get("/cases/import/preview/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/import/"


#
# Preview, apply, cancel
#


def test_a_qa_administrator_previews_a_file_then_applies_it(admin_client, people):  # noqa: F811
    response = upload(admin_client)
    assert response.status_code == 302
    assert response["Location"] == "/cases/import/preview/"

    preview = admin_client.get("/cases/import/preview/")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated" in page
    assert all(reference in page for reference in ("C-0001", "C-0002", "C-0003"))
    assert "Example" not in page and "2015-03-04" not in page  # references only: no child's details
    assert Case.objects.count() == 0

    response = admin_client.post("/cases/import/preview/", {"action": "apply"})

    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert Case.objects.count() == 3 and Episode.objects.count() == 3
    assert {record.history_user for record in Case.history.all()} == {people["admin"]}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Cases imported from cases.csv: 3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated."
    ]
    assert admin_client.get("/cases/import/preview/").status_code == 302  # the upload is gone from the session


def test_the_preview_lists_the_references_that_would_be_updated(admin_client, people):  # noqa: F811
    call_command("import_cases", str(GOOD), stdout=io.StringIO())
    changed = GOOD.read_text(encoding="utf-8").replace("Welsh", "Welsh and English").encode("utf-8")

    upload(admin_client, content=changed)
    page = admin_client.get("/cases/import/preview/").content.decode()

    assert "0 cases added, 1 updated, 2 unchanged" in page
    assert '<ul class="govuk-list govuk-list--bullet" id="updated"><li>C-0003</li></ul>' in page


def test_a_preview_of_an_imported_file_says_nothing_would_change(admin_client):
    call_command("import_cases", str(GOOD), stdout=io.StringIO())

    upload(admin_client)
    page = admin_client.get("/cases/import/preview/").content.decode()

    assert "Nothing would change" in page
    assert 'value="apply"' not in page


def test_cancelling_a_preview_changes_nothing(admin_client):
    upload(admin_client)

    response = admin_client.post("/cases/import/preview/", {"action": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == "/cases/import/"
    assert (Case.objects.count(), history_rows()) == (0, 0)
    assert admin_client.get("/cases/import/preview/").status_code == 302


def test_the_file_is_validated_again_on_apply(admin_client, teams):  # noqa: F811
    upload(admin_client)
    team_update(actor=system_user(), team=teams["south"], is_active=False)

    response = admin_client.post("/cases/import/preview/", {"action": "apply"})

    assert response.status_code == 400
    assert "line 4: team: &#x27;South Assessment Team&#x27; is not an active team" in response.content.decode()
    assert (Case.objects.count(), history_rows()) == (0, 0)


#
# Bad uploads
#


def test_a_bad_file_re_renders_the_form_with_every_problem_and_writes_nothing(admin_client):
    text = GOOD.read_text(encoding="utf-8")
    text = text.replace("2015-03-04", "2999-01-01").replace("looked_after", "adopted")

    response = upload(admin_client, content=text.encode("utf-8"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "<title>Error: Import cases" in page
    assert "line 2: date_of_birth: &#x27;2999-01-01&#x27; is in the future" in page
    assert "line 3: date_of_birth: &#x27;2999-01-01&#x27; is in the future" in page
    assert "line 4: episode_kind: &#x27;adopted&#x27; is not an episode kind" in page
    assert (Case.objects.count(), history_rows()) == (0, 0)
    assert admin_client.get("/cases/import/preview/").status_code == 302


def test_an_upload_that_is_not_a_csv_file_is_refused(admin_client):
    response = upload(admin_client, name="cases.xlsx")
    assert response.status_code == 400
    assert "The file must be a .csv file" in response.content.decode()


def test_an_upload_over_5_mb_is_refused(admin_client):
    response = upload(admin_client, content=b"x" * (MAX_CASE_FILE_BYTES + 1))
    assert response.status_code == 400
    assert "The CSV file must be smaller than 5 MB" in response.content.decode()


def test_an_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post("/cases/import/", {})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()


def test_a_nul_byte_is_refused_at_the_preview_naming_its_line_and_column(admin_client):
    lines = GOOD.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b"\x00,", 1)  # the end of line 3's reference

    response = upload(admin_client, content=b"\n".join(lines))

    assert response.status_code == 400
    assert "line 3: reference: holds a NUL character (byte 0)" in response.content.decode()
    assert admin_client.get("/cases/import/preview/").status_code == 302  # nothing waits to be applied
    assert (Case.objects.count(), history_rows()) == (0, 0)
