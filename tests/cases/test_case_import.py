"""import_cases: validates every row first, writes in one transaction through case_save, changes nothing twice."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Case, CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission, Episode
from cases.services import assignment_grants_resync
from processes.models import Area, Role
from processes.services import system_user
from tests.factories import UserFactory, user_with_roles
from workforce.models import StaffProfile
from workforce.services import staff_profile_save, team_create, team_update

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "cases.csv"
HEADER = (
    "reference,child_name,date_of_birth,ethnicity,faith,language,team,allocated_worker,chair,iro,"
    "status,closed_on,episode_kind,episode_start,episode_end"
)
GOOD_ROW = "C-0001,Ada Example,2015-03-04,,,,North Assessment Team,,,,open,,child_in_need,2024-01-10,"


#
# The cast: two teams, a worker with a staff profile, a chair and an IRO, and a manager in each team
#


@pytest.fixture
def teams(db):
    actor = system_user()
    area, _ = Area.objects.get_or_create(
        key="advice-and-assessment",
        defaults=dict(
            number=6,
            title="Advice and Assessment / Children in the Community",
            version=1,
            effective_date=date(2014, 4, 1),
        ),
    )
    north = team_create(actor=actor, name="North Assessment Team", service_area=area)
    south = team_create(actor=actor, name="South Assessment Team", service_area=area)
    closed = team_create(actor=actor, name="Closed Team", service_area=area)
    team_update(actor=actor, team=closed, is_active=False)
    return {"north": north, "south": south, "closed": closed}


@pytest.fixture
def people(teams):
    worker = user_with_roles("sw.north", "social-worker")
    staff_profile_save(
        actor=system_user(),
        profile=StaffProfile(user=worker, job_title="Social worker", team=teams["north"], start_date=date(2020, 1, 1)),
        roles=Role.objects.filter(key="social-worker"),
    )
    north_manager = user_with_roles("tm.north", "team-manager")
    north_manager.groups.add(teams["north"].group)
    south_manager = user_with_roles("tm.south", "team-manager")
    south_manager.groups.add(teams["south"].group)
    return {
        "worker": worker,
        "chair": user_with_roles("chair.one", "independent-chair"),
        "iro": UserFactory(username="iro.one"),
        "north_manager": north_manager,
        "south_manager": south_manager,
        "admin": user_with_roles("qa.admin", "qa-administrator"),
        "leaver": _leaver(teams["north"]),
    }


def _leaver(team):
    leaver = user_with_roles("sw.gone", "social-worker")
    staff_profile_save(
        actor=system_user(),
        profile=StaffProfile(
            user=leaver, job_title="Social worker", team=team, start_date=date(2019, 1, 1), left_on=date(2025, 6, 30)
        ),
        roles=Role.objects.filter(key="social-worker"),
    )
    return leaver


def run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out, **options)
    return out.getvalue().strip()


def write(tmp_path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(CommandError) as caught:
        run(path)
    return str(caught.value).splitlines()[1:]


def history_rows() -> int:
    return Case.history.count() + Episode.history.count()


def visible(user) -> set[str]:
    user = get_user_model().objects.get(pk=user.pk)  # a fresh object: no cached roles
    return set(Case.objects.for_user(user).values_list("reference", flat=True))


#
# A good file
#


def test_a_good_file_imports_cases_with_their_episodes(people):
    output = run(GOOD)

    assert output == "3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated"
    ada = Case.objects.get(reference="C-0001")
    assert (ada.child_name, ada.date_of_birth, ada.ethnicity, ada.faith, ada.language) == (
        "Ada Example",
        date(2015, 3, 4),
        "White British",
        "None",
        "English",
    )
    assert (ada.team.name, ada.allocated_worker) == ("North Assessment Team", people["worker"])
    assert [(held.role.key, held.user, held.start, held.end) for held in ada.assignments.all()] == [
        ("independent-chair", people["chair"], timezone.localdate(), None)
    ]
    assert [(e.kind, e.start, e.end) for e in ada.episodes.all()] == [
        ("child_in_need", date(2024, 1, 10), date(2024, 6, 30)),
        ("child_protection_plan", date(2024, 7, 1), None),
    ]
    closed = Case.objects.get(reference="C-0003")
    assert (closed.status, closed.closed_on, closed.episodes.count()) == ("closed", date(2024, 2, 29), 0)


def test_a_good_file_grants_access_to_the_team_the_worker_the_chair_and_the_iro(people):
    run(GOOD)

    assert visible(people["north_manager"]) == {"C-0001", "C-0003"}
    assert visible(people["south_manager"]) == {"C-0002"}
    assert visible(people["worker"]) == {"C-0001", "C-0003"}  # allocated to C-0001, and in the north team
    assert visible(people["chair"]) == {"C-0001"}
    assert CaseUserObjectPermission.objects.filter(user=people["iro"], content_object__reference="C-0002").exists()


def test_the_output_gives_counts_and_no_child_data(people):
    output = run(GOOD)

    for child_data in ("Ada", "Example", "2015-03-04", "C-0001", "White British"):
        assert child_data not in output


def test_importing_the_same_file_twice_changes_nothing_and_writes_no_history(people):
    run(GOOD)
    before = (history_rows(), CaseGroupObjectPermission.objects.count(), CaseUserObjectPermission.objects.count())

    output = run(GOOD)

    assert output == "0 cases added, 0 updated, 3 unchanged; 0 episodes added, 0 updated"
    after = (history_rows(), CaseGroupObjectPermission.objects.count(), CaseUserObjectPermission.objects.count())
    assert after == before


def test_a_file_with_a_byte_order_mark_imports_like_one_without(people, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.read_bytes())

    assert run(path).startswith("3 cases added")


def test_only_the_fields_that_differ_are_updated_and_history_records_one_change(people, tmp_path):
    run(GOOD)
    history = history_rows()
    text = GOOD.read_text(encoding="utf-8").replace("Welsh", "Welsh and English")

    output = run(write(tmp_path, text))

    assert output == "0 cases added, 1 updated, 2 unchanged; 0 episodes added, 0 updated"
    assert Case.objects.get(reference="C-0003").language == "Welsh and English"
    assert history_rows() == history + 1


def test_a_new_episode_is_added_and_a_changed_end_is_set(people, tmp_path):
    run(GOOD)
    text = GOOD.read_text(encoding="utf-8").replace("looked_after,2023-05-02,", "looked_after,2023-05-02,2024-05-01")
    text += (
        "C-0003,Cat Example,2010-01-15,Mixed,,Welsh,North Assessment Team,,,,closed,2024-02-29,"
        "child_in_need,2023-01-01,2024-02-29\n"
    )

    output = run(write(tmp_path, text))

    assert output == "0 cases added, 2 updated, 1 unchanged; 1 episodes added, 1 updated"
    assert Episode.objects.get(case__reference="C-0002").end == date(2024, 5, 1)
    assert Case.objects.get(reference="C-0003").episodes.get().kind == "child_in_need"


def test_a_team_change_in_the_file_moves_access_from_the_old_team_to_the_new(people, tmp_path):
    run(GOOD)
    assert "C-0002" not in visible(people["north_manager"])
    text = GOOD.read_text(encoding="utf-8").replace(
        "C-0002,Ben Example,2012-11-20,,,,South Assessment Team",
        "C-0002,Ben Example,2012-11-20,,,,North Assessment Team",
    )

    output = run(write(tmp_path, text))

    assert output.startswith("0 cases added, 1 updated, 2 unchanged")
    assert "C-0002" in visible(people["north_manager"])
    assert "C-0002" not in visible(people["south_manager"])
    assert list(
        CaseGroupObjectPermission.objects.filter(content_object__reference="C-0002").values_list("group", flat=True)
    ) == [people["north_manager"].groups.get(team__isnull=False).pk]


#
# Who made the change
#


def test_history_rows_carry_the_user_given_with_user_and_the_file_as_reason(people):
    run(GOOD, user="qa.admin")

    records = list(Case.history.all()) + list(Episode.history.all())
    assert len(records) == 6
    assert {record.history_user for record in records} == {people["admin"]}
    assert {record.history_change_reason for record in records} == {"Imported from cases.csv"}


def test_without_user_the_history_names_the_system_user(people):
    run(GOOD)

    assert {record.history_user.username for record in Case.history.all()} == {"system"}


def test_an_unknown_user_option_is_refused_before_reading_the_file(people):
    with pytest.raises(CommandError, match="--user 'nobody': no such user"):
        run(GOOD, user="nobody")
    assert Case.objects.count() == 0


#
# A dry run
#


def test_a_dry_run_counts_the_changes_and_writes_nothing(people):
    output = run(GOOD, dry_run=True)

    assert output == "would import: 3 cases added, 0 updated, 0 unchanged; 3 episodes added, 0 updated"
    assert (Case.objects.count(), Episode.objects.count(), history_rows()) == (0, 0, 0)


def test_a_dry_run_of_an_imported_file_would_change_nothing(people):
    run(GOOD)

    assert run(GOOD, dry_run=True) == "would import: 0 cases added, 0 updated, 3 unchanged; 0 episodes added, 0 updated"


#
# Bad files: every problem named with its line, and nothing written, not even the good rows
#


@pytest.mark.parametrize(
    ("header", "row", "problem"),
    [
        (HEADER.replace(",faith", ""), GOOD_ROW.replace(",,,,North", ",,,North"), "line 1: missing column 'faith'"),
        (HEADER + ",nhs_number", GOOD_ROW + ",123", "line 1: unknown column 'nhs_number'"),
        (HEADER + ",team", GOOD_ROW + ",x", "line 1: column 'team' appears more than once"),
    ],
    ids=["missing column", "unknown column", "repeated column"],
)
def test_a_bad_header_is_named_on_line_1(people, tmp_path, header, row, problem):
    assert problem in problems_of(write(tmp_path, f"{header}\n{row}\n"))
    assert Case.objects.count() == 0


def test_an_empty_file_asks_for_the_header(people, tmp_path):
    assert problems_of(write(tmp_path, ""))[0].startswith("line 1: the header row is missing")


SECOND = GOOD_ROW.replace("C-0001", "C-0002")

# (text of line 3 to replace, its replacement, the problem reported). Line 2 is GOOD_ROW, line 3 is SECOND.
BAD_ROWS = [
    ("2015-03-04", "2015-02-30", "line 3: date_of_birth: '2015-02-30' is not a date in the form YYYY-MM-DD"),
    ("2015-03-04", "04/03/2015", "line 3: date_of_birth: '04/03/2015' is not a date in the form YYYY-MM-DD"),
    ("2015-03-04", "2999-01-01", "line 3: date_of_birth: '2999-01-01' is in the future"),
    ("2015-03-04", "", "line 3: date_of_birth: is required"),
    ("C-0002,Ada Example", "C-0002,", "line 3: child_name: is required"),
    ("C-0002,", "C-" + "9" * 40 + ",", f"line 3: reference: 'C-{'9' * 40}' is longer than 40 characters"),
    ("North Assessment Team", "Nowhere Team", "line 3: team: no team is called 'Nowhere Team'"),
    ("North Assessment Team", "Closed Team", "line 3: team: 'Closed Team' is not an active team"),
    ("Team,", "Team,no.one", "line 3: allocated_worker: no user is called 'no.one'"),
    ("Team,", "Team,iro.one", "line 3: allocated_worker: 'iro.one' has no staff profile"),
    ("Team,", "Team,sw.gone", "line 3: allocated_worker: 'sw.gone' has left or cannot sign in"),
    ("Team,,", "Team,,sw.gone", "line 3: chair: 'sw.gone' has left or cannot sign in"),
    ("Team,,", "Team,,no.one", "line 3: chair: no user is called 'no.one'"),
    ("Team,,,", "Team,,,no.one", "line 3: iro: no user is called 'no.one'"),
    ("open,", "closed,", "line 3: closed_on: is required when the status is closed"),
    ("open,", "open,2024-01-01", "line 3: closed_on: must be empty when the status is open"),
    ("open,", "pending,", "line 3: status: 'pending' is not a status; write open or closed"),
    ("child_in_need", "adopted", "line 3: episode_kind: 'adopted' is not an episode kind"),
    ("child_in_need,2024-01-10", "child_in_need,", "line 3: episode_start: is required when episode_kind is given"),
    ("child_in_need,2024-01-10", ",2024-01-10", "line 3: episode_start: must be empty when episode_kind is empty"),
    ("2024-01-10,", "2024-01-10,2024-01-09", "line 3: episode_end: '2024-01-09' is before episode_start"),
    ("C-0002,", '"C-00\n02",', "line 3: reference: must be on one line, without tabs or control characters"),
    ("C-0002,", "C-00\t02,", "line 3: reference: must be on one line, without tabs or control characters"),
    ("C-0002,", "C-00\x0702,", "line 3: reference: must be on one line, without tabs or control characters"),
    ("open,", "closed,2999-01-01", "line 3: closed_on: '2999-01-01' is in the future"),
    ("child_in_need,2024-01-10", "child_in_need,2999-01-10", "line 3: episode_start: '2999-01-10' is in the future"),
    (
        "child_in_need,2024-01-10",
        "child_in_need,2015-03-03",
        "line 3: episode_start: '2015-03-03' is before date_of_birth",
    ),
    (
        "C-0002,Ada Example,2015-03-04",
        "C-0001,Ada Example,2015-03-05",
        "line 3: reference 'C-0001': date_of_birth differs from line 2",
    ),
    (
        SECOND,
        GOOD_ROW.replace("North", "South").replace("open,", "closed,2024-01-01"),
        "line 3: reference 'C-0001': team, status, closed_on differ from line 2",
    ),
    (SECOND, GOOD_ROW + "2024-02-01", "line 3: episode_end: differs from line 2, the same child_in_need episode"),
    (",,child_in_need", ",child_in_need", "line 3: 14 values where the header has 15 columns"),
    # PostgreSQL cannot store a NUL: refused here, with its line and column, not when applying fails.
    ("C-0002,", "C-00\x0002,", "line 3: reference: holds a NUL character (byte 0)"),
    ("C-0002,Ada Example", "C-0002,Ada\x00 Example", "line 3: child_name: holds a NUL character (byte 0)"),
    ("open,", "open\x00,", "line 3: status: holds a NUL character (byte 0)"),
]


@pytest.mark.parametrize(("good", "bad", "problem"), BAD_ROWS, ids=[problem for _, _, problem in BAD_ROWS])
def test_a_bad_row_is_named_with_its_line_and_problem_and_nothing_is_written(people, tmp_path, good, bad, problem):
    assert good in SECOND
    text = f"{HEADER}\n{GOOD_ROW}\n{SECOND.replace(good, bad, 1)}\n"

    problems = problems_of(write(tmp_path, text))

    assert len(problems) == 1 and problems[0].startswith(problem), problems
    assert (Case.objects.count(), Episode.objects.count(), history_rows()) == (0, 0, 0)


def test_every_bad_row_of_a_file_is_listed_in_line_order_and_the_good_ones_are_not_written(people):
    with pytest.raises(CommandError) as caught:
        run(FIXTURES / "bad-rows.csv")

    assert str(caught.value).splitlines() == [
        "bad-rows.csv: the cases were not imported; nothing changed:",
        "line 3: date_of_birth: '04/03/2015' is not a date in the form YYYY-MM-DD",
        "line 4: date_of_birth: '2999-01-01' is in the future",
        "line 5: team: no team is called 'Nowhere Team'",
        "line 6: allocated_worker: no user is called 'no.one'",
        "line 7: closed_on: is required when the status is closed",
        "line 8: status: 'pending' is not a status; write open or closed",
        "line 9: episode_kind: 'adopted' is not an episode kind; write one of child_in_need, child_protection_plan, "
        "looked_after, care_leaver, youth_justice_order",
        "line 10: episode_end: '2024-02-01' is before episode_start",
        "line 11: reference 'C-0001': team differs from line 2; the rows of one case must agree on its fields",
    ]
    assert (Case.objects.count(), history_rows()) == (0, 0)


def test_a_row_with_several_problems_lists_each_in_column_order(people, tmp_path):
    row = SECOND.replace("2015-03-04", "2999-01-01").replace("North Assessment Team", "Nowhere Team")

    problems = problems_of(write(tmp_path, f"{HEADER}\n{row}\n"))

    assert problems == [
        "line 2: date_of_birth: '2999-01-01' is in the future",
        "line 2: team: no team is called 'Nowhere Team'",
    ]


def test_a_child_name_that_is_too_long_is_reported_without_quoting_it(people, tmp_path):
    name = "Zebedee " * 30
    problems = problems_of(write(tmp_path, f"{HEADER}\n{GOOD_ROW.replace('Ada Example', name)}\n"))

    assert problems == ["line 2: child_name: is longer than 200 characters"]


def test_a_file_that_is_not_utf8_is_refused(people, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{GOOD_ROW.replace('Ada', 'Zoë')}\n".encode("latin-1"))

    assert problems_of(path)[0].startswith("the file is not UTF-8 text")


def test_a_missing_file_is_refused(people, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "nowhere.csv")


def test_line_numbers_are_spreadsheet_rows_so_a_quoted_value_over_two_lines_is_one_row(people, tmp_path):
    row = GOOD_ROW.replace("C-0001,Ada Example", 'C-0001,"Ada\nExample"')
    bad = GOOD_ROW.replace("C-0001", "C-0002").replace("open,", "shut,")

    problems = problems_of(write(tmp_path, f"{HEADER}\n{row}\n{bad}\n"))

    assert problems == ["line 3: status: 'shut' is not a status; write open or closed"]


def test_the_fourth_record_after_multi_line_names_is_reported_as_row_5_however_many_newlines_came_before(
    people, tmp_path
):
    first = GOOD_ROW.replace("C-0001,Ada Example", 'C-0001,"Ada\r\nMiddle\nExample"')
    second = GOOD_ROW.replace("C-0001,Ada Example", 'C-0002,"Bo\n\nExample"')
    third = GOOD_ROW.replace("C-0001", "C-0003")
    fourth = GOOD_ROW.replace("C-0001", "C-0004").replace("open,", "shut,")

    problems = problems_of(write(tmp_path, f"{HEADER}\n{first}\n{second}\n{third}\n{fourth}\n"))

    assert problems == ["line 5: status: 'shut' is not a status; write open or closed"]


def test_an_episode_may_start_on_the_day_of_birth_and_a_case_close_today(people, tmp_path):
    today = timezone.localdate().isoformat()
    row = GOOD_ROW.replace("open,,child_in_need,2024-01-10", f"closed,{today},child_in_need,2015-03-04")

    run(write(tmp_path, f"{HEADER}\n{row}\n"))

    case = Case.objects.get(reference="C-0001")
    assert (case.closed_on.isoformat(), case.episodes.get().start) == (today, date(2015, 3, 4))


def test_a_nul_in_the_header_is_named_with_its_column(people, tmp_path):
    text = HEADER.replace("faith", "fa\x00ith") + "\n" + GOOD_ROW + "\n"
    assert problems_of(write(tmp_path, text))[0].startswith("line 1: column 5: holds a NUL character (byte 0)")


#
# The chair and iro columns: they name who holds the role from the day of the import (cases.CaseAssignment)
#


def assignment_row(chair: str = "", iro: str = "") -> str:
    return (
        f"{HEADER}\nC-0001,Ada Example,2015-03-04,,,,North Assessment Team,,{chair},{iro},open,,"
        "child_in_need,2024-01-10,\n"
    )


def held(reference: str) -> list[tuple]:
    case = Case.objects.get(reference=reference)
    return sorted(
        (a.role.key, a.user.username, a.start, a.end) for a in case.assignments.select_related("role", "user")
    )


def test_a_chair_named_in_the_file_is_assigned_from_the_day_of_the_import(people, tmp_path):
    run(write(tmp_path, assignment_row(chair="chair.one", iro="iro.one")))

    today = timezone.localdate()
    assert held("C-0001") == [("independent-chair", "chair.one", today, None), ("iro", "iro.one", today, None)]
    assert visible(people["chair"]) == {"C-0001"}


def test_a_new_chair_in_the_file_ends_the_old_chairs_assignment_and_starts_theirs(people, tmp_path):
    run(write(tmp_path, assignment_row(chair="chair.one")))
    backdated(30)
    user_with_roles("chair.two", "independent-chair")

    output = run(write(tmp_path, assignment_row(chair="chair.two")))

    today = timezone.localdate()
    assert output.startswith("0 cases added, 1 updated, 0 unchanged")
    assert held("C-0001") == [
        ("independent-chair", "chair.one", today - timedelta(days=30), today - timedelta(days=1)),
        ("independent-chair", "chair.two", today, None),
    ]
    assert visible(people["chair"]) == set()
    ended = Case.objects.get(reference="C-0001").assignments.get(user=people["chair"])
    assert ended.history.latest().history_change_reason.startswith("Imported from")


def backdated(days: int) -> None:
    """The import's assignments began `days` ago (as if the first import was then)."""
    for assignment in CaseAssignment.objects.all():
        assignment.start -= timedelta(days=days)
        assignment.save()


def test_an_empty_chair_cell_ends_the_chairs_assignment_the_day_before(people, tmp_path):
    run(write(tmp_path, assignment_row(chair="chair.one")))
    backdated(30)
    run(write(tmp_path, assignment_row(chair="")))

    today = timezone.localdate()
    assert held("C-0001") == [("independent-chair", "chair.one", today - timedelta(days=30), today - timedelta(days=1))]
    assert visible(people["chair"]) == set()


def test_a_chair_replaced_on_the_day_they_were_assigned_ends_that_day_and_goes_at_the_nightly_resync(people, tmp_path):
    run(write(tmp_path, assignment_row(chair="chair.one")))
    run(write(tmp_path, assignment_row(chair="")))

    today = timezone.localdate()
    assert held("C-0001") == [("independent-chair", "chair.one", today, today)]
    assignment_grants_resync(on=today + timedelta(days=1))
    assert visible(people["chair"]) == set()


def test_importing_the_same_chair_again_changes_no_assignment(people, tmp_path):
    path = write(tmp_path, assignment_row(chair="chair.one", iro="iro.one"))
    run(path)
    before = CaseAssignment.history.count()

    assert run(path).startswith("0 cases added, 0 updated, 1 unchanged")
    assert CaseAssignment.history.count() == before


def test_rows_of_one_case_must_agree_on_its_chair(people, tmp_path):
    text = assignment_row(chair="chair.one") + (
        "C-0001,Ada Example,2015-03-04,,,,North Assessment Team,,,,open,,child_protection_plan,2024-07-01,\n"
    )
    assert problems_of(write(tmp_path, text)) == [
        "line 3: reference 'C-0001': chair differs from line 2; the rows of one case must agree on its fields"
    ]
