"""The dashboard's filters: the period (last 12 months, a financial year), table, process and team, and
the parsed `Filters` the selectors take.
"""

from dataclasses import dataclass
from datetime import date

from django import forms

from dashboard.scope import DashboardScope
from processes.models import Area, Process
from processes.timescales import add_months
from workforce.models import Team


def _month(day: date) -> date:
    return day.replace(day=1)


def financial_year_start(day: date) -> int:
    """The calendar year a financial year (April to March) containing `day` starts in."""
    return day.year if day.month >= 4 else day.year - 1


def period_choices(today: date) -> list[tuple[str, str]]:
    year = financial_year_start(today)
    return [
        ("12m", "Last 12 months"),
        ("6m", "Last 6 months"),
        ("3m", "Last 3 months"),
        *[(f"fy{start}", f"Financial year {start} to {start + 1}") for start in (year, year - 1, year - 2)],
    ]


def resolve_period(value: str, today: date) -> tuple[date, date]:
    """The first and last month (first days) of a period choice."""
    if value.startswith("fy"):
        start = date(int(value[2:]), 4, 1)
        return start, date(start.year + 1, 3, 1)
    months = int(value.rstrip("m"))
    last = _month(today)
    return add_months(last, 1 - months), last


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _select():
    return forms.Select(attrs={"class": "govuk-select"})


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (GET). Teams offered are the user's scope's; anything else is refused."""

    period = forms.ChoiceField(required=False, widget=_select())
    area = forms.ModelChoiceField(
        Area.objects.order_by("number"), to_field_name="key", required=False, empty_label="Every area", widget=_select()
    )
    process = forms.ModelChoiceField(
        Process.objects.filter(is_active=True).order_by("area__number", "position"),
        to_field_name="key",
        required=False,
        empty_label="Every process",
        widget=_select(),
    )
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="Every team", widget=_select())

    def __init__(self, data=None, *, scope: DashboardScope, today: date):
        super().__init__(data)
        self.today = today
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].initial = "12m"
        teams = Team.objects.order_by("name")
        if scope.team_ids is not None:
            teams = teams.filter(pk__in=scope.team_ids)
        self.fields["team"].queryset = teams

    def full_clean(self):
        super().full_clean()
        # GOV.UK error styling, and the message read out with the field.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} govuk-select--error".strip()
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def filters(self) -> "Filters":
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "12m"
        start, end = resolve_period(period, self.today)
        label = dict(self.fields["period"].choices)[period]
        return Filters(start, end, label, period, data.get("area"), data.get("process"), data.get("team"))


@dataclass(frozen=True)
class Filters:
    start: date  # first month
    end: date  # last month
    label: str
    period: str = "12m"
    area: Area | None = None
    process: Process | None = None
    team: Team | None = None

    @property
    def months(self) -> list[date]:
        return months_between(self.start, self.end)
