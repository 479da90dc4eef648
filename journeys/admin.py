"""The journey facts in the admin site, to look at: read-only, within the viewer's case scope.

The facts come from the case-management system (import_events) and from records made in the portal, whose
writes keep the planner in step (journeys.services): an edit here would bypass both, so there is none, and
nothing is deleted. A fact entered in error is withdrawn, not removed: the one action here, for those
who may change facts (journeys.services.facts_withdraw, which replans the child's items). Each list
shows only the facts of the cases the signed-in person may see (Case.objects.for_user, the one scoping
point), since the admin site is otherwise open to any staff user with the view permission
(core.read_only_admin: the history pages too).
"""

from django.contrib import admin

from cases.models import Case
from core.read_only_admin import ReadOnlyScopedAdmin
from journeys.models import (
    CareLeaverAccommodation,
    CareLeaverStatus,
    Detention,
    LegalStatus,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from journeys.services import facts_withdraw


class FactAdmin(ReadOnlyScopedAdmin):
    """Read-only, no delete, scoped to the viewer's cases; searched by case reference."""

    search_fields = ["case__reference"]
    list_select_related = ["case"]
    common_filters = ["source", ("withdrawn_at", admin.EmptyFieldListFilter)]

    def scope(self, request, queryset):
        return queryset.filter(case__in=Case.objects.for_user(request.user).values("pk"))

    def get_list_filter(self, request):
        return [*self.list_filter, *self.common_filters]

    def has_withdraw_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.action(description="Withdraw the selected facts (entered in error)", permissions=["withdraw"])
    def withdraw(self, request, queryset):
        count = facts_withdraw(list(queryset), actor=request.user, reason="Withdrawn in the admin: entered in error")
        self.message_user(request, f"{count} withdrawn; the children's due items follow.")

    actions = ["withdraw"]


@admin.register(Placement)
class PlacementAdmin(FactAdmin):
    list_display = ["case", "start", "end", "kind", "long_term", "carer_reference", "source", "withdrawn_at"]
    list_filter = ["kind", "long_term"]
    date_hierarchy = "start"


@admin.register(LegalStatus)
class LegalStatusAdmin(FactAdmin):
    list_display = ["case", "status", "start", "end", "source", "withdrawn_at"]
    list_filter = ["status"]
    date_hierarchy = "start"


@admin.register(CareLeaverStatus)
class CareLeaverStatusAdmin(FactAdmin):
    list_display = ["case", "category", "start", "end", "source", "withdrawn_at"]
    list_filter = ["category"]


@admin.register(CareLeaverAccommodation)
class CareLeaverAccommodationAdmin(FactAdmin):
    list_display = ["case", "start", "end", "source", "withdrawn_at"]


@admin.register(Detention)
class DetentionAdmin(FactAdmin):
    list_display = ["case", "start", "end", "source", "withdrawn_at"]


@admin.register(StrategyDiscussion)
class StrategyDiscussionAdmin(FactAdmin):
    list_display = ["case", "held_on", "outcome", "source", "withdrawn_at"]
    list_filter = ["outcome"]
    date_hierarchy = "held_on"


@admin.register(Visit)
class VisitAdmin(FactAdmin):
    list_display = ["case", "visited_on", "child_seen", "seen_alone", "visitor", "source", "withdrawn_at"]
    list_filter = ["child_seen", "seen_alone"]
    list_select_related = ["case", "visitor"]
    date_hierarchy = "visited_on"


@admin.register(MeetingHeld)
class MeetingHeldAdmin(FactAdmin):
    list_display = ["case", "kind", "held_on", "source", "withdrawn_at"]
    list_filter = ["kind"]
    date_hierarchy = "held_on"
