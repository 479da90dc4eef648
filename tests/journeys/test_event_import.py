"""import_events: every event of the case-management system becomes a fact (or an assignment); every
problem of a file is named by its row, nothing written; a second import, and a dry run, write nothing."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.models import CaseAssignment
from journeys.choices import FactSource, LegalStatusKind, MeetingKind, PlacementKind, StrategyOutcome
from journeys.models import (
    CareLeaverAccommodation,
    CareLeaverStatus,
    Detention,
    LegalStatus,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from journeys.signals import journey_facts_changed
from processes import roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]

FACT_MODELS = (
    Placement,
    LegalStatus,
    CareLeaverStatus,
    CareLeaverAccommodation,
    Detention,
    StrategyDiscussion,
    Visit,
    MeetingHeld,
)
HEADER = (
    "reference,event,date,end_date,long_term,kind,carer_reference,status,category,outcome,"
    "child_seen,seen_alone,visitor,role,username"
)
# CASE-C1 is looked after (iro), CASE-A1 on a child protection plan (sw.assessment, chair); born 2015-03-14.
EVERY_EVENT = [
    "CASE-C1,placement,2025-01-06,2025-06-30,no,,,,,,,,,,",
    "CASE-C1,placement,01/07/2025,,yes,connected_temporary,FC-0042,,,,,,,,",
    "CASE-C1,legal_status,2025-01-06,,,,,care_order,,,,,,,",
    "CASE-C1,care_leaver_status,2025-02-01,,,,,,eligible,,,,,,",
    "CASE-C1,care_leaver_accommodation,2025-03-01,2025-04-01,,,,,,,,,,,",
    "CASE-C1,detention,2025-05-01,2025-05-20,,,,,,,,,,,",
    "CASE-A1,strategy_discussion,2025-02-03,,,,,,,no_s47,,,,,",
    "CASE-A1,strategy_discussion,2025-03-03,,,,,,,s47,,,,,",
    "CASE-C1,visit,2025-01-10,,,,,,,,yes,yes,sw.assessment,,",
    "CASE-C1,visit,2025-02-14,,,,,,,,no,,,,",
    "CASE-C1,assignment,2025-01-06,,,,,,,,,,,pep-officer,chair",
    "CASE-C1,looked_after_review_held,2025-01-30,,,,,,,,,,,,",
    "CASE-A1,cp_conference_held,2025-03-20,,,,,,,,,,,,",
    "CASE-C1,pathway_plan_review_held,2025-04-02,,,,,,,,,,,,",
    "CASE-A1,core_group_held,2025-04-03,,,,,,,,,,,,",
]


def write(tmp_path, rows, *, header=HEADER, name="events.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_events", str(path), stdout=out, **options)
    return out.getvalue()


def problems_of(path, **options) -> str:
    with pytest.raises(CommandError) as raised:
        run(path, **options)
    return str(raised.value)


def snapshot() -> dict:
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in (*FACT_MODELS, CaseAssignment)}
    history = {f"{model.__name__} history": model.history.count() for model in (*FACT_MODELS, CaseAssignment)}
    return rows | history


def test_the_every_event_rows_are_well_formed():
    assert all(len(row.split(",")) == len(HEADER.split(",")) for row in EVERY_EVENT)


def test_every_event_is_parsed_and_written_as_its_fact(cast, tmp_path):
    out = run(write(tmp_path, EVERY_EVENT))
    looked_after, protected = cast.cases["cic"], cast.cases["assessment"]

    first, second = Placement.objects.filter(case=looked_after).order_by("start")
    assert (first.start, first.end, first.long_term, first.kind) == (
        date(2025, 1, 6),
        date(2025, 6, 30),
        False,
        PlacementKind.STANDARD,
    )
    assert (second.start, second.end, second.long_term, second.kind, second.carer_reference) == (
        date(2025, 7, 1),
        None,
        True,
        PlacementKind.CONNECTED_PERSON_TEMPORARY,
        "FC-0042",
    )
    assert LegalStatus.objects.get(case=looked_after).status == LegalStatusKind.CARE_ORDER
    assert CareLeaverStatus.objects.get(case=looked_after).category == "eligible"
    assert CareLeaverAccommodation.objects.get(case=looked_after).end == date(2025, 4, 1)
    assert Detention.objects.get(case=looked_after).start == date(2025, 5, 1)
    assert list(
        StrategyDiscussion.objects.filter(case=protected).order_by("held_on").values_list("outcome", flat=True)
    ) == [StrategyOutcome.NO_S47, StrategyOutcome.S47]
    seen, unseen = Visit.objects.filter(case=looked_after).order_by("visited_on")
    assert (seen.child_seen, seen.seen_alone, seen.visitor) == (True, True, cast["sw.assessment"])
    assert (unseen.child_seen, unseen.seen_alone, unseen.visitor) == (False, False, None)
    assert sorted(MeetingHeld.objects.values_list("kind", flat=True)) == sorted(
        [
            MeetingKind.LOOKED_AFTER_REVIEW,
            MeetingKind.CP_CONFERENCE,
            MeetingKind.PATHWAY_PLAN_REVIEW,
            MeetingKind.CORE_GROUP,
        ]
    )
    assignment = CaseAssignment.objects.get(case=looked_after, role__key=roles.PEP_OFFICER)
    assert (assignment.user, assignment.start, assignment.end) == (cast["chair"], date(2025, 1, 6), None)
    assert all(fact.source == FactSource.CASE_SYSTEM for model in FACT_MODELS for fact in model.objects.all())
    assert "placement: 2 added, 0 changed, 0 unchanged" in out
    assert "assignment: 1 added, 0 changed, 0 unchanged" in out
    assert "visit: 2 added, 0 changed, 0 unchanged" in out


def test_the_history_names_the_user_given_and_the_file(cast, tmp_path):
    run(write(tmp_path, EVERY_EVENT[:1], name="june.csv"), user="qa.admin")
    row = Placement.history.get()
    assert (row.history_user, row.history_change_reason) == (cast["qa.admin"], "import_events june.csv")


def test_without_user_the_history_names_nobody(cast, tmp_path):
    run(write(tmp_path, EVERY_EVENT[:1]))
    assert Placement.history.get().history_user is None


def test_importing_the_same_file_again_writes_nothing_and_says_so(cast, tmp_path):
    path = write(tmp_path, EVERY_EVENT)
    run(path)
    before = snapshot()
    out = run(path)
    assert snapshot() == before
    assert "placement: 0 added, 0 changed, 2 unchanged" in out
    assert "nothing changed" in out


def test_a_changed_end_date_updates_the_fact_with_one_history_row(cast, tmp_path):
    run(write(tmp_path, ["CASE-C1,placement,2025-01-06,,no,,,,,,,,,,"]))
    out = run(write(tmp_path, ["CASE-C1,placement,2025-01-06,2025-03-31,yes,,,,,,,,,,"]))
    placement = Placement.objects.get()
    assert (placement.end, placement.long_term) == (date(2025, 3, 31), True)
    assert placement.history.count() == 2
    assert "placement: 0 added, 1 changed, 0 unchanged" in out


def test_a_changed_visit_takes_what_the_case_system_says_now(cast, tmp_path):
    run(write(tmp_path, ["CASE-C1,visit,2025-01-10,,,,,,,,no,,,,"]))
    run(write(tmp_path, ["CASE-C1,visit,2025-01-10,,,,,,,,yes,no,,,"]))
    assert Visit.objects.get().child_seen is True


def test_a_dry_run_counts_what_would_change_and_writes_nothing(cast, tmp_path):
    before = snapshot()
    out = run(write(tmp_path, EVERY_EVENT), dry_run=True)
    assert snapshot() == before
    assert "would import: placement: 2 added, 0 changed, 0 unchanged" in out


def test_a_dry_run_of_an_imported_file_would_change_nothing(cast, tmp_path):
    path = write(tmp_path, EVERY_EVENT)
    run(path)
    assert "would import: nothing" in run(path, dry_run=True)


def test_an_import_tells_the_planner_once_inside_its_transaction_with_every_case_changed(cast, tmp_path):
    sent = []
    depth = len(connection.savepoint_ids)  # a send inside the import's transaction is a savepoint deeper

    def receiver(sender, *, case_ids, actor, reason, **kwargs):
        sent.append((set(case_ids), len(connection.savepoint_ids) > depth, reason))

    journey_facts_changed.connect(receiver)
    try:
        path = write(tmp_path, EVERY_EVENT[:-1])
        run(path)
        run(path)
    finally:
        journey_facts_changed.disconnect(receiver)
    assert sent == [({cast.cases["cic"].pk, cast.cases["assessment"].pk}, True, "import_events events.csv")]


def test_columns_an_event_does_not_use_may_be_absent(cast, tmp_path):
    run(write(tmp_path, ["CASE-C1,looked_after_review_held,2025-01-30"], header="reference,event,date"))
    assert MeetingHeld.objects.get().held_on == date(2025, 1, 30)


#
# Problems: every one named by its row, all at once, nothing written
#


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("NOPE-1,placement,2025-01-06,,no,,,,,,,,,,", "line 2: reference: no case has the reference 'NOPE-1'"),
        ("CASE-C1,moved_house,2025-01-06,,,,,,,,,,,,", "line 2: event: 'moved_house' is not an event"),
        ("CASE-C1,placement,2025-13-06,,no,,,,,,,,,,", "line 2: date: '2025-13-06' is not a date in the form"),
        ("CASE-C1,placement,6/1/2025,,no,,,,,,,,,,", "line 2: date: '6/1/2025' is not a date in the form"),
        (
            "CASE-C1,placement,2014-01-06,,no,,,,,,,,,,",
            "line 2: date: '2014-01-06' is before the child's date of birth",
        ),
        ("CASE-C1,placement,2025-02-06,2025-01-06,no,,,,,,,,,,", "line 2: end_date: '2025-01-06' is before date"),
        ("CASE-C1,placement,2025-01-06,,maybe,,,,,,,,,,", "line 2: long_term: 'maybe' is not yes or no"),
        ("CASE-C1,placement,2025-01-06,,,,,,,,,,,,", "line 2: long_term: is required for a placement row"),
        ("CASE-C1,placement,2025-01-06,,no,tent,,,,,,,,,", "line 2: kind: 'tent' is not a placement kind"),
        ("CASE-C1,legal_status,2025-01-06,,,,,s99,,,,,,,", "line 2: status: 's99' is not a legal status"),
        ("CASE-A1,strategy_discussion,2025-02-03,,,,,,,maybe,,,,,", "line 2: outcome: 'maybe' is not an outcome"),
        ("CASE-C1,visit,2025-01-10,,,,,,,,no,yes,,,", "line 2: seen_alone: cannot be yes when child_seen is no"),
        ("CASE-C1,visit,2025-01-10,,,,,,,,yes,,,,", "line 2: seen_alone: is required when child_seen is yes"),
        ("CASE-C1,visit,2025-01-10,,,,,,,,yes,no,nobody,,", "line 2: visitor: no user is called 'nobody'"),
        ("CASE-C1,assignment,2025-01-06,,,,,,,,,,,wizard,chair", "line 2: role: 'wizard' is not a role key"),
        ("CASE-C1,assignment,2025-01-06,,,,,,,,,,,iro,nobody", "line 2: username: no user is called 'nobody'"),
        (
            "CASE-C1,assignment,2025-01-06,,,,,,,,,,,scrutiny-panel-member,scrutiny",
            "line 2: role: 'scrutiny-panel-member' is not a role held for one child",
        ),
        ("CASE-C1,strategy_discussion,2025-02-03,2025-02-04,,,,,,s47,,,,,", "line 2: end_date: is not used by"),
    ],
)
def test_a_bad_row_is_named_with_its_row_and_problem_and_nothing_is_written(cast, tmp_path, row, problem):
    before = snapshot()
    message = problems_of(write(tmp_path, [EVERY_EVENT[0], row]))
    assert problem.replace("line 2", "line 3") in message
    assert "the events were not imported; nothing changed" in message
    assert snapshot() == before


def test_a_date_in_the_future_is_refused(cast, tmp_path):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    message = problems_of(write(tmp_path, [f"CASE-C1,looked_after_review_held,{tomorrow},,,,,,,,,,,,"]))
    assert f"line 2: date: '{tomorrow}' is in the future" in message


def test_every_problem_of_a_file_is_listed_at_once_in_row_order(cast, tmp_path):
    rows = [
        "CASE-C1,placement,2025-01-06,,no,,,,,,,,,,",
        'CASE-C1,placement,2025-02-06,,no,,"two\nlines",,,,,,,,',
        "NOPE-1,visit,2025-01-10,,,,,,,,no,yes,,,",
        "CASE-C1,placement,2025-01-06,,yes,,,,,,,,,,",
    ]
    before = snapshot()
    message = problems_of(write(tmp_path, rows))
    listed = message.splitlines()[1:]
    assert listed == [
        "line 4: reference: no case has the reference 'NOPE-1'",
        "line 4: seen_alone: cannot be yes when child_seen is no",
        "line 5: event: the same placement as line 2, stated differently",
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("reference,event", "line 1: missing column 'date'"),
        ("reference,event,date,colour", "line 1: unknown column 'colour'"),
        ("reference,event,date,date", "line 1: column 'date' appears more than once"),
    ],
)
def test_a_bad_header_is_named_on_line_1(cast, tmp_path, header, problem):
    assert problem in problems_of(write(tmp_path, [], header=header))


def test_a_nul_character_is_refused_with_its_row_and_column(cast, tmp_path):
    message = problems_of(write(tmp_path, ["CASE-C1,placement,2025-01-06,,no,,FC\x00,,,,,,,,"]))
    assert "line 2: carer_reference: holds a NUL character" in message


def test_an_unknown_user_option_is_refused(cast, tmp_path):
    with pytest.raises(CommandError, match="--user 'nobody': no such user"):
        run(write(tmp_path, EVERY_EVENT), user="nobody")


def test_the_example_of_the_docs_imports(cast, tmp_path):
    from pathlib import Path

    from cases.models import Case
    from tests.factories import UserFactory

    for reference, born in (("C-0001", date(2015, 3, 4)), ("C-0002", date(2012, 11, 20))):
        Case.objects.create(reference=reference, child_name="Example", date_of_birth=born, team=cast.teams["cic"])
    UserFactory(username="iro.one")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "case-import.md").read_text(encoding="utf-8")
    events = docs[docs.index("## Events (import_events)") :]
    example = events[events.index("```csv\n") + len("```csv\n") : events.index("```\n", events.index("```csv\n"))]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    out = run(path)
    assert "placement: 2 added, 0 changed, 0 unchanged" in out
    assert "assignment: 1 added, 0 changed, 0 unchanged" in out
    assert StrategyDiscussion.objects.get().outcome == StrategyOutcome.S47
