"""Which audits a user may see. Built on the two scoped querysets (cases and processes), so the
rules stay in one place: a case audit follows its case; a workforce record is seen by the person it is
about and their line manager; other records by the process's lead roles; service-wide roles see all."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from qa_portal.querysets import has_service_scope, may_see_cases


class AuditQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """A draft is its author's alone until submitted, whoever else could see the subject."""
        if not user.is_authenticated:
            return self.none()
        others_drafts = Q(status="draft") & ~Q(carried_out_by=user)
        if has_service_scope(user):
            return self.exclude(others_drafts)
        Case = apps.get_model("audits", "Case")
        Process = apps.get_model("processes", "Process")
        StaffProfile = apps.get_model("workforce", "StaffProfile")
        # Every condition tests a column of the audit against a small set the database builds once
        # (the case ids from the user's grants, the people they manage): no join per audit, so the
        # list walks its date index and stops after a page, and the count is one pass over the table.
        visible_cases = (
            Case.objects.granted_ids(user, distinct=False) if may_see_cases(user) else Case.objects.none().values("pk")
        )
        managed_staff = StaffProfile.objects.filter(Q(line_manager=user) | Q(team__manager=user)).values("user")
        led_processes = Process.objects.granted_ids(user, "record", distinct=False)
        # Records about a meeting, a foster carer or the service stay within the team that made
        # them: their free text can name children, so leading the process is not enough.
        own_teams = user.groups.filter(team__isnull=False).values("team")
        subjectless = Q(case__isnull=True, staff_member__isnull=True)
        return self.filter(
            Q(case__in=visible_cases)
            | Q(staff_member=user)
            | Q(staff_member__in=managed_staff)
            | (subjectless & (Q(carried_out_by=user) | Q(process__in=led_processes, team__in=own_teams)))
        ).exclude(others_drafts)
