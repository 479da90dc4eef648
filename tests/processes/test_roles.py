"""The roles module is the one list of roles and of what each may do."""

import ast
from pathlib import Path

import pytest

from processes.roles import ALL_MANAGERS, ROLES, ROLES_BY_KEY, Capability, role_keys_with

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "core",
    "processes",
    "workforce",
    "fostering",
    "cases",
    "audits",
    "timeliness",
    "dashboard",
    "qa_portal",
    "demo",
    "bench",
)
# "iro" is also a column of the case import (and a demo username): a string the same as a field name cannot be told
# from the key, so the check leaves out keys that are field names of a case.
CASE_FIELDS = {"team", "allocated_worker", "chair", "iro"}  # the import's columns
KEYS = (set(ROLES_BY_KEY) | {ALL_MANAGERS}) - CASE_FIELDS


def role_key_literals():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "processes" / "roles.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in KEYS:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"


def test_no_module_but_the_roles_module_writes_a_role_key():
    assert list(role_key_literals()) == []


def test_the_check_would_see_a_role_key_written_elsewhere(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "leak.py").write_text('MODERATORS = {"head-of-service"}\n')
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert [line.split(": ", 1)[1] for line in role_key_literals()] == ["'head-of-service'"]


def test_every_capability_is_held_by_some_role():
    for capability in Capability.ALL:
        assert role_keys_with(capability), capability


def test_an_unknown_capability_is_refused_rather_than_answered_with_nobody():
    with pytest.raises(ValueError, match="Unknown capability"):
        role_keys_with("moderates")


def test_moderators_and_escalation_recipients_are_the_service_wide_roles_the_authority_named():
    assert role_keys_with(Capability.MODERATE) == {"head-of-service", "qa-administrator"}
    assert role_keys_with(Capability.RECEIVE_ESCALATIONS) == {"head-of-service"}
    assert role_keys_with(Capability.DRAW_SAMPLES) == {"team-manager"}


def test_only_roles_that_reach_case_data_answer_for_a_cases_items():
    from processes.roles import OWING_ORDER, ROLES_BY_KEY

    for key in OWING_ORDER:
        assert ROLES_BY_KEY[key].scope in ("team", "assigned"), key


def test_a_process_led_by_a_manager_and_an_iro_is_owed_by_the_iro_and_one_led_by_nobody_personal_by_the_manager():
    from processes.roles import IRO, SOCIAL_WORKER, TEAM_MANAGER, owing_role_key

    assert owing_role_key({TEAM_MANAGER, IRO}) == IRO
    assert owing_role_key({SOCIAL_WORKER, TEAM_MANAGER}) == SOCIAL_WORKER
    assert owing_role_key(set()) == TEAM_MANAGER
    assert owing_role_key({TEAM_MANAGER}, owed_by=IRO) == IRO


def test_no_role_holds_a_model_wide_permission_to_view_child_data():
    for role in ROLES:
        assert not [p for p in role.model_permissions if p.startswith(("cases.view_case", "cases.view_episode"))]


def test_the_roles_that_see_every_child_are_the_service_wide_ones():
    from processes.roles import (
        ASSISTANT_DIRECTOR,
        HEAD_OF_SERVICE,
        QA_ADMINISTRATOR,
        SERVICE_MANAGER,
        role_keys_managed_by_superusers,
        role_keys_seeing_every_child,
    )

    assert role_keys_seeing_every_child() == {QA_ADMINISTRATOR, HEAD_OF_SERVICE, ASSISTANT_DIRECTOR, SERVICE_MANAGER}
    # Whoever manages accounts is managed by a superuser only (workforce.account_rules).
    assert role_keys_managed_by_superusers() == {QA_ADMINISTRATOR}
