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


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"
    AMENDED = "amended", "Amended"


class Grade(models.TextChoices):
    """Ofsted's four-point scale (ILACS)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Judgement(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ConferenceDecision(models.TextChoices):
    PLAN_MADE = "plan_made", "Plan made"
    PLAN_CONTINUES = "plan_continues", "Plan continues"
    PLAN_ENDS = "plan_ends", "Plan ends"


class DueSource(models.TextChoices):
    RULE = "rule", "Schedule rule"
    SAMPLE = "sample", "Random sample"
    MANUAL = "manual", "Added by hand"


class DueStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Escalated to the line manager"
    ESCALATED_HEAD = "escalated_head", "Escalated to the head of service"
