"""Choices of the case records."""

from django.db import models


class EpisodeKind(models.TextChoices):
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    YOUTH_JUSTICE_ORDER = "youth_justice_order", "Youth justice order"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AccessAction(models.TextChoices):
    VIEWED = "viewed", "Viewed the case"
    VIEWED_HISTORY = "viewed_history", "Viewed the case's history"
    EXPORTED = "exported", "Exported in a list"
    VIEWED_AUDIT = "viewed_audit", "Viewed an audit of the case"
    BROKE_GLASS = "broke_glass", "Opened from outside their scope, stating a reason"


class BreakGlassOutcome(models.TextChoices):
    """A QA administrator's judgement of an access to a case outside the user's scope."""

    JUSTIFIED = "justified", "Justified: the reason holds"
    NOT_JUSTIFIED = "not_justified", "Not justified: followed up with the person and their manager"


class ImportStatus(models.TextChoices):
    """Where a case import stands: checked in the worker, waiting for the administrator, written in the worker."""

    CHECKING = "checking", "Checking the file"
    CHECKED = "checked", "Ready to apply"
    INVALID = "invalid", "The file has problems"
    APPLYING = "applying", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"
    CANCELLED = "cancelled", "Cancelled"
