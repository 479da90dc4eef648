from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.choices import AccessAction, CaseStatus, EpisodeKind
from cases.models import AccessLogEntry, Case, Episode
from cases.scope import has_service_scope, own_teams
from core.widgets import Select
from workforce.models import Team

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "name": "child_name",
    "-name": "-child_name",
    "team": "team__name",
    "-team": "-team__name",
    "born": "date_of_birth",
    "-born": "-date_of_birth",
}


def _select(**attrs):
    return Select(attrs={"class": "govuk-select", **attrs})


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Reference or child's name",
        method="search",
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.filter(is_active=True).only("name"), empty_label="Any team", widget=_select()
    )
    worker = django_filters.ModelChoiceFilter(
        label="Allocated worker",
        field_name="allocated_worker",
        queryset=get_user_model()
        .objects.filter(staff_profile__isnull=False, is_active=True)
        .only("username", "first_name", "last_name")
        .order_by("first_name", "last_name"),
        empty_label="Any worker",
        widget=_select(),
    )
    episode = django_filters.ChoiceFilter(
        label="Open episode",
        choices=EpisodeKind.choices,
        method="with_open_episode",
        empty_label="Any episode",
        widget=_select(),
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, empty_label="Open or closed", widget=_select())
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, key) for key in SORTS],
        method="sort_by",
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = ["q", "team", "worker", "episode", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not has_service_scope(user):
            # Offer the workers of the user's own teams, not the whole workforce.
            workers = self.filters["worker"].queryset
            self.filters["worker"].queryset = workers.filter(staff_profile__team__in=own_teams(user))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__istartswith=value) | Q(child_name__icontains=value))

    def with_open_episode(self, queryset, name, value):
        # Exists, not a join: a case with two open episodes of a kind must appear once.
        return queryset.filter(Exists(Episode.objects.filter(case=OuterRef("pk"), kind=value, end__isnull=True)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(SORTS.get(value, "reference"), "pk")


class AccessLogFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), empty_label="Anyone", widget=_select()
    )
    case = django_filters.CharFilter(
        label="Case reference",
        field_name="case__reference",
        lookup_expr="iexact",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    action = django_filters.ChoiceFilter(choices=AccessAction.choices, empty_label="Any action", widget=_select())
    # The days as ranges of the timestamp (start of the day to the start of the next, in the project's
    # time zone), never the column cast to a date: the range reads the `at` index, the cast reads every row.
    since = django_filters.DateFilter(
        label="From",
        method="from_day",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )
    until = django_filters.DateFilter(
        label="To",
        method="to_day",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + timedelta(days=1)))

    class Meta:
        model = AccessLogEntry
        fields = ["user", "case", "action", "since", "until"]


def _start_of(day):
    """Midnight at the start of `day` in the current time zone (23 or 25 hours from the next, at a clock change)."""
    return timezone.make_aware(datetime.combine(day, time.min))
