"""Who holds which role for a child, in the admin site: to look up by case reference or username, never
to change.

Assignments come from the case-management system (import_cases, import_events) and are written only
through cases.services (assignment_start, assignment_end, assignments_apply), which also move the case's
grants and its open due items to the new holder: an edit here would bypass both, so there is none, and an
assignment is ended, never deleted. The list shows only the assignments of the cases the signed-in person
may see (Case.objects.for_user, the one scoping point); the cases themselves, their episodes and grants
have no admin page (the admin site would show every child's record to any staff user).
"""

from django.contrib import admin

from cases.models import Case, CaseAssignment
from core.read_only_admin import ReadOnlyScopedAdmin


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["case_reference", "role", "user", "start", "end"]
    list_filter = ["role", ("end", admin.EmptyFieldListFilter), "start"]
    search_fields = ["case__reference", "user__username"]
    list_select_related = ["case", "role", "user"]
    date_hierarchy = "start"

    def scope(self, request, queryset):
        return queryset.filter(case__in=Case.objects.for_user(request.user).values("pk"))

    @admin.display(description="case reference", ordering="case__reference")
    def case_reference(self, assignment):
        return assignment.case.reference
