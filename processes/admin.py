from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from processes.models import Area, Process, RequiredOutcome, Role


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
