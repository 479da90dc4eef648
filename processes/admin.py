from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.history import save_with_history
from core.read_only_admin import NoRevertFromHistory
from processes.models import Area, ClosureDay, Process, RequiredOutcome, Role, ScheduleOverride
from processes.schedule_text import describe_schedule
from processes.schedules import effective_rule


class ReadOnlyCatalogueAdmin(NoRevertFromHistory, SimpleHistoryAdmin):
    """The catalogue is written by the fixture loader only, so that fixtures stay the source of truth
    (nor is a version reverted from its history page)."""

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
# Schedules: closure days and local overrides. Nothing here is deleted (a removed row would take its
# history's meaning with it), and every change says why, as the app's own forms ask.
#


class ChangeReasonForm(forms.ModelForm):
    """An admin form that asks why, and keeps the answer as the history row's reason."""

    change_reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this is added or changed, and on whose decision. Kept in the history.",
        error_messages={"required": "Say why this is added or changed, and on whose decision"},
    )


class NoDeleteHistoryAdmin(SimpleHistoryAdmin):
    """No delete button, no "delete selected" action; saves carry the user and the form's reason."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        save_with_history(obj, actor=request.user, reason=form.cleaned_data["change_reason"].strip())


class ClosureDayForm(ChangeReasonForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "reason"]
        labels = {"reason": "What the closure is"}


@admin.register(ClosureDay)
class ClosureDayAdmin(NoDeleteHistoryAdmin):
    form = ClosureDayForm
    list_display = ["date", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    @admin.display(description="Day")
    def weekday(self, obj):
        return f"{obj.date:%A}"


@admin.register(ScheduleOverride)
class ScheduleOverrideAdmin(NoDeleteHistoryAdmin):
    """Read-only: a local timescale is changed on its process's page (processes:schedule_override_edit),
    whose form checks the intervals, asks the reason and keeps both in the history. Two ways to change
    it would be two sets of rules."""

    list_display = ["process", "default_schedule", "local_schedule", "reason", "change_page"]
    list_select_related = ["process"]
    search_fields = ["process__name", "process__key", "reason"]
    readonly_fields = ["process", "default_schedule", "local_schedule", "intervals", "repeats", "reason", "change_page"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Default (fixture)")
    def default_schedule(self, obj):
        return describe_schedule(obj.process.schedule_rule) if obj and obj.process_id else ""

    @admin.display(description="In force")
    def local_schedule(self, obj):
        return describe_schedule(effective_rule(obj.process)) if obj and obj.process_id else ""

    @admin.display(description="Change it")
    def change_page(self, obj):
        url = reverse("processes:schedule_override_edit", kwargs={"key": obj.process.key})
        return format_html('<a href="{}">On the process page, with a reason</a>', url)
