import pytest

from tests.audits.helpers import record


@pytest.fixture
def records(cast):
    """A submitted, graded audit of the assessment case (one outcome not met, an action for the social
    worker), a draft of the same case, a workforce record about the social worker, and a submitted
    audit of the children-in-care case. All but the last by tm.assessment."""
    manager = cast["tm.assessment"]
    return {
        "submitted": record(
            manager,
            "csc-sample-audit",
            case=cast.cases["assessment"],
            not_met=True,
            action_owner=cast["sw.assessment"],
        ),
        "draft": record(manager, "csc-sample-audit", case=cast.cases["assessment"], submit=False),
        "workforce": record(manager, "csc-supervision", staff_member=cast["sw.assessment"]),
        "cic": record(cast["tm.cic"], "csc-sample-audit", case=cast.cases["cic"]),
    }


DATE_FIELDS = ("held_on", "due_on", "next_review_on", "action_due_on")
