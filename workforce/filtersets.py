import django_filters
from django import forms

from core.widgets import Select
from processes.models import Role
from workforce.models import StaffProfile, Team
from workforce.selectors import staff_search


class StaffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search by name or username",
        method="search",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-full", "spellcheck": "false"}),
    )
    team = django_filters.ModelChoiceFilter(
        label="Team",
        queryset=Team.objects.order_by("name"),
        empty_label="Any team",
        widget=Select(attrs={"class": "govuk-select"}),
    )
    role = django_filters.ModelChoiceFilter(
        label="Role",
        field_name="roles",
        queryset=Role.objects.order_by("position", "name"),
        to_field_name="key",
        empty_label="Any role",
        widget=Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = StaffProfile
        fields = ["q", "team", "role"]

    def search(self, queryset, name, value):
        return staff_search(queryset, value)
