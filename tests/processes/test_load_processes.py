"""load_processes: validates everything first, loads in one transaction, and changes nothing twice."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from guardian.shortcuts import get_groups_with_perms

from processes.models import Area, Process, RequiredOutcome, Role
from processes.roles import ROLES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def load(*paths, **options) -> str:
    out = io.StringIO()
    call_command("load_processes", *[str(p) for p in paths], stdout=out, **options)
    return out.getvalue()


def export() -> list:
    out = io.StringIO()
    call_command("export_processes", stdout=out)
    return json.loads(out.getvalue())


def history_rows() -> int:
    return sum(model.history.count() for model in (Area, Process, RequiredOutcome, Role))


def snapshot():
    return export(), history_rows(), Process.objects.count(), RequiredOutcome.objects.count()


#
# A fresh load
#


def test_a_fresh_load_creates_the_nine_tables_and_78_processes_in_order():
    output = load()
    assert "78 added, 0 changed, 0 renamed, 0 deactivated" in output
    assert Area.objects.count() == 9
    assert list(Area.objects.values_list("number", flat=True)) == list(range(1, 10))
    assert Process.objects.filter(is_active=True).count() == 78


def test_the_export_lists_every_table_process_lead_and_outcome_as_the_fixtures_print_them(fixture_copy):
    load()
    tables = export()
    assert [table["key"] for table in tables] == [
        fixture_copy.read(p.stem)["area"]["key"] for p in sorted(fixture_copy.folder.glob("*.yaml"))
    ]
    for table in tables:
        fixture = fixture_copy.read(f"{table['number']:02d}-")
        assert table["area"] == fixture["area"]["title"]
        assert [p["name"] for p in table["processes"]] == [p["name"] for p in fixture["processes"]]
        assert [p["lead"] for p in table["processes"]] == [p["lead"] for p in fixture["processes"]]
        assert [p["outcomes"] for p in table["processes"]] == [p["outcomes"] for p in fixture["processes"]]


def test_export_then_load_into_an_empty_database_then_export_gives_the_same_json(tmp_path, django_db_blocker):
    load()
    first = export()
    exported = tmp_path / "catalogue.json"
    exported.write_text(json.dumps(first), encoding="utf-8")
    Process.lead_roles.through.objects.all().delete()
    from processes.models import ProcessGroupObjectPermission

    ProcessGroupObjectPermission.objects.all().delete()
    RequiredOutcome.objects.all().delete()
    Process.objects.update(next_review_of=None, same_act_as=None)
    Process.objects.all().delete()
    Area.objects.all().delete()
    load(exported)
    assert export() == first


def test_all_managers_covers_every_manager_role(catalogue):
    sample_audit = Process.objects.get(name="Sample Audit")
    managers = {role.key for role in ROLES if role.manager}
    assert {role.key for role in sample_audit.lead_roles.all()} == managers


def test_a_lead_naming_two_roles_gives_both(catalogue):
    process = Process.objects.get(lead="Team Manager and Independent Reviewing Officer (IRO)")
    assert {role.key for role in process.lead_roles.all()} == {"team-manager", "iro"}


def test_the_youth_offending_random_samples_carry_a_twenty_percent_rate(catalogue):
    rates = dict(Process.objects.filter(sample_rate__isnull=False).values_list("name", "sample_rate"))
    assert {name: float(rate) for name, rate in rates.items()} == {
        "Start Asset Assessment": 0.2,
        "Intervention Plans": 0.2,
    }


def test_conferences_visits_and_workforce_records_get_their_own_forms(catalogue):
    forms = dict(Process.objects.values_list("key", "record_form"))
    conferences = {"aa-initial-child-protection-conference", "aa-child-protection-review", "voice-children-in-care"}
    assert {key for key, form in forms.items() if form == "conference"} == conferences
    assert forms["voice-statutory-and-child-in-need-visits"] == "visit"
    assert forms["csc-supervision"] == forms["wf-performance-appraisal"] == "workforce"
    assert forms["csc-sample-audit"] == "audit"


def test_case_audits_grade_and_conferences_and_visits_ask_for_the_childs_voice(catalogue):
    sample = Process.objects.get(key="csc-sample-audit")
    review = Process.objects.get(key="aa-child-protection-review")
    assert (sample.grades, sample.asks_child_voice) == (True, False)
    assert (review.grades, review.asks_child_voice) == (False, True)


def test_renamed_processes_remember_their_former_names(catalogue):
    legal = Process.objects.get(name="Legal Planning and Proof of Evidence Meetings")
    assert legal.former_names
    assert any("Gateway" in name for name in legal.former_names)


#
# Loading twice
#


def test_the_second_load_changes_nothing_and_writes_no_history():
    load()
    before = snapshot()
    output = load()
    assert "0 added, 0 changed, 0 renamed, 0 deactivated" in output
    assert snapshot() == before


#
# History and the acting user
#


def test_history_records_the_system_user_when_no_user_is_given():
    load()
    assert Process.history.first().history_user.username == "system"


def test_history_records_the_user_named_with_user():
    UserFactory(username="qa.lead")
    load(user="qa.lead")
    assert set(Process.history.values_list("history_user__username", flat=True)) == {"qa.lead"}


def test_an_unknown_user_is_refused_before_anything_is_written():
    with pytest.raises(CommandError, match="no such user"):
        load(user="nobody")
    assert Process.objects.count() == 0


#
# Bad fixtures: refused with file, entry and problem; the database unchanged
#


def first_process(data):
    return data["processes"][0]


BAD_FIXTURES = {
    "missing field": (lambda d: first_process(d).pop("lead"), "lead: missing"),
    "empty field": (
        lambda d: first_process(d).__setitem__("name", ""),
        "name: must not be empty",
    ),
    "empty outcomes": (
        lambda d: first_process(d).__setitem__("outcomes", []),
        "outcomes: must list at least one entry",
    ),
    "unknown role": (
        lambda d: first_process(d).__setitem__("lead_roles", ["deputy-head"]),
        "unknown role deputy-head",
    ),
    "unknown area": (lambda d: d["area"].__setitem__("key", "made-up-area"), "unknown area"),
    "duplicate process": (lambda d: d["processes"].append(dict(first_process(d))), "listed twice"),
    "bad schedule interval": (
        lambda d: first_process(d).__setitem__(
            "schedule",
            {"basis": "local", "source": "x", "clock": "previous_record", "intervals": ["20 workdays"]},
        ),
        "'20 workdays' is not an interval",
    ),
    "schedule clock without its episode": (
        lambda d: first_process(d).__setitem__(
            "schedule", {"basis": "local", "source": "x", "clock": "episode_start", "intervals": ["3 months"]}
        ),
        "needs `episode`",
    ),
    "rate above one": (
        lambda d: first_process(d).__setitem__("sample_rate", 1.5),
        "sample_rate: must be at most 1",
    ),
    "rate below zero": (
        lambda d: first_process(d).__setitem__("sample_rate", -0.1),
        "sample_rate: must be at least 0",
    ),
    "unknown key": (lambda d: first_process(d).__setitem__("outcome", ["typo"]), "outcome: unknown key"),
    # Said in plain words, never pydantic's ("String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'").
    "key with capitals and spaces": (
        lambda d: first_process(d).__setitem__("same_act_as", "Start Asset"),
        "same_act_as: must be lower-case letters and digits, in words joined by single hyphens",
    ),
    "wrong type for a list": (
        lambda d: first_process(d).__setitem__("outcomes", "one outcome"),
        "outcomes: must be a list (each entry on its own line starting with a dash)",
    ),
    "record form that does not fit the subject": (
        lambda d: first_process(d).__setitem__("recording", {"form": "workforce"}),
        "the workforce form is for processes carried out on a staff member",
    ),
}


@pytest.mark.parametrize("case", BAD_FIXTURES, ids=list(BAD_FIXTURES))
def test_a_bad_fixture_is_refused_naming_file_entry_and_problem_and_nothing_changes(case, fixture_copy):
    load()
    before = snapshot()
    change, problem = BAD_FIXTURES[case]
    data = fixture_copy.read("youth-offending")
    entry_key = data["processes"][0]["key"]
    path = fixture_copy.edit("youth-offending", change)
    # A good change in another file must not be written either.
    fixture_copy.edit("strategic", lambda d: first_process(d).__setitem__("lead", "Someone else"))
    with pytest.raises(CommandError) as raised:
        load(fixture_copy.folder)
    message = str(raised.value)
    assert str(path) in message
    assert problem in message
    if case not in ("unknown area",):
        assert entry_key in message
    assert snapshot() == before


def test_a_file_that_is_not_yaml_is_refused(fixture_copy):
    path = fixture_copy.path("youth-offending")
    path.write_text("area: [unclosed\n  processes: {", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML") as raised:
        load(fixture_copy.folder)
    assert str(path) in str(raised.value)
    assert Process.objects.count() == 0


def test_the_same_process_key_in_two_files_is_refused(fixture_copy):
    duplicate = first_process(fixture_copy.read("strategic"))
    fixture_copy.edit("youth-offending", lambda d: d["processes"].append(duplicate))
    with pytest.raises(CommandError, match="duplicate process"):
        load(fixture_copy.folder)
    assert Process.objects.count() == 0


def test_a_missing_path_is_refused():
    with pytest.raises(CommandError, match="no such file or directory"):
        load(Path("/nonexistent/fixtures"))


#
# Renames, changes and deactivation
#


def test_a_process_found_under_a_former_name_is_renamed_keeping_its_identity(fixture_copy):
    def old_name(data):
        for entry in data["processes"]:
            if entry["name"] == "Legal Planning and Proof of Evidence Meetings":
                entry["key"] = "aa-gateway-meetings"
                entry["name"] = entry["former_names"][0]
                entry.pop("former_names")

    fixture_copy.edit("advice-and-assessment", old_name)
    load(fixture_copy.folder)
    gateway = Process.objects.get(key="aa-gateway-meetings")
    old_name_text = gateway.name

    output = load()
    renamed = Process.objects.get(pk=gateway.pk)
    assert renamed.name == "Legal Planning and Proof of Evidence Meetings"
    assert renamed.key != "aa-gateway-meetings"
    assert f"renamed: {old_name_text} -> Legal Planning and Proof of Evidence Meetings" in output
    assert renamed.history.first().name == "Legal Planning and Proof of Evidence Meetings"
    assert renamed.history.filter(name=old_name_text).exists()


def test_a_process_no_longer_in_its_table_is_made_inactive_not_deleted(fixture_copy):
    load()
    dropped = fixture_copy.read("youth-offending")["processes"][-1]
    fixture_copy.edit("youth-offending", lambda d: d["processes"].pop())
    output = load(fixture_copy.folder, allow_deactivate=True)
    process = Process.objects.get(key=dropped["key"])
    assert process.is_active is False
    assert f"deactivated: {dropped['name']}" in output
    assert Process.objects.count() == 78


def test_loading_one_table_leaves_the_other_tables_alone(fixture_copy):
    load()
    output = load(fixture_copy.path("youth-offending"))
    assert "0 deactivated" in output
    assert Process.objects.filter(is_active=True).count() == 78


def test_a_changed_outcome_wording_keeps_the_old_outcome_inactive(fixture_copy):
    load()
    entry = fixture_copy.read("sixteen-plus")["processes"][0]
    old_text = entry["outcomes"][0]
    fixture_copy.edit("sixteen-plus", lambda d: d["processes"][0]["outcomes"].__setitem__(0, "A new wording."))
    output = load(fixture_copy.folder)
    assert f"changed: {entry['name']} (outcomes)" in output
    process = Process.objects.get(key=entry["key"])
    assert RequiredOutcome.objects.get(process=process, text=old_text).is_active is False
    assert RequiredOutcome.objects.get(process=process, text="A new wording.").is_active is True


#
# Permissions follow the fixtures
#


def groups_that_may_record(process) -> set[str]:
    return {
        group.name
        for group, perms in get_groups_with_perms(process, attach_perms=True).items()
        if "record_process" in perms
    }


def test_each_process_grants_record_to_exactly_its_lead_roles_groups(catalogue):
    for process in Process.objects.prefetch_related("lead_roles__group"):
        assert groups_that_may_record(process) == {role.group.name for role in process.lead_roles.all()}


def test_changing_a_lead_role_moves_the_grant_and_removes_the_stale_one(fixture_copy):
    load()
    entry = fixture_copy.read("youth-offending")["processes"][0]
    fixture_copy.edit("youth-offending", lambda d: d["processes"][0].__setitem__("lead_roles", ["service-manager"]))
    load(fixture_copy.folder)
    process = Process.objects.get(key=entry["key"])
    assert groups_that_may_record(process) == {Role.objects.get(key="service-manager").group.name}


def test_a_deactivated_process_can_no_longer_be_recorded(fixture_copy):
    load()
    dropped = fixture_copy.read("youth-offending")["processes"][-1]
    fixture_copy.edit("youth-offending", lambda d: d["processes"].pop())
    load(fixture_copy.folder, allow_deactivate=True)
    assert groups_that_may_record(Process.objects.get(key=dropped["key"])) == set()


def test_every_role_has_its_group(catalogue):
    assert Role.objects.count() == len(ROLES)
    for role in Role.objects.select_related("group"):
        assert Group.objects.filter(pk=role.group_id).exists()


def test_the_qa_administrator_may_load_the_catalogue_and_no_one_else(catalogue):
    holders = {
        group.role.key for group in Group.objects.filter(permissions__codename="load_catalogue").select_related("role")
    }
    assert holders == {"qa-administrator"}


DEEP = 200_000
BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10) if previous else ', '.join(['1'] * 10)}]\n"
    for previous, name in zip(["", "a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e", "f"], strict=True)
)


@pytest.mark.parametrize(
    "name,text,problem",
    [
        ("deep.json", "[" * DEEP + "]" * DEEP, "nested more than 32 levels deep"),
        # 100,000 deep keeps the file under the 1 MB limit, which would refuse it first.
        ("deep.json", '{"a": ' * (DEEP // 2) + "1" + "}" * (DEEP // 2), "nested more than 32 levels deep"),
        ("deep.yaml", "[" * DEEP + "]" * DEEP, "nested more than 32 levels deep"),
        ("deep.yaml", "- " * DEEP + "x\n", "nested more than 32 levels deep"),
        # Deep enough to be no fixture, not deep enough to trouble the parser: refused all the same.
        ("deep.yaml", "area: " + "[" * 40 + "]" * 40 + "\n", "nested more than 32 levels deep"),
        ("aliases.yaml", BILLION_LAUGHS, "holds more than 50,000 values"),
    ],
)
def test_a_file_nested_absurdly_deep_or_holding_millions_of_values_is_refused_plainly(tmp_path, name, text, problem):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=problem) as raised:
        load(path)
    assert str(path) in str(raised.value)
    assert Process.objects.count() == 0
