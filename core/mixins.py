"""View mixins that put every page behind the same three answers:
anonymous -> sign in; no permission -> 403; outside the user's scope -> 404.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class ScopedObjectMixin(AccessMixin):
    """Narrow `self.queryset` to what the user may see, before the view looks anything up: the one
    scoping point of the view. Its get_queryset() then shapes `self.queryset` (joins, order, filters)
    and never scopes again.

    Subclasses set `queryset` (a ScopedQuerySet) and may override `has_permission()` and
    `get_scope_shape()` (the query shape for_user builds); a detail view then answers 404 for a row
    outside the scope, because the row is not in the queryset at all.
    """

    queryset = None
    permission_required: str | None = None

    def has_permission(self) -> bool:
        return not self.permission_required or self.request.user.has_perm(self.permission_required)

    def get_scope_shape(self) -> str:
        """The shape of for_user's query (see ScopedQuerySet.for_user): "in" unless the view knows better."""
        return "in"

    def get_scope_options(self) -> dict:
        """Keyword arguments for for_user(): the shape, and whatever else the model's queryset takes (a
        case's own pages also reach cases opened by break glass)."""
        return {"shape": self.get_scope_shape()}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_permission():
            raise PermissionDenied
        self.queryset = self.queryset.for_user(request.user, **self.get_scope_options())
        return super().dispatch(request, *args, **kwargs)


class PermissionRequiredMixin(AccessMixin):
    """A page for holders of a model-wide permission (e.g. QA administrators' tools)."""

    permission_required: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
