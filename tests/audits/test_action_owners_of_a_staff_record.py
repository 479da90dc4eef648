"""An action's text reaches its owner, so the owners offered for a record about a member of staff are
the auditor, that person and the people who manage them: never the whole workforce, even when the
person has no team or no line manager."""

import pytest

from audits.models import Audit
from audits.selectors import action_owner_choices
from core.history import save_with_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def owners(audit) -> set[str]:
    return set(action_owner_choices(audit).values_list("username", flat=True))


def test_a_record_about_someone_with_no_team_and_no_line_manager_offers_only_the_auditor_and_them(cast):
    assert cast["chair"].staff_profile.team_id is None and cast["chair"].staff_profile.line_manager_id is None
    audit = Audit(staff_member=cast["chair"], carried_out_by=cast["hos"])
    assert owners(audit) == {"hos", "chair"}


def test_a_record_about_a_team_member_offers_their_line_manager_and_their_teams_manager(cast):
    profile = cast["sw.assessment"].staff_profile
    profile.line_manager = cast["hos"]
    save_with_history(profile, actor=cast["qa.admin"])
    audit = Audit(staff_member=cast["sw.assessment"], carried_out_by=cast["qa.admin"])
    assert owners(audit) == {"qa.admin", "sw.assessment", "hos", "tm.assessment"}
