"""A case's work follows the case: when it moves team or changes worker, or someone is assigned to it or
leaves (through the case and assignment services, the import command or the import form), its open
due items and drafts move to the new people in the same transaction, and the old team's pages,
exports and reminders no longer carry the case."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from audits.choices import AuditStatus
from audits.services import audit_start
from cases.case_import import case_import_plan
from cases.models import Case
from cases.services import assignment_end, assignment_start, case_import_apply, case_save, case_transfer
from processes.models import Process, Role
from processes.services import system_user
from tests.factories import UserFactory
from tests.queries import Queries
from timeliness.choices import DueStatus
from timeliness.models import DueItem, Reminder
from timeliness.planning import plan_due_items
from timeliness.reminders import send_reminders
from workforce.models import StaffProfile
from workforce.services import staff_profile_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

TODAY = date(2026, 3, 2)
HEADER = (
    "reference,child_name,date_of_birth,ethnicity,faith,language,team,allocated_worker,chair,iro,"
    "status,closed_on,episode_kind,episode_start,episode_end"
)


@pytest.fixture
def moving(cast):
    """The cast with a second social worker (in the children-in-care team) and CASE-A1's items planned:
    the assessment team's case, with its worker (sw.assessment) and chair, some items overdue."""
    worker = UserFactory(username="sw.cic", first_name="Sam", last_name="Cic", email="sw.cic@example.org")
    staff_profile_save(
        actor=system_user(),
        profile=StaffProfile(
            user=worker, job_title="Social worker", team=cast.teams["cic"], start_date=date(2021, 1, 4)
        ),
        roles=list(Role.objects.filter(key="social-worker")),
    )
    cast.users["sw.cic"] = worker
    plan_due_items(today=TODAY, horizon_days=60)
    assert open_items(cast.cases["assessment"]).filter(responsible=cast["sw.assessment"]).exists()
    assert open_items(cast.cases["assessment"]).filter(responsible=cast["tm.assessment"]).exists()
    return cast


def open_items(case):
    return DueItem.objects.filter(case=case, status=DueStatus.OPEN)


def import_row(case, *, team, worker="", chair="", iro="") -> str:
    return (
        f"{HEADER}\n{case.reference},{case.child_name},{case.date_of_birth:%Y-%m-%d},,,,{team.name},"
        f"{worker},{chair},{iro},open,,,,\n"
    )


def move_by_service(cast):
    case_transfer(
        actor=cast["qa.admin"], case=cast.cases["assessment"], team=cast.teams["cic"], allocated_worker=cast["sw.cic"]
    )


def move_by_command(cast, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(import_row(cast.cases["assessment"], team=cast.teams["cic"], worker="sw.cic", chair="chair"))
    call_command("import_cases", str(path), "--user", "qa.admin", stdout=io.StringIO())


def move_by_form(cast, client, capture_on_commit):
    """Upload, let the (eager) worker check it, press Apply, let the worker write it."""
    client.force_login(cast["qa.admin"])
    text = import_row(cast.cases["assessment"], team=cast.teams["cic"], worker="sw.cic", chair="chair")
    upload = SimpleUploadedFile("cases.csv", text.encode(), content_type="text/csv")
    with capture_on_commit(execute=True):
        response = client.post("/cases/import/", {"file": upload})
    assert response.status_code == 302
    with capture_on_commit(execute=True):
        assert client.post(response["Location"], {"action": "apply"}).status_code == 302
    client.logout()


@pytest.fixture(params=["service", "command", "form"])
def moved(request, moving, client, tmp_path, django_capture_on_commit_callbacks):
    """CASE-A1 moved from the assessment team (sw.assessment) to children in care (sw.cic), three ways."""
    if request.param == "service":
        move_by_service(moving)
    elif request.param == "command":
        move_by_command(moving, tmp_path)
    else:
        move_by_form(moving, client, django_capture_on_commit_callbacks)
    case = Case.objects.get(pk=moving.cases["assessment"].pk)
    assert (case.team, case.allocated_worker) == (moving.teams["cic"], moving["sw.cic"])
    return moving


def page(client, user, path) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.getvalue().decode()


#
# The items
#


def test_the_open_items_of_a_moved_case_take_its_new_team_and_people(moved):
    items = open_items(moved.cases["assessment"])
    assert items.exists()
    assert set(items.values_list("team", flat=True)) == {moved.teams["cic"].pk}
    responsible = set(items.values_list("responsible", flat=True))
    assert moved["sw.assessment"].pk not in responsible and moved["tm.assessment"].pk not in responsible
    assert moved["sw.cic"].pk in responsible and moved["tm.cic"].pk in responsible


def test_each_item_moved_keeps_a_history_row_naming_who_moved_it_and_why(moved):
    for item in open_items(moved.cases["assessment"]):
        latest = item.history.order_by("-history_date", "-history_id").first()
        assert latest.history_type == "~"
        assert (latest.team_id, latest.responsible_id) == (item.team_id, item.responsible_id)
        assert latest.history_user == moved["qa.admin"]
        assert latest.history_change_reason.startswith("Followed its case")


def test_done_and_cancelled_items_keep_who_answered_for_them_then(moving):
    item = open_items(moving.cases["assessment"]).filter(responsible=moving["sw.assessment"]).first()
    item.status = DueStatus.CANCELLED
    item.save()
    move_by_service(moving)
    item.refresh_from_db()
    assert (item.team, item.responsible) == (moving.teams["assessment"], moving["sw.assessment"])


def test_items_led_by_the_chair_stay_with_the_chair_when_only_the_team_changes(moving):
    chaired = set(
        open_items(moving.cases["assessment"]).filter(responsible=moving["chair"]).values_list("pk", flat=True)
    )
    assert chaired
    move_by_service(moving)
    assert (
        set(open_items(moving.cases["assessment"]).filter(responsible=moving["chair"]).values_list("pk", flat=True))
        == chaired
    )


def test_an_item_whose_person_the_case_no_longer_names_goes_to_the_team_manager(moving):
    case = moving.cases["assessment"]
    chaired = list(open_items(case).filter(responsible=moving["chair"]).values_list("pk", flat=True))
    assignment = case.assignments.get(user=moving["chair"])
    assignment_end(
        assignment=assignment,
        end=timezone.localdate() - timedelta(days=1),
        actor=moving["qa.admin"],
        reason="Chair left",
    )
    for item in DueItem.objects.filter(pk__in=chaired):
        assert (item.responsible, item.responsible_role) == (moving["tm.assessment"], None)
        assert (
            item.history.latest("history_date").history_change_reason
            == "Followed its case to its new team or people (Chair left)"
        )


def test_a_new_chair_takes_the_items_the_old_chair_had(moving):
    case = moving.cases["assessment"]
    chaired = list(open_items(case).filter(responsible=moving["chair"]).values_list("pk", flat=True))
    new_chair = UserFactory(username="chair.two")
    role = Role.objects.get(key="independent-chair")
    assignment_start(case=case, role=role, user=new_chair, start=timezone.localdate(), actor=moving["qa.admin"])
    assert set(DueItem.objects.filter(pk__in=chaired).values_list("responsible", flat=True)) == {new_chair.pk}


def test_a_case_saved_without_a_change_of_hands_moves_nothing_and_writes_no_item_history(moving):
    case = moving.cases["assessment"]
    before = DueItem.history.count()
    case.language = "Welsh"
    case_save(actor=moving["qa.admin"], case=case, reason="Language recorded")
    assert DueItem.history.count() == before


def test_a_move_that_fails_moves_no_item(moving):
    case = moving.cases["assessment"]
    before = set(open_items(case).values_list("pk", "team", "responsible"))
    with pytest.raises(RuntimeError), transaction.atomic():
        move_by_service(moving)
        raise RuntimeError("the rest of the write failed")
    assert set(open_items(case).values_list("pk", "team", "responsible")) == before


def test_a_sample_item_goes_to_the_new_team_manager(moving):
    case = moving.cases["assessment"]
    item = DueItem.objects.create(
        key="sample:test",
        process=Process.objects.get(key="csc-sample-audit"),
        case=case,
        team=moving.teams["assessment"],
        due_on=TODAY,
        responsible=moving["tm.assessment"],
        source="sample",
    )
    move_by_service(moving)
    item.refresh_from_db()
    assert (item.team, item.responsible) == (moving.teams["cic"], moving["tm.cic"])


#
# Drafts
#


def test_a_draft_of_a_moved_case_counts_for_its_new_team_and_keeps_its_author(moving):
    case = moving.cases["assessment"]
    draft = audit_start(actor=moving["tm.assessment"], process=Process.objects.get(key="csc-sample-audit"), case=case)
    assert draft.team == moving.teams["assessment"]
    move_by_service(moving)
    draft.refresh_from_db()
    assert draft.status == AuditStatus.DRAFT
    assert (draft.team, draft.carried_out_by) == (moving.teams["cic"], moving["tm.assessment"])
    latest = draft.history.latest("history_date")
    assert latest.history_user == moving["qa.admin"] and latest.history_change_reason.startswith("Followed its case")


#
# What the old and the new team see
#


def test_the_old_team_managers_pages_and_export_no_longer_carry_the_case(moved, client):
    for path in ("/", "/due/", "/due/export.csv"):
        assert "CASE-A1" not in page(client, moved["tm.assessment"], path), path
        assert "CASE-A1" not in page(client, moved["sw.assessment"], path), path


def test_the_new_team_managers_pages_and_export_carry_the_case(moved, client):
    for path in ("/", "/due/", "/due/export.csv"):
        assert "CASE-A1" in page(client, moved["tm.cic"], path), path
    assert "CASE-A1" in page(client, moved["sw.cic"], "/")


def test_the_reminders_run_after_a_move_writes_to_the_new_people_only(moved):
    mail.outbox.clear()
    assert send_reminders(today=TODAY) > 0
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    for old in ("sw.assessment", "tm.assessment"):
        assert "CASE-A1" not in by_recipient.get(moved[old].email, ""), old
    assert "CASE-A1" in by_recipient[moved["sw.cic"].email]
    assert "CASE-A1" in by_recipient[moved["tm.cic"].email]


def test_reminders_already_sent_to_the_old_people_stay_as_sent(moving):
    case = moving.cases["assessment"]
    send_reminders(today=TODAY)
    sent = set(Reminder.objects.filter(due_item__case=case, recipient=moving["sw.assessment"]).values_list("pk"))
    assert sent
    move_by_service(moving)
    mail.outbox.clear()
    send_reminders(today=TODAY)
    assert (
        set(Reminder.objects.filter(due_item__case=case, recipient=moving["sw.assessment"]).values_list("pk")) == sent
    )
    assert not any(
        "CASE-A1" in message.body for message in mail.outbox if message.to == [moving["sw.assessment"].email]
    )
    assert any("CASE-A1" in message.body for message in mail.outbox if message.to == [moving["sw.cic"].email])


#
# Queries
#


def test_an_import_moving_many_cases_moves_their_work_in_a_fixed_number_of_queries(moving, tmp_path):
    """The work that follows the cases costs the same few queries for one moved case as for twenty."""

    def follow_queries(count: int) -> int:
        cases = []
        for n in range(count):
            case = Case(
                reference=f"MOVE-{count}-{n}",
                child_name="Child",
                date_of_birth=date(2016, 1, 1),
                team=moving.teams["assessment"],
                allocated_worker=moving["sw.assessment"],
            )
            case_save(actor=system_user(), case=case)
            cases.append(case)
            DueItem.objects.create(
                key=f"move-test:{count}:{n}",
                process=Process.objects.get(key="csc-sample-audit"),
                case=case,
                team=case.team,
                due_on=TODAY,
                responsible=moving["tm.assessment"],
            )
        text = (
            HEADER
            + "\n"
            + "".join(import_row(case, team=moving.teams["cic"], worker="sw.cic").split("\n", 1)[1] for case in cases)
        )
        path = tmp_path / f"move-{count}.csv"
        path.write_text(text)
        plan = case_import_plan(text, source=path.name)
        with Queries() as queries:
            case_import_apply(actor=moving["qa.admin"], plan=plan)
        follow = [sql for sql in queries.sql if "audits_dueitem" in sql or "audits_historicaldueitem" in sql]
        assert set(DueItem.objects.filter(case__in=cases).values_list("team", flat=True)) == {moving.teams["cic"].pk}
        return len(follow)

    assert follow_queries(1) == follow_queries(20)
