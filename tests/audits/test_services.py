"""Recording services: who may record what, drafts, submission checks, amendments, moderation, actions."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.choices import AuditStatus
from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from audits.selectors import case_choices, recordable_processes, staff_choices
from audits.services import (
    action_complete,
    audit_amend,
    audit_moderate,
    audit_save,
    audit_start,
    audit_submit,
)
from processes.models import Process

# The catalogue and the cast are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]


@pytest.fixture
def recording(cast):
    """The cast, with the whole catalogue loaded (once for the module: catalogue_once)."""
    return cast


def process(key):
    return Process.objects.get(key=key)


def complete(audit, **extra):
    """Fill in every finding as met, the date, and what the process asks for."""
    findings = {finding.pk: {"judgement": "met", "evidence": ""} for finding in audit.findings.all()}
    fields = {"held_on": date(2026, 11, 20), "summary": "Checked.", **extra.pop("fields", {})}
    if audit.process.grades:
        fields.setdefault("grade", "good")
    if audit.process.asks_child_voice:
        fields.setdefault("child_voice", "Said school is going well.")
    return {"fields": fields, "findings": findings, **extra}


#
# Who may record what
#


def test_a_team_manager_may_record_the_processes_team_managers_lead(recording):
    keys = set(recordable_processes(recording["tm.assessment"]).values_list("key", flat=True))
    assert {"csc-sample-audit", "csc-transfer-audit", "yos-intervention-plans"} <= keys
    assert "aa-child-protection-review" not in keys


def test_a_social_worker_may_not_record_a_sample_audit(recording):
    with pytest.raises(PermissionDenied):
        audit_start(
            actor=recording["sw.assessment"], process=process("csc-sample-audit"), case=recording.cases["assessment"]
        )
    assert not Audit.objects.exists()


def test_a_case_outside_the_users_scope_is_refused(recording):
    with pytest.raises(PermissionDenied, match="not in your scope"):
        audit_start(actor=recording["tm.assessment"], process=process("csc-sample-audit"), case=recording.cases["cic"])


def test_the_subject_choices_offer_only_cases_in_scope(recording):
    assert set(case_choices(recording["chair"]).values_list("reference", flat=True)) == {"CASE-A1"}


def test_staff_choices_are_the_managers_team_and_never_themselves(recording):
    choices = set(staff_choices(recording["tm.assessment"]).values_list("username", flat=True))
    assert choices == {"sw.assessment"}


#
# Drafts and submission
#


def test_starting_a_record_makes_a_draft_with_a_finding_per_required_outcome(recording):
    audit = audit_start(
        actor=recording["tm.assessment"], process=process("csc-sample-audit"), case=recording.cases["assessment"]
    )
    assert audit.status == AuditStatus.DRAFT
    assert (
        Finding.objects.filter(audit=audit).count()
        == process("csc-sample-audit").outcomes.filter(is_active=True).count()
    )
    assert audit.team == recording.teams["assessment"]
    assert audit.history.first().history_user == recording["tm.assessment"]


def test_submitting_checks_every_outcome_is_judged_and_not_met_has_evidence(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    arguments = complete(audit)
    first = next(iter(arguments["findings"]))
    arguments["findings"][first] = {"judgement": "not_met", "evidence": ""}
    audit_save(actor=actor, audit=audit, **arguments)
    with pytest.raises(ValidationError) as raised:
        audit_submit(actor=actor, audit=audit)
    assert f"finding-{first}" in raised.value.message_dict
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT


def test_a_complete_audit_submits_with_its_action(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    finding = audit.findings.first()
    arguments = complete(audit)
    arguments["findings"][finding.pk] = {"judgement": "not_met", "evidence": "No plan on file."}
    arguments["new_actions"] = [
        {
            "description": "Write the plan",
            "owner": recording["sw.assessment"],
            "due_on": date(2026, 12, 4),
            "finding": finding,
        }
    ]
    audit_save(actor=actor, audit=audit, **arguments)
    audit_submit(actor=actor, audit=audit)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    action = Action.objects.get(audit=audit)
    assert (action.owner, action.finding) == (recording["sw.assessment"], finding)


def test_a_grading_process_needs_a_grade(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    audit_save(actor=actor, audit=audit, **complete(audit, fields={"grade": ""}))
    with pytest.raises(ValidationError) as raised:
        audit_submit(actor=actor, audit=audit)
    assert "grade" in raised.value.message_dict


def test_a_submitted_record_cannot_be_saved_as_a_draft(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    audit_save(actor=actor, audit=audit, **complete(audit))
    audit_submit(actor=actor, audit=audit)
    with pytest.raises(ValidationError, match="only by an amendment"):
        audit_save(actor=actor, audit=audit, **complete(audit))


#
# Conferences and visits
#


def test_a_child_protection_review_computes_the_next_review_from_its_schedule(recording):
    chair = recording["chair"]
    audit = audit_start(actor=chair, process=process("aa-child-protection-review"), case=recording.cases["assessment"])
    conference = {
        "child_attended": True,
        "views_given": True,
        "advocate_offered": False,
        "decision": "plan_continues",
        "next_review_on": None,
        "next_review_change_reason": "",
    }
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference))
    record = ConferenceRecord.objects.get(audit=audit)
    # The first review of this plan, held 20 November 2026: the next is 6 months on.
    assert record.next_review_computed_on == date(2027, 5, 20)
    assert record.next_review_on == date(2027, 5, 20)
    audit_submit(actor=chair, audit=audit)


def test_changing_the_computed_next_review_needs_a_reason(recording):
    chair = recording["chair"]
    audit = audit_start(actor=chair, process=process("aa-child-protection-review"), case=recording.cases["assessment"])
    conference = {
        "child_attended": True,
        "views_given": True,
        "advocate_offered": True,
        "decision": "plan_continues",
        "next_review_on": date(2027, 3, 1),
        "next_review_change_reason": "",
    }
    with pytest.raises(ValidationError) as raised:
        audit_save(actor=chair, audit=audit, **complete(audit, conference=conference))
    assert "next_review_on" in raised.value.message_dict
    conference["next_review_change_reason"] = "Baby due in March: review brought forward."
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference))
    assert ConferenceRecord.objects.get(audit=audit).next_review_on == date(2027, 3, 1)


def test_an_icpc_sets_the_first_review_three_months_on(recording):
    chair = recording["chair"]
    audit = audit_start(
        actor=chair, process=process("aa-initial-child-protection-conference"), case=recording.cases["assessment"]
    )
    conference = {
        "child_attended": False,
        "views_given": True,
        "advocate_offered": True,
        "decision": "plan_made",
        "next_review_on": None,
        "next_review_change_reason": "",
    }
    audit_save(actor=chair, audit=audit, **complete(audit, conference=conference))
    assert ConferenceRecord.objects.get(audit=audit).next_review_on == date(2027, 2, 20)


def test_a_statutory_visit_asks_whether_the_child_was_seen_alone(recording):
    worker = recording["sw.assessment"]
    audit = audit_start(
        actor=worker, process=process("voice-statutory-and-child-in-need-visits"), case=recording.cases["assessment"]
    )
    visit = {"child_seen": True, "seen_alone": None, "location": "At school"}
    audit_save(actor=worker, audit=audit, **complete(audit, visit=visit))
    with pytest.raises(ValidationError) as raised:
        audit_submit(actor=worker, audit=audit)
    assert "seen_alone" in raised.value.message_dict
    visit["seen_alone"] = True
    audit_save(actor=worker, audit=audit, **complete(audit, visit=visit))
    audit_submit(actor=worker, audit=audit)
    assert VisitRecord.objects.get(audit=audit).seen_alone is True


#
# Amendments and moderation
#


@pytest.fixture
def submitted(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    audit_save(actor=actor, audit=audit, **complete(audit))
    audit_submit(actor=actor, audit=audit)
    return audit


def test_an_amendment_needs_a_reason_and_keeps_the_original_in_history(recording, submitted):
    actor = recording["tm.assessment"]
    with pytest.raises(ValidationError):
        audit_amend(actor=actor, audit=submitted, reason=" ", **complete(submitted))
    audit_amend(
        actor=actor, audit=submitted, reason="Wrong date", **complete(submitted, fields={"held_on": date(2026, 11, 19)})
    )
    submitted.refresh_from_db()
    assert submitted.status == AuditStatus.AMENDED
    assert submitted.history.filter(held_on=date(2026, 11, 20)).exists()
    assert submitted.history.first().history_change_reason == "Amended: Wrong date"


def test_a_head_of_service_agrees_or_changes_the_grade_with_a_reason(recording, submitted):
    with pytest.raises(ValidationError):
        audit_moderate(actor=recording["hos"], audit=submitted, agreed=False, grade="inadequate", reason="")
    moderation = audit_moderate(
        actor=recording["hos"], audit=submitted, agreed=False, grade="inadequate", reason="Plan absent"
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.grade) == (AuditStatus.MODERATED, "inadequate")
    assert Moderation.objects.get(pk=moderation.pk).original_grade == "good"


def test_a_team_manager_may_not_moderate(recording, submitted):
    with pytest.raises(PermissionDenied):
        audit_moderate(actor=recording["tm.cic"], audit=submitted, agreed=True)


#
# Actions
#


def test_the_owner_marks_an_action_done(recording, submitted):
    action = Action.objects.create(
        audit=submitted, description="Chase the plan", owner=recording["sw.assessment"], due_on=date(2026, 12, 1)
    )
    with pytest.raises(PermissionDenied):
        action_complete(actor=recording["tm.cic"], action=action)
    action_complete(actor=recording["sw.assessment"], action=action, done_on=date(2026, 11, 30))
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", date(2026, 11, 30))


def test_a_moderator_who_amended_the_record_may_not_moderate_it(recording, submitted):
    audit_amend(
        actor=recording["hos"],
        audit=submitted,
        reason="Grade looked wrong",
        **complete(submitted, fields={"grade": "outstanding"}),
    )
    with pytest.raises(ValidationError, match="You amended this record"):
        audit_moderate(actor=recording["hos"], audit=submitted, agreed=True)


def test_a_record_is_moderated_once(recording, submitted):
    audit_moderate(actor=recording["hos"], audit=submitted, agreed=True)
    submitted.refresh_from_db()
    with pytest.raises(ValidationError):
        audit_moderate(actor=recording["qa.admin"], audit=submitted, agreed=True)


def test_an_action_owner_must_work_on_the_records_subject(recording):
    actor = recording["tm.assessment"]
    audit = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    outsider = {"description": "Chase", "owner": recording["tm.yos"], "due_on": date(2026, 12, 4), "finding": None}
    with pytest.raises(ValidationError) as raised:
        audit_save(actor=actor, audit=audit, **complete(audit, new_actions=[outsider]))
    assert "action_owner" in raised.value.message_dict
    assert not Action.objects.exists()


def test_a_meeting_record_stays_within_the_team_that_made_it(recording):
    author = recording["tm.yos"]
    meeting = audit_start(actor=author, process=process("yos-case-planning-forums"), subject_label="Forum, 3 November")
    audit_save(actor=author, audit=meeting, **complete(meeting))
    audit_submit(actor=author, audit=meeting)
    assert Audit.objects.for_user(author).filter(pk=meeting.pk).exists()
    assert not Audit.objects.for_user(recording["tm.cic"]).filter(pk=meeting.pk).exists()
    assert Audit.objects.for_user(recording["hos"]).filter(pk=meeting.pk).exists()


def test_a_draft_is_seen_by_its_author_alone(recording):
    actor = recording["tm.assessment"]
    draft = audit_start(actor=actor, process=process("csc-sample-audit"), case=recording.cases["assessment"])
    assert Audit.objects.for_user(actor).filter(pk=draft.pk).exists()
    for other in ("sw.assessment", "hos", "chair"):
        assert not Audit.objects.for_user(recording[other]).filter(pk=draft.pk).exists(), other
