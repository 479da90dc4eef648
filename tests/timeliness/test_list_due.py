"""list_due --case REFERENCE: a case's due items as JSON lines, by due date then process key."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from processes import roles
from processes.models import Process, Role
from timeliness.choices import DueStatus
from timeliness.models import DueItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


def listed(reference: str) -> list[dict]:
    out = io.StringIO()
    call_command("list_due", case=reference, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_item_is_a_json_line_with_its_process_due_date_status_person_and_role(cast):
    case = cast.cases["cic"]
    review = Process.objects.get(key="voice-children-in-care")
    visits = Process.objects.get(key="voice-statutory-and-child-in-need-visits")
    episode = case.episodes.get()
    iro_role = Role.objects.get(key=roles.IRO)
    DueItem.objects.create(key="t:b", process=visits, case=case, due_on=date(2026, 2, 1), status=DueStatus.OPEN)
    DueItem.objects.create(
        key="t:a",
        process=review,
        case=case,
        episode=episode,
        due_on=date(2026, 2, 1),
        responsible=cast["iro"],
        responsible_role=iro_role,
        status=DueStatus.OPEN,
    )
    DueItem.objects.create(key="t:c", process=visits, case=case, due_on=date(2026, 1, 12), status=DueStatus.CANCELLED)
    DueItem.objects.create(key="t:other", process=visits, case=cast.cases["yos"], due_on=date(2026, 1, 1))
    assert listed("CASE-C1") == [
        {
            "process": visits.key,
            "due": "2026-01-12",
            "status": "cancelled",
            "responsible": None,
            "role": None,
            "completed": None,
            "episode": None,
            "key": "t:c",
        },
        {
            "process": review.key,
            "due": "2026-02-01",
            "status": "open",
            "responsible": "iro",
            "role": roles.IRO,
            "completed": None,
            "episode": episode.pk,
            "key": "t:a",
        },
        {
            "process": visits.key,
            "due": "2026-02-01",
            "status": "open",
            "responsible": None,
            "role": None,
            "completed": None,
            "episode": None,
            "key": "t:b",
        },
    ]


def test_a_case_with_no_items_prints_nothing(cast):
    assert listed("CASE-A2") == []


def test_an_unknown_reference_is_refused(cast):
    with pytest.raises(CommandError, match="'NOPE-1': no case has that reference"):
        listed("NOPE-1")
