"""Which audits a user may see. Built on the two scoped querysets (cases and processes), so the
rules stay in one place: a case audit follows its case; a workforce record is seen by the person it is
about and their line manager; other records by the process's lead roles; service-wide roles see all."""

from django.apps import apps
from django.db import models
from django.db.models import Count, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from cases.scope import (
    break_glass_case_ids,
    granted_case_ids,
    has_service_scope,
    managed_staff,
    may_see_cases,
    own_teams,
)


def _others_drafts(user) -> Q:
    """A draft is its author's alone until submitted, whoever else could see the subject."""
    return Q(status="draft") & ~Q(carried_out_by=user)


def _caseless_rule(user) -> Q:
    """Which records without a case the user may see (for a user without service-wide scope)."""
    Process = apps.get_model("processes", "Process")
    FosterCarer = apps.get_model("fostering", "FosterCarer")
    led_processes = Process.objects.granted_ids(user, "record", distinct=False)
    # Records about a meeting, a practice review or the service (and a foster carer named in free
    # text, before the register) stay within the team that made them: their free text can name
    # children, so leading the process is not enough.
    subjectless = Q(case__isnull=True, staff_member__isnull=True, foster_carer__isnull=True)
    # A record about a registered carer is seen by its author and by those who lead its process and
    # may see the carer (fostering.scope: the fostering service's reviewing officers and panel advisors
    # see every carer, team roles their team's).
    carers = FosterCarer.objects.for_user(user).values("pk")
    return (
        Q(staff_member=user)
        | Q(staff_member__in=managed_staff(user))
        | (subjectless & (Q(carried_out_by=user) | Q(process__in=led_processes, team__in=own_teams(user))))
        | (Q(foster_carer__in=carers) & (Q(carried_out_by=user) | Q(process__in=led_processes)))
    )


class AuditQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view", *, break_glass: bool = False):
        """The records the user may see. `break_glass=True` (the records of a case page, and a record
        opened from it) adds those of the cases the user holds a live break-glass grant on."""
        if not user.is_authenticated:
            return self.none()
        if has_service_scope(user):
            return self.exclude(_others_drafts(user))
        # Every condition tests a column of the audit against a small set the database builds once
        # (the case ids from the user's grants, the people they manage): no join per audit, so the
        # list walks its date index and stops after a page, and the count is one pass over the table.
        rule = Q(case__in=granted_case_ids(user)) | _caseless_rule(user)
        if break_glass:
            rule |= Q(case__in=break_glass_case_ids(user))
        return self.filter(rule).exclude(_others_drafts(user))

    def totals_for_user(self, user) -> dict[str, int]:
        """How many audits the user may see, how many of them were moderated and how many moderations
        agreed: the same figures as for_user(user).aggregate(...), without reading every audit.

        Case audits are totalled from the per-case tallies the database keeps (CaseAuditTally) over the
        cases in the user's scope, plus the user's own drafts of those cases; records about staff,
        meetings and the service (a small share, found through the case column's index) are counted
        directly. A test holds the two ways to the same answer for every role.
        """
        figures = {"total": 0, "moderated": 0, "agreed": 0}
        if not user.is_authenticated:
            return figures
        Tally = apps.get_model("audits", "CaseAuditTally")
        caseless = self.filter(case__isnull=True).exclude(_others_drafts(user))
        Case = apps.get_model("cases", "Case")
        if has_service_scope(user):
            tallies, mine = Tally.objects.all(), Q(case__isnull=False)
        else:
            caseless = caseless.filter(_caseless_rule(user))
            if may_see_cases(user):
                tallies = Tally.objects.filter(case__in=granted_case_ids(user))
                # A user has few drafts: probe each one's case, rather than build every granted id again.
                mine = Q(case__isnull=False) & Case.objects.granted_to(user, OuterRef("case_id"))
            else:
                tallies, mine = Tally.objects.none(), None
        parts = [
            tallies.aggregate(
                total=Coalesce(Sum("audits"), 0),
                moderated=Coalesce(Sum("moderated"), 0),
                agreed=Coalesce(Sum("agreed"), 0),
            ),
            caseless.aggregate(
                total=Count("pk"),
                moderated=Count("moderation"),
                agreed=Count("moderation", filter=Q(moderation__agreed=True)),
            ),
        ]
        if mine is not None:
            # Drafts are never moderated and never in a tally; only their author sees them.
            parts.append({"total": self.filter(mine, status="draft", carried_out_by=user).count()})
        for part in parts:
            for name, value in part.items():
                figures[name] += value or 0
        return figures
