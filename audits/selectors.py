"""Reads of records: what a user may record and about whom, the user's own records for the home page,
and a case's for its page."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from audits.choices import ActionStatus, AuditStatus
from audits.models import Action, Audit, Finding
from cases.assignments import live_on_q
from cases.models import Case
from cases.scope import managers_of_q, staff_in_reach
from fostering.models import FosterCarer
from processes.models import Process

#
# What a user may record, and about whom (the choices a start form offers; audits.rules asks them too)
#


def recordable_processes(user):
    """Active processes the user's roles lead (guardian: "record this process")."""
    return Process.objects.for_user(user, "record").filter(is_active=True)


def case_choices(user):
    """Open cases the user may see: the only cases a case process can be recorded on."""
    return Case.objects.for_user(user).filter(status="open").select_related("team")


def staff_choices(user):
    """The staff a user may record workforce processes about: those in their reach (cases.scope:
    the people they manage, or everyone for roles that see all staff). Never themselves."""
    return staff_in_reach(user).exclude(pk=user.pk).order_by("first_name", "last_name")


def foster_carer_choices(user):
    """The approved foster carers the user may see (fostering.scope): the only carers a foster-carer
    process can be recorded about."""
    return FosterCarer.objects.for_user(user).approved().select_related("supervising_team").order_by("name", "pk")


# The home page shows the most pressing of each; the full lists are on their own pages.
HOME_LIMIT = 50


def my_open_actions(*, user):
    """Open actions the user owns, soonest due first."""
    return (
        Action.objects.filter(owner=user, status=ActionStatus.OPEN)
        .select_related("owner", "audit", "audit__process", "audit__case")
        .order_by("due_on", "pk")[:HOME_LIMIT]
    )


def my_drafts(*, user):
    return (
        Audit.objects.filter(carried_out_by=user, status=AuditStatus.DRAFT)
        .select_related("process", "case", "staff_member", "foster_carer")
        .order_by("-updated_at")[:HOME_LIMIT]
    )


def case_page_audits(*, user, case) -> dict:
    """The case page's audits section (registered with cases.sections): the case's audits the user may
    see, with the outcomes not fully met, their open actions, and whether the user may record one.

    The actions are those of the audits listed, nothing more: an action of someone else's draft (which
    the user may not open: AuditQuerySet.for_user leaves it out) is not shown, even on a case they see."""
    # The case page's records: those a break-glass grant reaches too (cases.scope.break_glass_case_ids).
    visible = Audit.objects.for_user(user, break_glass=True).filter(case=case)
    audits = (
        visible.select_related("process", "carried_out_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.exclude(judgement__in=["", "met"]).select_related("outcome"),
                to_attr="findings_short",
            )
        )
        .order_by("-held_on", "-pk")
    )
    open_actions = (
        Action.objects.filter(audit__in=visible.values("pk"), status=ActionStatus.OPEN)
        .select_related("owner", "audit", "audit__process")
        .order_by("due_on")
    )
    may_record = recordable_processes(user).filter(subject_kind="case").exists()
    return {"audits": audits, "open_actions": open_actions, "may_record": may_record}


def action_owner_choices(audit):
    """Who may own an action from this audit: people who can already see its subject (the case's team,
    worker and the people assigned to it today; the staff member and their managers; the record's
    team), and the auditor.
    An action's text is shown to its owner, so it must not reach someone outside the subject's scope."""
    people = Q(pk=audit.carried_out_by_id)
    if audit.case_id:
        case = audit.case
        people |= (
            Q(staff_profile__team_id=case.team_id)
            | Q(pk=case.allocated_worker_id)
            | Q(pk__in=case.assignments.filter(live_on_q(timezone.localdate())).values("user_id"))
        )
    elif audit.staff_member_id:
        profile = getattr(audit.staff_member, "staff_profile", None)
        people |= Q(pk=audit.staff_member_id)
        if profile is not None:
            people |= managers_of_q(profile)
    elif audit.team_id:
        people |= Q(staff_profile__team_id=audit.team_id)
    return (
        get_user_model()
        .objects.filter(people, is_active=True, staff_profile__isnull=False, staff_profile__left_on__isnull=True)
        .distinct()
        .order_by("first_name", "last_name")
    )
