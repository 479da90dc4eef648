"""The base of the admin pages that show a child's rows to look at and never write them (the journey
facts, the case assignments): no add, change or delete, no revert from the history, and only the rows of
the cases the viewer's scope reaches.

Those rows come from the case-management system and from the portal's own services, which keep the
planner and the grants in step; a write from the admin would bypass both. The admin site is open to any
staff user with the model's view permission, so each page narrows its rows with `scope`, the app's one
scoping point (core knows no other app: the subclass says how).

simple-history's two history pages look the row up in the history table, not through `get_queryset`,
and its version page saves a valid POST (a revert) whatever `has_change_permission` says: both are
narrowed here too, so a row outside the viewer's scope has no history page either.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class NoRevertFromHistory:
    """For a history admin whose rows the admin never writes: its version page shows, and refuses a POST
    (simple-history would save it as a revert, asking only for the view permission)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The admin site only shows these rows; they change elsewhere.")
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyScopedAdmin(NoRevertFromHistory, SimpleHistoryAdmin):
    """Read-only and scoped: a subclass gives `scope(request, queryset)`, the rows the viewer may see."""

    def scope(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _refuse_outside_scope(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404  # as a child's page answers a case outside the viewer's scope

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_outside_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_outside_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
