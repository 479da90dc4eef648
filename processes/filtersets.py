import django_filters
from django import forms

from core.widgets import Select
from processes.models import Process, Role
from processes.selectors import process_search


class ProcessFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-full"}),
    )
    role = django_filters.ModelChoiceFilter(
        label="Lead role",
        field_name="lead_roles",
        queryset=Role.objects.filter(processes__isnull=False).distinct().order_by("position"),
        to_field_name="key",
        empty_label="Any role",
        widget=Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Process
        fields = ["q", "role"]

    def search(self, queryset, name, value):
        return process_search(queryset, value)
