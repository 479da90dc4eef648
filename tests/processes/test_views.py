"""Catalogue pages: every signed-in user reads; only QA administrators upload fixtures."""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from processes.models import Process
from tests.factories import user_with_roles
from tests.queries import Queries, assert_queries

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "processes"
PAGES = ["/processes/", "/processes/aa-child-protection-review/"]
UPLOAD_PAGES = ["/processes/upload/", "/processes/upload/preview/"]


@pytest.fixture
def qa_admin(catalogue):
    return user_with_roles("qa.admin", "qa-administrator")


@pytest.fixture
def team_manager(catalogue):
    return user_with_roles("tm.assessment", "team-manager")


def upload(client, name, text):
    return client.post("/processes/upload/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def changed_fixture(change) -> str:
    data = yaml.safe_load((FIXTURES / "08-youth-offending-service.yaml").read_text(encoding="utf-8"))
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


#
# Access
#


@pytest.mark.parametrize("path", PAGES + UPLOAD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_any_signed_in_user_may_read_the_catalogue(client, team_manager, path):
    client.force_login(team_manager)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", UPLOAD_PAGES)
def test_users_who_are_not_qa_administrators_may_not_upload(client, team_manager, path):
    client.force_login(team_manager)
    assert client.get(path).status_code == 403
    assert client.post(path, {"action": "apply"}).status_code == 403


def test_an_unknown_process_is_not_found(client, team_manager):
    client.force_login(team_manager)
    assert client.get("/processes/no-such-process/").status_code == 404


# A retired (inactive) process is not found: tests/processes/test_views_access.py.


#
# The list
#


def test_the_list_groups_processes_under_their_tables_in_order(client, team_manager):
    client.force_login(team_manager)
    content = client.get("/processes/").content.decode()
    headings = ["i. Strategic Overview", "ii. Children Social Care Overview", "ix. 16+ Service"]
    positions = [content.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "78 processes." in content


def test_search_finds_processes_by_outcome_text(client, team_manager):
    client.force_login(team_manager)
    response = client.get("/processes/", {"q": "Katie Kitten"})
    names = [p.name for group in response.context["areas"] for p in group["processes"]]
    assert names == ["Children in care where the plan is for adoption", "Adoption Service"]


def test_filtering_by_role_lists_only_processes_that_role_leads(client, team_manager):
    client.force_login(team_manager)
    response = client.get("/processes/", {"role": "iro"})
    names = [p.name for group in response.context["areas"] for p in group["processes"]]
    assert names == ["Children in Care"]


def test_the_list_runs_the_same_number_of_queries_for_one_table_and_nine(client):
    call_command("load_processes", str(FIXTURES / "08-youth-offending-service.yaml"), stdout=io.StringIO())
    client.force_login(user_with_roles("reader", "team-manager"))
    with Queries() as one_table:
        assert client.get("/processes/").context["count"] == 11
    call_command("load_processes", stdout=io.StringIO())
    with Queries() as nine_tables:
        assert client.get("/processes/").context["count"] == 78
    assert_queries(one_table, nine_tables, "the list of nine tables")


#
# A process page
#


def test_a_process_page_shows_leads_outcomes_and_the_schedule_in_plain_words(client, team_manager):
    client.force_login(team_manager)
    process = Process.objects.get(lead="Team Manager and Independent Reviewing Officer (IRO)")
    content = client.get(process.get_absolute_url()).content.decode()
    assert "Independent Reviewing Officer (IRO)" in content
    assert (
        "First within 20 working days of becoming looked after, then within 3 months, then at least every 6 months"
        in content
    )
    assert "Completion of &#x27;Have Your Say&#x27; booklets for reviews." in content


def test_a_sampled_process_shows_its_rate(client, team_manager):
    client.force_login(team_manager)
    content = client.get(Process.objects.get(name="Intervention Plans").get_absolute_url()).content.decode()
    assert "20% of eligible records each month" in content


def test_a_process_page_keeps_its_query_count_however_long_its_history(client, team_manager, fixture_copy):
    client.force_login(team_manager)
    url = Process.objects.get(key="yos-start-asset-assessment").get_absolute_url()
    with Queries() as short_history:
        client.get(url)
    for lead in ("Lead one", "Lead two", "Lead three"):
        fixture_copy.edit("youth-offending", lambda d, lead=lead: d["processes"][0].__setitem__("lead", lead))
        call_command("load_processes", str(fixture_copy.folder), stdout=io.StringIO())
    with Queries() as long_history:
        response = client.get(url)
    assert len(response.context["amendments"]) == 4
    assert_queries(short_history, long_history, "the page with four amendments")


#
# Upload: preview, then apply or cancel
#


def test_a_qa_administrator_previews_a_changed_fixture_then_applies_it(client, qa_admin):
    client.force_login(qa_admin)
    text = changed_fixture(lambda d: d["processes"][0].__setitem__("lead", "Team Manager (20% sample)"))
    response = upload(client, "08-youth-offending-service.yaml", text)
    assert response.status_code == 302
    preview = client.get("/processes/upload/preview/")
    assert "Start Asset Assessment</a>: lead responsibility" in preview.content.decode()
    assert Process.objects.get(key="yos-start-asset-assessment").lead == "20% random sample by Team Manager"

    response = client.post("/processes/upload/preview/", {"action": "apply"}, follow=True)
    process = Process.objects.get(key="yos-start-asset-assessment")
    assert process.lead == "Team Manager (20% sample)"
    assert process.history.first().history_user == qa_admin
    assert "Catalogue updated" in response.content.decode()


def preview_rows(page: str, key: str) -> list[list[str]]:
    """The rows of a changed process's table on the preview: what, now, in this file (text only)."""
    table = page.split(f'id="changes-{key}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, flags=re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]

    def text(cell: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<br>", " | ", re.sub(r"<span.*?</span>", "", cell))).strip()

    return [[text(cell) for cell in row] for row in cells]


def test_the_preview_shows_the_old_and_new_words_of_each_change_side_by_side(client, qa_admin):
    client.force_login(qa_admin)

    def change(data):
        first = data["processes"][0]
        first["lead"] = "Team Manager (20% sample)"
        first["outcomes"] = [*first["outcomes"][1:], "The plan names who does what by when."]

    upload(client, "08-youth-offending-service.yaml", changed_fixture(change))
    page = client.get("/processes/upload/preview/").content.decode()
    process = Process.objects.get(key="yos-start-asset-assessment")
    dropped = process.outcomes.filter(is_active=True).order_by("position").first().text
    rows = {row[0]: row[1:] for row in preview_rows(page, process.key)}
    assert rows["Lead responsibility"] == ["20% random sample by Team Manager", "Team Manager (20% sample)"]
    assert rows["Outcomes"] == [f"Removed: {dropped}", "Added: The plan names who does what by when."]
    assert f"{process.outcomes.filter(is_active=True).count() - 1} unchanged" in page


def test_apply_posted_twice_applies_once_and_both_posts_go_to_the_catalogue(client, qa_admin):
    client.force_login(qa_admin)
    text = changed_fixture(lambda d: d["processes"][0].__setitem__("lead", "Team Manager (20% sample)"))
    upload(client, "08-youth-offending-service.yaml", text)
    first = client.post("/processes/upload/preview/", {"action": "apply"})
    rows = Process.history.count()
    second = client.post("/processes/upload/preview/", {"action": "apply"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/processes/"
    assert Process.history.count() == rows


def test_after_an_apply_a_new_upload_waits_for_its_own_preview(client, qa_admin):
    client.force_login(qa_admin)
    text = changed_fixture(lambda d: d["processes"][0].__setitem__("lead", "Team Manager (20% sample)"))
    upload(client, "08-youth-offending-service.yaml", text)
    client.post("/processes/upload/preview/", {"action": "apply"})
    upload(client, "08-youth-offending-service.yaml", changed_fixture(lambda d: None))
    assert client.get("/processes/upload/preview/").status_code == 200  # its preview, not the last answer


def test_cancelling_a_preview_changes_nothing(client, qa_admin):
    client.force_login(qa_admin)
    upload(client, "08.yaml", changed_fixture(lambda d: d["processes"].pop()))
    client.post("/processes/upload/preview/", {"action": "cancel"})
    assert Process.objects.filter(is_active=True).count() == 78
    assert client.get("/processes/upload/preview/").status_code == 302


def test_a_bad_upload_re_renders_the_form_with_each_problem_and_changes_nothing(client, qa_admin):
    client.force_login(qa_admin)
    text = changed_fixture(lambda d: d["processes"][0].__setitem__("sample_rate", 2))
    response = upload(client, "08-youth-offending-service.yaml", text)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert "08-youth-offending-service.yaml: process &#x27;yos-start-asset-assessment&#x27;: sample_rate" in content
    assert float(Process.objects.get(key="yos-start-asset-assessment").sample_rate) == 0.2


def test_an_upload_that_is_not_a_fixture_file_is_refused(client, qa_admin):
    client.force_login(qa_admin)
    response = upload(client, "notes.txt", "hello")
    assert response.status_code == 400
    assert "must be a .yaml, .yml or .json file" in response.content.decode()


def test_an_upload_without_a_file_asks_for_one(client, qa_admin):
    client.force_login(qa_admin)
    response = client.post("/processes/upload/", {})
    assert response.status_code == 400
    assert "Choose a fixture file" in response.content.decode()


def test_a_preview_of_an_unchanged_file_says_nothing_would_change(client, qa_admin):
    client.force_login(qa_admin)
    upload(client, "08.yaml", (FIXTURES / "08-youth-offending-service.yaml").read_text(encoding="utf-8"))
    assert "Nothing would change" in client.get("/processes/upload/preview/").content.decode()


def test_a_file_that_became_invalid_before_apply_is_refused_with_its_problems(client, qa_admin):
    """Validated again at apply: a process the file's schedule points at may have gone meanwhile."""
    client.force_login(qa_admin)
    text = changed_fixture(
        lambda d: d["processes"][0].__setitem__(
            "schedule",
            {
                "basis": "local",
                "source": "x",
                "clock": "record_of",
                "after_process": "gone-soon",
                "intervals": ["1 week"],
            },
        )
    )
    session = client.session
    session["catalogue_upload"] = {"name": "08.yaml", "text": text}
    session.save()
    response = client.post("/processes/upload/preview/", {"action": "apply"})
    assert response.status_code == 400
    assert "unknown process &#x27;gone-soon&#x27;" in response.content.decode()
    assert Process.objects.get(key="yos-start-asset-assessment").schedule_rule is None


def test_an_upload_nested_200000_deep_is_refused_with_a_plain_message(client, qa_admin):
    client.force_login(qa_admin)
    response = upload(client, "deep.yaml", "- " * 200_000 + "x\n")
    assert response.status_code == 400
    assert "deep.yaml: nested more than 32 levels deep" in response.content.decode()
    assert Process.objects.filter(is_active=True).count() == 78
