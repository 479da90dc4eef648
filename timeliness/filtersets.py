import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Func
from django.utils import timezone

from core.widgets import Select
from processes.models import Process, Role
from timeliness.choices import DueStatus, ReminderStage
from timeliness.models import DueItem, Reminder
from workforce.models import Team


def _select():
    return Select(attrs={"class": "govuk-select"})


DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


ESCALATED_STAGES = (ReminderStage.ESCALATED, ReminderStage.ESCALATED_HEAD)


def escalated_to(items, user):
    """The items escalated to `user` (as line manager or head of service): those with an escalation
    row naming them, i.e. what they were actually told about.

    `id IN (the user's escalation rows)`, read from the partial index of escalations by recipient
    (timeliness_reminder_escalated), rather than EXISTS per item, which walked every open item looking
    for a row. Not `id = ANY(ARRAY(...))`: an array from a subquery is searched element by element for
    every item the sort walks, and at 200k items a team manager's escalated list took 15 s that way
    (433 ms as IN; bench national, scale 0.1)."""
    told = Reminder.objects.filter(recipient=user, stage__in=ESCALATED_STAGES).order_by().values("due_item")
    return items.filter(pk__in=told)


class IdIsAnyOf(Func):
    """`column = ANY(array)` (PostgreSQL), a condition."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class DueItemFilterSet(django_filters.FilterSet):
    mine = django_filters.ChoiceFilter(
        label="Whose",
        choices=[("responsible", "Mine to record"), ("escalated", "Escalated to me")],
        empty_label="Anyone's",
        method="filter_mine",
        widget=_select(),
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.filter(is_active=True), empty_label="Any team", widget=_select()
    )
    process = django_filters.ModelChoiceFilter(
        queryset=Process.objects.filter(is_active=True)
        .exclude(schedule_rule=None)
        .order_by("area__number", "position"),
        to_field_name="key",
        empty_label="Any process",
        widget=_select(),
    )
    status = django_filters.ChoiceFilter(choices=DueStatus.choices, empty_label="Any status", widget=_select())
    overdue = django_filters.BooleanFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    responsible = django_filters.ModelChoiceFilter(
        queryset=get_user_model()
        .objects.filter(staff_profile__isnull=False, staff_profile__left_on__isnull=True)
        .order_by("first_name", "last_name"),
        empty_label="Anyone",
        widget=_select(),
    )
    unassigned = django_filters.ModelChoiceFilter(
        label="Waiting for someone assigned as",
        field_name="unassigned_role",
        queryset=Role.objects.order_by("position", "name"),
        to_field_name="key",
        empty_label="Anyone or no one",
        widget=_select(),
    )
    due_from = django_filters.DateFilter(label="Due from", field_name="due_on", lookup_expr="gte", widget=DATE)
    due_to = django_filters.DateFilter(label="Due to", field_name="due_on", lookup_expr="lte", widget=DATE)

    class Meta:
        model = DueItem
        fields = ["mine", "team", "process", "status", "overdue", "responsible", "unassigned", "due_from", "due_to"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        if value == "escalated":
            return escalated_to(queryset, user)
        return queryset.filter(responsible=user)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=DueStatus.OPEN, due_on__lt=timezone.localdate())
