"""Which audits a user may see. Built on the two scoped querysets (cases and processes), so the
rules stay in one place: a case audit follows its case; a workforce record is seen by the person it is
about and their line manager; other records by the process's lead roles; service-wide roles see all."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from qa_portal.querysets import has_service_scope


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
        visible_cases = Case.objects.for_user(user).values("pk")
        led_processes = Process.objects.for_user(user, "record").values("pk")
        # Records about a meeting, a foster carer or the service stay within the team that made
        # them: their free text can name children, so leading the process is not enough.
        own_teams = user.groups.filter(team__isnull=False).values("team")
        return self.filter(
            Q(case__in=visible_cases)
            | Q(staff_member=user)
            | Q(staff_member__staff_profile__line_manager=user)
            | Q(staff_member__staff_profile__team__manager=user)
            | Q(case__isnull=True, staff_member__isnull=True, carried_out_by=user)
            | Q(case__isnull=True, staff_member__isnull=True, process__in=led_processes, team__in=own_teams)
        ).exclude(others_drafts)
