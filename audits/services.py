"""Writes for recording: starting, saving, submitting, amending and moderating audits, and actions.

Every function checks what it is given against the user's permissions and scope again (the views
have narrowed their choices already; a service never trusts a caller), writes in one transaction,
and records the acting user and reason in history.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from audits.choices import ActionStatus, AuditStatus, ConferenceDecision, Judgement
from audits.fact_records import record_fact
from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from audits.rules import (
    AMENDABLE,
    EDITABLE,
    answers_for_action,
    is_moderator,
    may_amend,
    may_complete_action,
    may_edit,
    may_record,
    may_record_about_case,
    may_record_about_foster_carer,
    may_record_about_staff,
    moderation_refusal,
)
from audits.selectors import action_owner_choices
from audits.signals import audit_started, audit_submitted
from audits.staleness import StaleRecord, bump, is_identical_resubmit, lock_current
from cases.models import Case
from core.history import save_with_history
from processes.models import Process
from processes.schedules import closure_days, effective_rule
from processes.timescales import next_due_after

#
# Starting and saving
#


@transaction.atomic
def audit_start(
    *,
    actor,
    process: Process,
    case: Case | None = None,
    staff_member=None,
    foster_carer=None,
    subject_label: str = "",
    case_references: str | list[str] = "",
    due_on=None,
    start_token: UUID | None = None,
    due_item_id: int | None = None,
) -> Audit:
    """Create a draft audit of `process` with an empty finding per required outcome.

    `due_item_id`: the due item it was started from (checked by the view through audits.due_offers);
    the apps above tie that item to the draft in this transaction (the audit_started signal).

    `start_token` is the start form's one-time token: the same form posted again (a double click, a
    resent request) returns the draft the first post made, whether that post has committed already
    or is committing at the same moment (the unique constraint decides)."""
    if not may_record(actor, process):
        raise PermissionDenied("You do not lead this process.")
    if start_token is not None:
        started = _started_from(actor, start_token)
        if started is not None:
            return started
    kind = process.subject_kind
    team = None
    references: list[str] = []
    if kind == "case":
        if case is None:
            raise ValidationError({"case": "Choose the case."})
        if not may_record_about_case(actor, case):
            raise PermissionDenied("This case is not in your scope.")
        team = case.team
    elif kind == "staff":
        if staff_member is None:
            raise ValidationError({"staff_member": "Choose the member of staff."})
        if not may_record_about_staff(actor, staff_member):
            raise PermissionDenied("You may not record about this member of staff.")
        team = staff_member.staff_profile.team
    elif kind == "foster_carer":
        if foster_carer is None:
            raise ValidationError({"foster_carer": "Choose the foster carer."})
        if not may_record_about_foster_carer(actor, foster_carer):
            raise PermissionDenied("This foster carer is not in your scope.")
        team = foster_carer.supervising_team
    else:
        problems = {}
        if not subject_label.strip():
            problems["subject_label"] = "Say which meeting, review or part of the service this is about."
        if kind == "practice_review":
            try:
                references = practice_review_references(case_references)
            except ValidationError as error:
                problems["case_references"] = error.messages
        if problems:
            raise ValidationError(problems)
        profile = getattr(actor, "staff_profile", None)
        team = profile.team if profile else None
    audit = Audit(
        process=process,
        case=case if kind == "case" else None,
        staff_member=staff_member if kind == "staff" else None,
        foster_carer=foster_carer if kind == "foster_carer" else None,
        case_references=references,
        subject_label=subject_label.strip() if kind not in ("case", "staff", "foster_carer") else "",
        team=team,
        carried_out_by=actor,
        due_on=due_on,
        start_token=start_token,
    )
    try:
        with transaction.atomic():
            save_with_history(audit, actor=actor, reason="Started")
    except (IntegrityError, ValidationError):
        # Another post of the same form got there first (its insert held the token until it committed).
        started = _started_from(actor, start_token) if start_token is not None else None
        if started is None:
            raise
        return started
    for outcome in process.outcomes.filter(is_active=True).order_by("position"):
        save_with_history(Finding(audit=audit, outcome=outcome), actor=actor, validate=False)
    if process.record_form == "conference":
        save_with_history(ConferenceRecord(audit=audit), actor=actor, validate=False)
    elif process.record_form == "visit":
        save_with_history(VisitRecord(audit=audit), actor=actor, validate=False)
    if due_item_id is not None:
        audit_started.send(sender=Audit, audit_id=audit.pk, due_item_id=due_item_id, actor=actor)
    return audit


def practice_review_references(text: str | list[str]) -> list[str]:
    """The case references a practice review names (one a line, or separated by commas),
    each checked to be a case's reference; in the order given, without repeats.

    The review's lead is a board role that never sees a child's record, so this is the one question
    asked of the cases: does a case have this reference. Nothing else of any case is read or shown,
    and the record keeps the references as text, not links (a link would open the child's record)."""
    words = text if isinstance(text, list) else text.replace(",", "\n").splitlines()
    references = list(dict.fromkeys(word.strip() for word in words if word.strip()))
    if not references:
        raise ValidationError("Give the reference of at least one case the review looked at.")
    known = set(Case.objects.filter(reference__in=references).values_list("reference", flat=True))
    unknown = [reference for reference in references if reference not in known]
    if unknown:
        raise ValidationError(f"No case has the reference {', '.join(unknown)}. Check the references.")
    return references


def _started_from(actor, start_token: UUID) -> Audit | None:
    """The draft a start form's token already made, if any. The token is only ever its author's."""
    started = Audit.objects.filter(start_token=start_token).first()
    if started is not None and started.carried_out_by_id != actor.pk:
        raise ValidationError("This form has already been used. Start the record again.")
    return started


def audit_drafts_follow_cases(*, case_ids: list[int], actor, reason: str = "") -> int:
    """Drafts of cases that changed team count for the case's new team (a draft counts for the case's
    team when it is recorded, and it has not been yet); each with a history row. Their author is kept:
    a draft is its author's own judgement, and is seen only by them while they can see the case.
    Returns how many drafts moved. Three queries, whatever the number of cases. The version is not
    bumped: the team is no field of the author's form, and their next save reloads the row under its
    lock (audits.staleness.lock_current), so it keeps the new team without refusing them."""
    teams = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "team_id"))
    drafts = list(Audit.objects.filter(case_id__in=list(teams), status=AuditStatus.DRAFT).select_for_update())
    moved = [draft for draft in drafts if draft.team_id != teams[draft.case_id]]
    now = timezone.now()
    for draft in moved:
        draft.team_id, draft.updated_at = teams[draft.case_id], now
    why = f"Followed its case to its new team ({reason})" if reason else "Followed its case to its new team"
    return (
        bulk_update_with_history(moved, Audit, ["team", "updated_at"], default_user=actor, default_change_reason=why)
        if moved
        else 0
    )


def _plan_after(audit: Audit) -> None:
    """Tell the apps above, inside this transaction (timeliness meets the due item this record
    satisfies and plans what falls due next). Not on commit through the broker: a record committed
    while Redis was down would leave its item open for good; in the transaction, the record and its
    due items commit together or not at all."""
    audit_submitted.send(sender=Audit, audit_id=audit.pk)


def _check_in_scope(actor, audit: Audit) -> None:
    """The record is one the actor may see (Audit.objects.for_user): a service never trusts its caller."""
    if not Audit.objects.for_user(actor).filter(pk=audit.pk).exists():
        raise PermissionDenied("This record is not in your scope.")


def _check_author(actor, audit: Audit) -> None:
    if audit.carried_out_by_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft may change it.")


def _check_may_amend(actor, audit: Audit) -> None:
    if not (audit.carried_out_by_id == actor.pk or is_moderator(actor)):
        raise PermissionDenied("Only the person who recorded it, a head of service or a QA administrator may amend it.")
    _check_in_scope(actor, audit)


def _check_may_moderate(actor, audit: Audit) -> None:
    if not is_moderator(actor):
        raise PermissionDenied("Only a head of service or a QA administrator moderates.")
    _check_in_scope(actor, audit)


def _check_editable(actor, audit: Audit) -> None:
    if audit.status not in EDITABLE:
        raise ValidationError("A submitted record is changed only by an amendment.")
    if not may_edit(actor, audit):
        raise PermissionDenied("Only the person who started this draft may change it.")


def computed_next_review(audit: Audit, held_on: date | None) -> date | None:
    """The next review date the schedule rule gives, counting this record among the subject's records."""
    process = audit.process
    review_process = process.next_review_of or process
    rule = effective_rule(review_process)
    if not (rule and held_on and audit.case_id):
        return None
    if review_process.pk == process.pk:
        earlier = (
            Audit.objects.filter(process=process, case_id=audit.case_id, held_on__lt=held_on)
            .exclude(status=AuditStatus.DRAFT)
            .exclude(pk=audit.pk)
            .count()
        )
        records_so_far = earlier + 1
    else:
        records_so_far = 0  # e.g. an ICPC: the review process has had no record yet in this plan
    return next_due_after(rule, held_on, records_so_far, closures=closure_days(after=held_on))


@transaction.atomic
def audit_save(
    *,
    actor,
    audit: Audit,
    fields: dict,
    findings: dict[int, dict],
    conference: dict | None = None,
    visit: dict | None = None,
    new_actions: list[dict] | None = None,
    reason: str = "Draft saved",
    version: int | None = None,
) -> Audit:
    """Save a draft's fields, findings (by finding id), form-specific fields and new actions.
    `version` is the one the form was opened at: a save from an older one is refused (StaleRecord),
    unless it is the same save posted again moments later (a double click): that one writes nothing."""
    try:
        lock_current(audit, seen_version=version, actor=actor, who_may=lambda a: _check_author(actor, a))
    except StaleRecord:
        posted = dict(fields=fields, findings=findings, conference=conference, visit=visit, new_actions=new_actions)
        if is_identical_resubmit(audit, actor=actor, seen_version=version, **posted):
            return audit
        raise
    _check_editable(actor, audit)
    _apply(actor, audit, fields, findings, conference, visit, new_actions, reason)
    return audit


def _apply(actor, audit, fields, findings, conference, visit, new_actions, reason):
    for name, value in fields.items():
        setattr(audit, name, value)
    bump(audit)
    save_with_history(audit, actor=actor, reason=reason)
    by_id = {finding.pk: finding for finding in audit.findings.all()}
    for finding_id, values in findings.items():
        finding = by_id.get(finding_id)
        if finding is None:
            raise ValidationError("A finding does not belong to this audit.")
        if any(getattr(finding, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(finding, name, value)
            save_with_history(finding, actor=actor, reason=reason)
    if conference is not None:
        record = audit.conference
        computed = computed_next_review(audit, audit.held_on)
        record.next_review_computed_on = computed
        for name, value in conference.items():
            setattr(record, name, value)
        if computed and record.next_review_on is None:
            record.next_review_on = computed
        if (
            record.next_review_on
            and computed
            and record.next_review_on != computed
            and not record.next_review_change_reason.strip()
        ):
            raise ValidationError(
                {"next_review_on": "Give a reason for changing the next review date from the one the schedule gives."}
            )
        save_with_history(record, actor=actor, reason=reason)
    if visit is not None:
        record = audit.visit
        for name, value in visit.items():
            setattr(record, name, value)
        save_with_history(record, actor=actor, reason=reason)
    if new_actions:
        owners = action_owner_choices(audit)
        for values in new_actions:
            if not owners.filter(pk=values["owner"].pk).exists():
                raise ValidationError({"action_owner": "Choose an owner who works on this record's subject"})
            action_create(actor=actor, audit=audit, **values)


def submission_problems(audit: Audit) -> dict[str, list[str]]:
    """What stops a draft being submitted: the checks of completeness, by field."""
    problems: dict[str, list[str]] = {}

    def problem(field, message):
        problems.setdefault(field, []).append(message)

    process = audit.process
    if not audit.held_on:
        problem("held_on", "Enter the date it was carried out")
    elif audit.held_on > timezone.localdate():
        problem("held_on", "The date it was carried out must be today or in the past")
    if process.grades and not audit.grade:
        problem("grade", "Choose an overall grade")
    if process.asks_child_voice and not audit.child_voice.strip():
        problem("child_voice", "Record the child's voice: what they said, or why it could not be heard")
    for finding in audit.findings.select_related("outcome").order_by("outcome__position"):
        field = f"finding-{finding.pk}"
        if not finding.judgement:
            problem(field, f"Judge the outcome: {finding.outcome.text}")
        elif finding.judgement in (Judgement.NOT_MET, Judgement.PARTLY_MET) and not finding.evidence.strip():
            problem(field, f"Give the evidence for the outcome not fully met: {finding.outcome.text}")
    if process.record_form == "conference":
        record = audit.conference
        if record.child_attended is None:
            problem("child_attended", "Say whether the child attended or was seen")
        if record.views_given is None:
            problem("views_given", "Say whether the child's views were given")
        if record.advocate_offered is None:
            problem("advocate_offered", "Say whether an advocate was offered")
        if not record.decision:
            problem("decision", "Choose the decision")
        elif record.decision != ConferenceDecision.PLAN_ENDS and not record.next_review_on:
            problem("next_review_on", "Enter the next review date")
    if process.record_form == "visit":
        record = audit.visit
        if record.child_seen is None:
            problem("child_seen", "Say whether the child was seen")
        elif record.child_seen and record.seen_alone is None:
            problem("seen_alone", "Say whether the child was seen alone")
        if not record.location.strip():
            problem("location", "Say where the visit took place")
    return problems


@transaction.atomic
def audit_submit(*, actor, audit: Audit, version: int | None = None) -> Audit:
    """Submit a complete draft. Under the record's lock: a second submit of the same draft finds it
    submitted already and is refused, so there is one "Submitted" history row and one follow-up."""
    lock_current(audit, seen_version=version, actor=actor, who_may=lambda a: _check_author(actor, a))
    _check_editable(actor, audit)
    problems = submission_problems(audit)
    if problems:
        raise ValidationError(problems)
    audit.status = AuditStatus.SUBMITTED
    audit.submitted_at = timezone.now()
    bump(audit)
    save_with_history(audit, actor=actor, reason="Submitted")
    # The record's fact (a visit, a meeting held) first, so the planner the signal wakes reads it.
    record_fact(audit, actor=actor)
    _plan_after(audit)
    return audit


@transaction.atomic
def audit_amend(
    *,
    actor,
    audit: Audit,
    reason: str,
    fields: dict,
    findings: dict,
    conference=None,
    visit=None,
    new_actions=None,
    version: int | None = None,
) -> Audit:
    """Change a submitted record. The reason is kept with the change; the original stays in history.
    An amendment from a form opened before the record's last change is refused (StaleRecord)."""
    lock_current(audit, seen_version=version, actor=actor, who_may=lambda a: _check_may_amend(actor, a))
    if audit.status not in AMENDABLE:
        raise ValidationError("Only a submitted record is amended; a draft is simply saved.")
    if not may_amend(actor, audit):
        raise PermissionDenied("Only the person who recorded it, a head of service or a QA administrator may amend it.")
    _check_in_scope(actor, audit)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the amendment"})
    fields = {**fields, "status": AuditStatus.AMENDED}
    _apply(actor, audit, fields, findings, conference, visit, new_actions, f"Amended: {reason.strip()}")
    problems = submission_problems(audit)
    if problems:
        raise ValidationError(problems)
    _plan_after(audit)
    return audit


@transaction.atomic
def audit_moderate(
    *, actor, audit: Audit, agreed: bool, grade: str = "", reason: str = "", version: int | None = None
) -> Moderation:
    """A head of service or QA administrator agrees the grade, or changes it with a reason. Under the
    record's lock, from the version the moderator saw: "agreed" means the grade they were shown."""
    lock_current(audit, seen_version=version, actor=actor, who_may=lambda a: _check_may_moderate(actor, a))
    refusal = moderation_refusal(actor, audit)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    _check_in_scope(actor, audit)
    if refusal is not None:
        raise refusal
    if not agreed:
        if not grade:
            raise ValidationError({"grade": "Choose the moderated grade"})
        if grade == audit.grade:
            raise ValidationError({"grade": "Choose a different grade, or agree the grade"})
        if not reason.strip():
            raise ValidationError({"reason": "Give the reason for changing the grade"})
    moderation = Moderation(
        audit=audit,
        moderator=actor,
        original_grade=audit.grade,
        agreed=agreed,
        grade=audit.grade if agreed else grade,
        reason=reason.strip(),
    )
    try:
        with transaction.atomic():
            save_with_history(moderation, actor=actor, reason="Moderated")
    except IntegrityError:
        # Only a write that skipped the record's lock can get here; still a plain answer, not a 500.
        raise StaleRecord(
            "Someone else moderated this record while you had it open. Your moderation has not been saved.",
            current_version=audit.version,
        ) from None
    audit.status = AuditStatus.MODERATED
    audit.grade = moderation.grade
    bump(audit)
    save_with_history(audit, actor=actor, reason="Moderation agreed" if agreed else f"Moderated: {reason.strip()}")
    _plan_after(audit)
    return moderation


#
# Actions
#


def action_create(*, actor, audit: Audit, description: str, owner, due_on, finding: Finding | None = None) -> Action:
    if finding is not None and finding.audit_id != audit.pk:
        raise ValidationError({"finding": "The finding must belong to this audit."})
    return save_with_history(
        Action(audit=audit, finding=finding, description=description, owner=owner, due_on=due_on),
        actor=actor,
        reason="Action agreed",
    )


@transaction.atomic
def action_complete(*, actor, action: Action, done_on: date | None = None) -> Action:
    """The owner (or the auditor) marks an action done. Twice (a double click, two tabs) is once: the
    row is locked and re-read, and an action already done is left as it is, with no second history row."""
    if not answers_for_action(actor, action):
        raise PermissionDenied("Only the action's owner or the auditor marks it done.")
    Action.objects.select_for_update().filter(pk=action.pk).values_list("pk").get()
    action.refresh_from_db()
    if action.status == ActionStatus.DONE:
        return action
    if not may_complete_action(actor, action):
        raise ValidationError("This action is already closed.")
    action.status = ActionStatus.DONE
    action.done_on = done_on or timezone.localdate()
    return save_with_history(action, actor=actor, reason="Done")
