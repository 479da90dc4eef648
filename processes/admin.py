from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from processes.models import Area, ClosureDay, Process, RequiredOutcome, Role, ScheduleOverride
from processes.schedule_text import describe_schedule
from processes.schedules import effective_rule


class ReadOnlyCatalogueAdmin(SimpleHistoryAdmin):
    """The catalogue is written by the fixture loader only, so that fixtures stay the source of truth."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequiredOutcomeInline(admin.TabularInline):
    model = RequiredOutcome
    fields = ["position", "text", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["number", "title", "version", "effective_date"]


@admin.register(Process)
class ProcessAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["name", "area", "lead", "subject_kind", "sample_rate", "is_active"]
    list_filter = ["area", "is_active", "subject_kind", "lead_roles"]
    search_fields = ["name", "lead", "key"]
    inlines = [RequiredOutcomeInline]


@admin.register(RequiredOutcome)
class RequiredOutcomeAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["text", "process", "position", "is_active"]
    list_filter = ["is_active", "process__area"]
    search_fields = ["text"]


@admin.register(Role)
class RoleAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["name", "key", "scope", "is_manager"]


#
# Schedules: closure days and local overrides, kept by administrators (with history)
#


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    @admin.display(description="Day")
    def weekday(self, obj):
        return f"{obj.date:%A}"


class IntervalListField(forms.CharField):
    """Intervals typed one per line ("10 working days", "4 weeks"), stored as a JSON list of strings."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class ScheduleOverrideForm(forms.ModelForm):
    intervals = IntervalListField(
        help_text='One interval a line, in order, e.g. "10 working days" then "4 weeks". '
        "Units: working days, days, weeks, months, years."
    )

    class Meta:
        model = ScheduleOverride
        fields = ["process", "intervals", "repeats", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only local rules take an override (ScheduleOverride.clean says why for the others).
        self.fields["process"].queryset = Process.objects.filter(schedule_rule__basis="local")


@admin.register(ScheduleOverride)
class ScheduleOverrideAdmin(SimpleHistoryAdmin):
    form = ScheduleOverrideForm
    list_display = ["process", "default_schedule", "local_schedule", "reason"]
    list_select_related = ["process"]
    search_fields = ["process__name", "process__key", "reason"]
    readonly_fields = ["default_schedule", "local_schedule"]

    @admin.display(description="Default (fixture)")
    def default_schedule(self, obj):
        return describe_schedule(obj.process.schedule_rule) if obj and obj.process_id else ""

    @admin.display(description="In force")
    def local_schedule(self, obj):
        return describe_schedule(effective_rule(obj.process)) if obj and obj.process_id else ""
