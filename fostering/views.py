"""The register's pages: the carers a user may see (fostering.scope), and one carer. Anonymous -> sign
in; a user whose roles see no carer at all -> 403; a carer outside their scope -> 404."""

from django.views.generic import DetailView, ListView

from core.mixins import ScopedObjectMixin
from core.paging import ForgivingPaginationMixin
from fostering.models import FosterCarer
from fostering.scope import may_see_foster_carers
from fostering.selectors import carer_list


class FosterCarerAccessMixin(ScopedObjectMixin):
    queryset = FosterCarer.objects.all()

    def has_permission(self) -> bool:
        return may_see_foster_carers(self.request.user)

    def get_queryset(self):
        return carer_list(self.queryset)


class FosterCarerListView(FosterCarerAccessMixin, ForgivingPaginationMixin, ListView):
    template_name = "fostering/carer_list.html"
    context_object_name = "carers"
    paginate_by = 50


class FosterCarerDetailView(FosterCarerAccessMixin, DetailView):
    template_name = "fostering/carer.html"
    context_object_name = "carer"
