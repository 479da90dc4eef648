"""Shared model bases: timestamps and a history row for every change people make."""

from django.db import models
from simple_history.models import HistoricalRecords


class History(HistoricalRecords):
    """django-simple-history's HistoricalRecords, with the history table named after the model's table.

    A model's `history_unindexed` names the fields whose history copies get no index (see copy_fields).

    Models that moved app when the project was split by subject kept their tables (`Meta.db_table`,
    "audits_case" for cases.Case); their history tables keep their names too ("audits_historicalcase"),
    so the move changed no table. Every other model's history table is simple-history's default.
    """

    def copy_fields(self, model):
        # A model may name fields whose history copies need no index (`history_unindexed`): a table that
        # takes a million history rows a night pays for every index on each, and its history is read by
        # the object's id and date only.
        self.no_db_index = list(getattr(model, "history_unindexed", ()))
        return super().copy_fields(model)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        table, name = model._meta.db_table, model._meta.model_name
        if table != f"{model._meta.app_label}_{name}" and table.endswith(name):
            options["db_table"] = f"{table.removesuffix(name)}historical{name}"
        return options


class TimestampedModel(models.Model):
    """Creation and change times, for every model people change."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BaseModel(TimestampedModel):
    """Timestamps plus django-simple-history: every change people make keeps a history row."""

    history = History(inherit=True)

    class Meta:
        abstract = True
