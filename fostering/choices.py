from django.db import models


class ApprovalKind(models.TextChoices):
    GENERAL = "general", "General"
    CONNECTED_PERSON = "connected_person", "Connected person (family and friends)"
    SHORT_BREAKS = "short_breaks", "Short breaks"


class CarerStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    ON_HOLD = "on_hold", "On hold"
    DEREGISTERED = "deregistered", "Deregistered"
