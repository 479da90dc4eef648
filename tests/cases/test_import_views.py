"""The case import in the browser: QA administrators only; the worker checks the file, the administrator
applies or cancels, the worker writes it (Celery runs eagerly here; tests/cases/test_import_jobs.py has a
real worker); nothing written on error."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from cases.choices import ImportStatus
from cases.import_jobs import _progress_key
from cases.models import Case, CaseImportJob, Episode
from processes.services import system_user
from tests.cases.test_case_import import GOOD, people, teams  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from workforce.services import team_update

pytestmark = pytest.mark.django_db

PAGES = ["/cases/import/", "/cases/import/999999/"]


@pytest.fixture
def upload(admin_client, django_capture_on_commit_callbacks):
    """Upload a file and let the (eager) worker check it; returns the choose page's response."""

    def upload(name="cases.csv", content: bytes | None = None):
        content = GOOD.read_bytes() if content is None else content
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(
                "/cases/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
            )

    return upload


@pytest.fixture
def act(admin_client, django_capture_on_commit_callbacks):
    """Press Apply or Cancel on a job's page, letting the (eager) worker run what it queues."""

    def act(job_url, action):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(job_url, {"action": action})

    return act


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


def test_another_administrators_import_is_not_found(client, admin_client, people, upload):  # noqa: F811
    job_url = upload()["Location"]
    other = UserFactory(username="second.admin")
    other.groups.set(people["admin"].groups.all())
    client.force_login(other)
    assert client.get(job_url).status_code == 404
    assert client.post(job_url, {"action": "apply"}).status_code == 404
    assert Case.objects.count() == 0


#
# Check, apply, cancel
#


def test_a_qa_administrator_uploads_a_file_sees_it_checked_then_applies_it(admin_client, people, upload, act):  # noqa: F811
    response = upload()
    job = CaseImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/import/{job.pk}/"
    assert (job.created_by, job.source, job.lines, job.status) == (
        people["admin"],
        "cases.csv",
        4,
        ImportStatus.CHECKED,
    )

    preview = admin_client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated" in page
    assert all(reference in page for reference in ("C-0001", "C-0002", "C-0003"))
    assert "Example" not in page and "2015-03-04" not in page  # references only: no child's details
    assert 'http-equiv="refresh"' not in page  # waiting for the administrator, not for the worker
    assert Case.objects.count() == 0

    response = act(f"/cases/import/{job.pk}/", "apply")

    assert response.status_code == 302
    assert response["Location"] == f"/cases/import/{job.pk}/"
    assert Case.objects.count() == 3 and Episode.objects.count() == 3
    assert {record.history_user for record in Case.history.all()} == {people["admin"]}
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.text == ""  # the file does not wait once imported
    done = admin_client.get(f"/cases/import/{job.pk}/").content.decode()
    assert "Cases imported" in done
    assert "3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated" in done


def test_the_page_refreshes_itself_while_the_worker_checks_and_writes(admin_client, people):  # noqa: F811
    job = CaseImportJob.objects.create(created_by=people["admin"], source="big.csv", text="x", lines=100000)
    page = admin_client.get(f"/cases/import/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "The import will start when the worker is available" in page  # queued, no worker on it yet

    CaseImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())  # as the worker starts
    page = admin_client.get(f"/cases/import/{job.pk}/").content.decode()
    assert "Checking 100000 rows" in page

    CaseImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING, cases_total=100000)
    cache.set(_progress_key(job.pk), 25000)  # as the worker reports it
    page = admin_client.get(f"/cases/import/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "25000 of 100000 cases written (25%)" in page
    assert '<progress class="app-progress" id="progress" max="100000" value="25000">' in page


def test_applying_twice_writes_once(admin_client, upload, act):
    job_url = upload()["Location"]
    act(job_url, "apply")
    act(job_url, "apply")
    assert Case.objects.count() == 3
    assert Case.history.count() == 3


def test_the_page_lists_the_references_that_would_be_updated(admin_client, people, upload):  # noqa: F811
    call_command("import_cases", str(GOOD), stdout=io.StringIO())
    changed = GOOD.read_text(encoding="utf-8").replace("Welsh", "Welsh and English").encode("utf-8")

    page = admin_client.get(upload(content=changed)["Location"]).content.decode()

    assert "0 cases added, 1 updated, 2 unchanged" in page
    assert '<ul class="govuk-list govuk-list--bullet" id="updated"><li>C-0003</li></ul>' in page


def test_a_check_of_an_imported_file_says_nothing_would_change(admin_client, upload, act):
    call_command("import_cases", str(GOOD), stdout=io.StringIO())

    job_url = upload()["Location"]
    page = admin_client.get(job_url).content.decode()

    assert "Nothing would change" in page
    assert 'value="apply"' not in page
    act(job_url, "apply")
    assert CaseImportJob.objects.get().status == ImportStatus.CHECKED


def test_cancelling_changes_nothing_and_forgets_the_file(admin_client, upload, act):
    job_url = upload()["Location"]

    response = act(job_url, "cancel")

    assert response.status_code == 302
    assert response["Location"] == "/cases/import/"
    assert (Case.objects.count(), history_rows()) == (0, 0)
    job = CaseImportJob.objects.get()
    assert (job.status, job.text) == (ImportStatus.CANCELLED, "")
    act(job_url, "apply")
    assert Case.objects.count() == 0


def test_the_file_is_validated_again_on_apply(admin_client, teams, upload, act):  # noqa: F811
    job_url = upload()["Location"]
    team_update(actor=system_user(), team=teams["south"], is_active=False)

    act(job_url, "apply")

    response = admin_client.get(job_url)
    assert response.status_code == 400
    assert "line 4: team: &#x27;South Assessment Team&#x27; is not an active team" in response.content.decode()
    assert (Case.objects.count(), history_rows()) == (0, 0)


#
# Bad uploads
#


def test_a_bad_file_shows_every_problem_and_writes_nothing(admin_client, upload):
    text = GOOD.read_text(encoding="utf-8")
    text = text.replace("2015-03-04", "2999-01-01").replace("looked_after", "adopted")

    response = admin_client.get(upload(content=text.encode("utf-8"))["Location"])

    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "<title>Error: Import cases" in page
    assert "line 2: date_of_birth: &#x27;2999-01-01&#x27; is in the future" in page
    assert "line 3: date_of_birth: &#x27;2999-01-01&#x27; is in the future" in page
    assert "line 4: episode_kind: &#x27;adopted&#x27; is not an episode kind" in page
    assert (Case.objects.count(), history_rows()) == (0, 0)
    job = CaseImportJob.objects.get()
    assert (job.status, job.text) == (ImportStatus.INVALID, "")


def test_an_upload_that_is_not_a_csv_file_is_refused(admin_client, upload):
    response = upload(name="cases.xlsx")
    assert response.status_code == 400
    assert "The file must be a .csv file" in response.content.decode()
    assert not CaseImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(admin_client, upload, settings):
    settings.CASE_IMPORT_MAX_MB = 1
    response = upload(content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "The CSV file must be smaller than 1 MB" in response.content.decode()
    assert not CaseImportJob.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_at_the_upload(admin_client, upload):
    response = upload(content="reference\n\xe9".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()
    assert not CaseImportJob.objects.exists()


def test_an_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post("/cases/import/", {})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()


def test_a_nul_byte_is_refused_at_the_upload_naming_its_line_and_column(admin_client, upload):
    lines = GOOD.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b"\x00,", 1)  # the end of line 3's reference
    lines[3] = lines[3] + b"\x00"  # and the last column of line 4

    response = upload(content=b"\n".join(lines))

    page = response.content.decode()
    assert response.status_code == 400
    assert "line 3: reference: holds a NUL character (byte 0)" in page
    assert "line 4: episode_end: holds a NUL character (byte 0)" in page
    assert not CaseImportJob.objects.exists()  # nothing waits to be applied
    assert (Case.objects.count(), history_rows()) == (0, 0)
