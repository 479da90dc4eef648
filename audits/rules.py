"""Who may do what with a record, written once: the services call these rules (and raise when one says
no) and the pages call the same functions to decide whether to offer a form or a button, so a page
never offers what the service then refuses.

Scope (which records a user may see at all) is not decided here: it is Audit.objects.for_user (built
on cases.scope). A rule is asked about a record the caller has already found in the user's scope.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from audits.choices import ActionStatus, AuditStatus
from audits.models import Moderation
from audits.selectors import case_choices, foster_carer_choices, recordable_processes, staff_choices
from processes.roles import Capability, role_keys_with

EDITABLE = {AuditStatus.DRAFT}
AMENDABLE = {AuditStatus.SUBMITTED, AuditStatus.MODERATED, AuditStatus.AMENDED}
MODERATABLE = {AuditStatus.SUBMITTED, AuditStatus.AMENDED}


#
# Recording
#


def may_record(user, process) -> bool:
    """The user's roles lead the process (guardian: "record this process") and it is active."""
    return recordable_processes(user).filter(pk=process.pk).exists()


def may_record_about_case(user, case) -> bool:
    return case_choices(user).filter(pk=case.pk).exists()


def may_record_about_staff(user, staff_member) -> bool:
    return staff_choices(user).filter(pk=staff_member.pk).exists()


def may_record_about_foster_carer(user, carer) -> bool:
    return foster_carer_choices(user).filter(pk=carer.pk).exists()


def may_edit(user, audit) -> bool:
    """A draft is changed (saved, submitted) by the person who started it, and by no one else."""
    return audit.status in EDITABLE and audit.carried_out_by_id == user.pk


#
# Amending and moderating
#


def is_moderator(user) -> bool:
    """The user holds a role that moderates grades (head of service, QA administrator)."""
    return user.is_authenticated and user.groups.filter(role__key__in=role_keys_with(Capability.MODERATE)).exists()


def may_amend(user, audit) -> bool:
    """A submitted record (moderated or not) is amended by its author or a moderator."""
    return audit.status in AMENDABLE and (audit.carried_out_by_id == user.pk or is_moderator(user))


def _moderated(audit) -> bool:
    try:
        return audit.moderation is not None
    except Moderation.DoesNotExist:
        return False


def moderation_refusal(user, audit) -> Exception | None:
    """Why the user may not moderate this record now (the exception the service raises), or None.

    A moderator moderates someone else's submitted or amended, graded record that has not been
    moderated yet (a moderated record that is amended keeps its one moderation) and that they did not
    amend themselves."""
    if not is_moderator(user):
        return PermissionDenied("Only a head of service or a QA administrator moderates.")
    if audit.status not in MODERATABLE:
        return ValidationError("Only a submitted record that is not yet moderated can be moderated.")
    if not audit.process.grades:
        return ValidationError("This process does not grade, so there is no grade to moderate.")
    if audit.carried_out_by_id == user.pk:
        return ValidationError("You cannot moderate a record you made.")
    if _moderated(audit):
        return ValidationError("This record has been moderated already.")
    if amended_by(audit, user):
        return ValidationError("You amended this record, so someone else moderates it.")
    return None


def may_moderate(user, audit) -> bool:
    return moderation_refusal(user, audit) is None


def amended_by(audit, user) -> bool:
    """Whether `user` amended the record (its history keeps every amendment with its author)."""
    return audit.history.filter(history_user=user, history_change_reason__startswith="Amended").exists()


#
# Actions
#


def answers_for_action(user, action) -> bool:
    """The action's owner and the auditor: the people who may close it."""
    return user.pk in (action.owner_id, action.audit.carried_out_by_id)


def may_complete_action(user, action) -> bool:
    """An open action is marked done by its owner or by the auditor."""
    return action.status == ActionStatus.OPEN and answers_for_action(user, action)
