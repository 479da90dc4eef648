"""Choices of due items and reminders."""

from django.db import models


class DueSource(models.TextChoices):
    RULE = "rule", "Schedule rule"
    SAMPLE = "sample", "Random sample"
    MANUAL = "manual", "Added by hand"


class DueStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    # Owed and never done before its case closed or its episode ended: closed, but not on time (unlike
    # cancelled, which was never owed: due after the closure).
    MISSED = "missed", "Not done (closed)"


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Escalated to the line manager"
    ESCALATED_HEAD = "escalated_head", "Escalated to the head of service"
