"""Every scope rule (role scopes, aggregate-only, team membership, line management, the staff a user
reaches, the due list's and the dashboard's reach) is written in cases/scope.py; the other modules ask
it. A source scan, like the one that keeps guardian's grants to core/querysets.py."""

import re
from pathlib import Path

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
)

# What writing a scope rule looks like: reading a role's scope, naming one, testing the team-manager
# flag or the see-all-staff capability, or following line management or team membership from a user.
RULE_PATTERNS = {
    "role scope": re.compile(r"Scope\.(TEAM|ASSIGNED|SERVICE|AGGREGATE)\b|role__scope|is_manager\s*=\s*True"),
    "staff reach": re.compile(r"Capability\.SEE_ALL_STAFF"),
    "line management": re.compile(
        r"line_manager\s*=\s*(user|actor|request|self\.request)\b|line_manager\s*=\s*user_id\b"
        r"|line_manager_id\)\s*\|"
        r"|team__manager\s*=|managed_teams\s*="
    ),
    "team membership": re.compile(r"groups\.filter\(team__|members__user\s*="),
}

# Where each kind of rule may be written: the rules module, and the definitions it is built on.
ALLOWED = {
    "cases/scope.py": set(RULE_PATTERNS),
    "processes/roles.py": {"role scope", "staff reach"},  # the roles' definitions themselves
    "core/querysets.py": {"role scope"},  # memberships(): the one read of the user's groups and scopes
    # The foster-carer register sits below cases, so its scope rules are written in its own rules module
    # (its docstring says why), and nowhere else in the app.
    "fostering/scope.py": {"role scope", "team membership"},
}


def _sources():
    for folder in APPS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_module_but_cases_scope_writes_a_scope_rule():
    found = sorted(
        (name, kind)
        for name, text in _sources()
        for kind, pattern in RULE_PATTERNS.items()
        if pattern.search(text) and kind not in ALLOWED.get(name, set())
    )
    assert found == []


def test_the_scan_finds_the_rules_where_they_are_written():
    """The patterns match the real rules (a scan that matched nothing would prove nothing)."""
    text = (ROOT / "cases" / "scope.py").read_text(encoding="utf-8")
    assert {kind for kind, pattern in RULE_PATTERNS.items() if pattern.search(text)} == set(RULE_PATTERNS)
