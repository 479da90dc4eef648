"""Shared model bases, and the few rows the project itself keeps (the beat heartbeat)."""

from django.db import models


class Heartbeat(models.Model):
    """When a periodic job last ran; /healthz shows it so operators can see that beat and a worker run."""

    name = models.CharField(max_length=50, unique=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} at {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
