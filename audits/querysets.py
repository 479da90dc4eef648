"""Which audits a user may see. Built on the two scoped querysets (cases and processes), so the
rules stay in one place: a case audit follows its case; a workforce record is seen by the person it is
about and their line manager; other records by the process's lead roles; service-wide roles see all."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from qa_portal.querysets import has_service_scope


class AuditQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        if not user.is_authenticated:
            return self.none()
        if has_service_scope(user):
            return self.all()
        Case = apps.get_model("audits", "Case")
        Process = apps.get_model("processes", "Process")
        visible_cases = Case.objects.for_user(user).values("pk")
        led_processes = Process.objects.for_user(user, "record").values("pk")
        return self.filter(
            Q(case__in=visible_cases)
            | Q(staff_member=user)
            | Q(staff_member__staff_profile__line_manager=user)
            | Q(staff_member__staff_profile__team__manager=user)
            | Q(case__isnull=True, staff_member__isnull=True, process__in=led_processes)
        )
