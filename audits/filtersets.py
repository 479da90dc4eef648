import django_filters
from django import forms

from audits.choices import AuditStatus, Grade
from audits.models import Audit
from core.widgets import Select
from processes.models import Area, Process
from workforce.models import Team


def _select():
    return Select(attrs={"class": "govuk-select"})


DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class AuditFilterSet(django_filters.FilterSet):
    process = django_filters.ModelChoiceFilter(
        # only(): an option needs its key and name, not the process's rules and texts.
        queryset=Process.objects.filter(is_active=True).only("key", "name").order_by("area__number", "position"),
        to_field_name="key",
        empty_label="Any process",
        widget=_select(),
    )
    area = django_filters.ModelChoiceFilter(
        label="Table",
        field_name="process__area",
        queryset=Area.objects.only("key", "title").order_by("number"),
        to_field_name="key",
        empty_label="Any table",
        widget=_select(),
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.filter(is_active=True).only("name"), empty_label="Any team", widget=_select()
    )
    grade = django_filters.ChoiceFilter(choices=Grade.choices, empty_label="Any grade", widget=_select())
    status = django_filters.ChoiceFilter(choices=AuditStatus.choices, empty_label="Any status", widget=_select())
    held_from = django_filters.DateFilter(
        label="Carried out from", field_name="held_on", lookup_expr="gte", widget=DATE
    )
    held_to = django_filters.DateFilter(label="Carried out to", field_name="held_on", lookup_expr="lte", widget=DATE)

    class Meta:
        model = Audit
        fields = ["process", "area", "team", "grade", "status", "held_from", "held_to"]
