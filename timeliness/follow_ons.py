"""What a submitted record does to the due items: it meets the item it was started from (else the
earliest open one of its process and subject), and starts the items that follow it.

Keys: `rule:<process>:after:<audit>` the one item a record starts (previous_record, record_of, or the
next review date a conference sets). A conference's record supersedes (cancels) any other open item of
the review it sets the date of. Records imported without passing through audit_submit get theirs from
plan_after_records, which the nightly planning (timeliness.planning) runs.
"""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from audits.choices import AuditStatus
from audits.models import Audit
from core.history import save_with_history
from processes.fixture_schema import is_journey_rule
from processes.models import Process
from processes.schedules import closure_days, due_dates, effective_rule
from processes.timescales import next_due_after
from timeliness import journey_planning
from timeliness.choices import DueSource, DueStatus
from timeliness.item_history import INSERT_BATCH, INSERT_COLUMNS, due_items_change, due_items_insert
from timeliness.models import DueItem
from timeliness.responsibility import owing_role, owner_on_case, people_of_cases, role_ids

SUBMITTED = (AuditStatus.SUBMITTED, AuditStatus.AMENDED, AuditStatus.MODERATED)


#
# Planning from records
#


def _follow_ons(audit: Audit) -> list[tuple[Process, date, dict]]:
    """The items a submitted record starts: (process, due date, subject fields)."""
    process = audit.process
    held_on = audit.held_on
    if held_on is None:
        return []
    found = []
    rule = effective_rule(process)
    if is_journey_rule(rule):
        return []  # journey_planning derives what follows from the journey, this record included
    if rule and rule.get("clock") == "previous_record":
        subject = Audit.objects.filter(process=process, status__in=SUBMITTED)
        subject = subject.filter(case_id=audit.case_id, staff_member_id=audit.staff_member_id)
        if not (audit.case_id or audit.staff_member_id):
            subject = subject.filter(subject_label=audit.subject_label)
        records = subject.filter(held_on__lte=held_on).count() or 1
        due_on = next_due_after(rule, held_on, records, closures=closure_days(after=held_on))
        if due_on:
            found.append((process, due_on))
    if audit.case_id:
        for later in Process.objects.filter(is_active=True, schedule_rule__clock="record_of").select_related(
            "schedule_override"
        ):
            later_rule = effective_rule(later)
            if later_rule and later_rule.get("after_process") == process.key:
                dates = due_dates(later_rule, held_on, count=1, closures=closure_days(after=held_on))
                if dates:
                    found.append((later, dates[0]))
        review = process.next_review_of or process
        if process.record_form == "conference" and not is_journey_rule(effective_rule(review)):
            next_review_on = getattr(getattr(audit, "conference", None), "next_review_on", None)
            if next_review_on:
                found.append((review, next_review_on))
    return found


def _item_for(audit: Audit, process: Process, due_on: date, ids: dict[str, int]) -> DueItem:
    item = DueItem(
        key=f"rule:{process.pk}:after:{audit.pk}",
        process=process,
        due_on=due_on,
        source=DueSource.RULE,
    )
    if audit.case_id:
        case = audit.case
        people = people_of_cases([case.pk], on=audit.held_on)[case.pk]
        owner = owner_on_case(people, owing_role(process), ids)
        item.case, item.team_id = case, case.team_id
        item.responsible_id, item.responsible_role_id = owner.responsible_id, owner.role_id
        item.unassigned_role_id = owner.unassigned_role_id
    elif audit.staff_member_id:
        # A staff member's supervision or appraisal is owed by their line manager.
        profile = getattr(audit.staff_member, "staff_profile", None)
        item.staff_member_id = audit.staff_member_id
        item.team_id = profile.team_id if profile else audit.team_id
        item.responsible_id = profile.line_manager_id if profile else None
        if item.responsible_id is None and profile and profile.team_id:
            item.responsible_id = profile.team.manager_id
    else:
        item.team_id = audit.team_id
        item.responsible_id = audit.carried_out_by_id
    return item


def plan_after_records(*, horizon: date | None = None, actor=None) -> None:
    """Items started by records already submitted: from each subject's latest record of each source
    process (records that went through audit_submit planned theirs then; this catches imported ones)."""
    sources = set()
    for process in (
        Process.objects.filter(is_active=True).exclude(schedule_rule=None).select_related("schedule_override")
    ):
        rule = effective_rule(process) or {}
        if rule.get("clock") == "previous_record":
            sources.add(process.key)
        elif rule.get("clock") == "record_of":
            sources.add(rule["after_process"])
    conferences = Process.objects.filter(is_active=True, record_form="conference")
    candidates = Audit.objects.filter(status__in=SUBMITTED, held_on__isnull=False).filter(
        Q(process__key__in=sources) | Q(process__in=conferences)
    )
    later = Audit.objects.filter(
        process=OuterRef("process"),
        case=OuterRef("case"),
        staff_member=OuterRef("staff_member"),
        status__in=SUBMITTED,
        held_on__gt=OuterRef("held_on"),
    )
    candidates = candidates.exclude(Exists(later)).select_related(
        "process", "process__next_review_of", "case", "case__team", "staff_member__staff_profile__team", "conference"
    )
    ids = role_ids()
    batch = []
    for audit in candidates.order_by("pk").iterator(chunk_size=2_000):
        for process, due_on in _follow_ons(audit):
            if horizon is None or due_on <= horizon:
                batch.append(_row(_item_for(audit, process, due_on, ids)))
        if len(batch) >= INSERT_BATCH:
            due_items_insert(batch, columns=INSERT_COLUMNS, actor=actor, reason=AFTER_RECORDS_REASON)
            batch = []
    due_items_insert(batch, columns=INSERT_COLUMNS, actor=actor, reason=AFTER_RECORDS_REASON)


AFTER_RECORDS_REASON = "plan_due_items: planned from a submitted record (the key names it)"


def _row(item: DueItem) -> tuple:
    return tuple(getattr(item, column) for column in INSERT_COLUMNS)


#
# Satisfying
#


@transaction.atomic
def due_items_satisfy(*, audit: Audit, actor=None) -> DueItem | None:
    """Mark the audit's item done (on time or late): the one it was started from if still open, else the
    earliest open item of its process and subject, else one its case's closure or its episode's end
    left missed on or after the day the record was held. Then plan the items the record starts.
    Returns the item met, if any."""
    audit = Audit.objects.select_related(
        "process",
        "process__next_review_of",
        "process__same_act_as__schedule_override",
        "process__schedule_override",
        "case",
        "case__team",
        "staff_member",
    ).get(pk=audit.pk)
    if audit.status not in SUBMITTED or audit.held_on is None:
        return None
    actor = actor or audit.carried_out_by
    if audit.case_id and journey_planning.is_journey_process(audit.process):
        # Its items follow the journey: the record is one of the meets that derivation reads.
        journey_planning.replan_cases([audit.case_id], actor=actor)
        return DueItem.objects.filter(satisfied_by=audit).first()
    met = None
    # A process printed twice in the support tool is one act: the record meets the item of either row.
    act = [audit.process_id] + ([audit.process.same_act_as_id] if audit.process.same_act_as_id else [])
    if audit.case_id or audit.staff_member_id or audit.foster_carer_id:
        if DueItem.objects.filter(satisfied_by=audit).exists():
            met = None  # already met by this record (a retried task)
        else:
            subject = DueItem.objects.filter(
                process_id__in=act,
                case_id=audit.case_id,
                staff_member_id=audit.staff_member_id,
                foster_carer_id=audit.foster_carer_id,
            )
            open_items = subject.filter(status=DueStatus.OPEN).select_for_update(of=("self",))
            # The item the record was started from ("Record it"), else the earliest open one, else one
            # closed as missed although this record was held by the closing day (recorded late).
            met = (
                open_items.filter(started_record=audit).first()
                or open_items.order_by("due_on", "pk").first()
                or subject.filter(status=DueStatus.MISSED)
                .filter(Q(episode__end__gte=audit.held_on) | Q(case__closed_on__gte=audit.held_on))
                .select_for_update(of=("self",))
                .order_by("due_on", "pk")
                .first()
            )
            if met is not None:
                met.status, met.satisfied_by, met.completed_on = DueStatus.DONE, audit, audit.held_on
                save_with_history(met, actor=actor, reason=f"Met by record {audit.pk}", validate=False)
    ids = role_ids()
    review = audit.process.next_review_of or audit.process
    for process, due_on in _follow_ons(audit):
        item = _item_for(audit, process, due_on, ids)
        if audit.case_id and audit.process.record_form == "conference" and process.pk == review.pk:
            # The conference set this review's date: other open items of the review are superseded.
            superseded = DueItem.objects.filter(process=process, case_id=audit.case_id, status=DueStatus.OPEN)
            superseded = list(superseded.exclude(key=item.key).select_for_update())
            for other in superseded:
                other.status = DueStatus.CANCELLED
            reason = f"Superseded by conference record {audit.pk}"
            due_items_change(superseded, fields=["status"], actor=actor, reason=reason)
        due_items_insert([_row(item)], columns=INSERT_COLUMNS, actor=actor, reason=f"Planned after record {audit.pk}")
    return met
