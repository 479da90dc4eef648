"""Choices of the workforce models."""

from django.db import models


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second administrator"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
