"""Case pages. Each starts from Case.objects.for_user(), applied once by CaseScopedMixin to
`self.queryset`, which the views then shape (cases.selectors) and never scope again: a case outside the
user's scope is simply not there (404); board and scrutiny roles get 403; anonymous visitors sign in.
Every view of a case page, its history or an export is written to the access log.
"""

from django.views.generic import DetailView, ListView

from cases.choices import AccessAction
from cases.exports import EXPORT_COLUMNS, case_export_rows
from cases.filtersets import SORTS, AccessLogFilterSet, CaseFilterSet
from cases.mixins import CaseScopedMixin
from cases.models import AccessLogEntry, Case
from cases.sections import case_sections
from cases.selectors import case_assigned, case_detail_queryset, case_history, case_list
from cases.services import access_log_record, access_log_record_export
from core.csv_export import csv_response
from core.mixins import PermissionRequiredMixin
from core.paging import ForgivingPaginationMixin, page_query


class CaseListView(CaseScopedMixin, ForgivingPaginationMixin, ListView):
    queryset = Case.objects.all()
    template_name = "cases/case_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = CaseFilterSet(
            self.request.GET or None, queryset=case_list(self.queryset), user=self.request.user
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_scope_shape(self) -> str:
        return self._page_shape()

    def _page_shape(self) -> str:
        # The unfiltered list in reference order (what people open most) walks the reference index.
        filters = {key: value for key, value in self.request.GET.items() if value and key not in ("page", "sort")}
        return (
            "exists"
            if not filters and self.request.GET.get("sort", "reference") in ("reference", "-reference")
            else "in"
        )

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if self._page_shape() == "exists":
            # Unfiltered: every case the user may see, counted from their grants alone.
            count = Case.objects.count_for_user(self.request.user)
        else:
            count = self.filterset.qs.order_by().count()
        paginator = super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        paginator.count = count  # counted above, the cheaper way: spares the paginator its own COUNT(*)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        current_sort = query.get("sort", "reference")
        sort_links = {}
        for column in ("reference", "name", "team", "born"):
            next_sort = f"-{column}" if current_sort == column else column
            params = query.copy()
            params["sort"] = next_sort
            sort_links[column] = {
                "query": params.urlencode(),
                "aria": "ascending"
                if current_sort == column
                else "descending"
                if current_sort == f"-{column}"
                else "none",
            }
        without_sort = query.copy()
        without_sort.pop("sort", None)
        context.update(
            filterset=self.filterset,
            sort_links=sort_links,
            page_query=page_query(self.request),
            filtered=any(value for key, value in self.request.GET.items() if key not in ("page", "sort")),
            export_query=without_sort.urlencode(),
            sorts=SORTS,
        )
        return context


class CaseDetailView(CaseScopedMixin, DetailView):
    """The case page. It (and its history) also reaches a case the user opened by break glass, while the
    grant is live; each view of it is then logged with the grant (and so its reason)."""

    queryset = Case.objects.all()
    template_name = "cases/case.html"
    context_object_name = "case"

    def get_scope_options(self) -> dict:
        return {**super().get_scope_options(), "break_glass": True}

    def get_queryset(self):
        return case_detail_queryset(self.queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        templates, section_context = case_sections(user=self.request.user, case=self.object)
        context.update(section_context, case_sections=templates, assigned=case_assigned(self.object))
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        access_log_record(
            user=request.user, cases=[self.object], action=AccessAction.VIEWED, path=request.path, break_glass=True
        )
        return response


class CaseHistoryView(CaseDetailView):
    template_name = "cases/case_history.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, history=case_history(self.object))
        access_log_record(
            user=request.user,
            cases=[self.object],
            action=AccessAction.VIEWED_HISTORY,
            path=request.path,
            break_glass=True,
        )
        return self.render_to_response(context)


class CaseExportView(CaseScopedMixin, ListView):
    """The filtered case list as CSV, streamed. Each exported case is logged as seen by the user, once,
    before the file is sent."""

    queryset = Case.objects.all()

    def get(self, request, *args, **kwargs):
        filterset = CaseFilterSet(request.GET or None, queryset=case_list(self.queryset))
        cases = filterset.qs if filterset.is_bound else filterset.queryset
        # The path without its query: a search may hold a child's name, which the log must not keep.
        access_log_record_export(user=request.user, queryset=cases, case_field="pk", path=request.path)
        return csv_response("cases", EXPORT_COLUMNS, case_export_rows(cases))


class AccessLogView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Who looked at which case: for QA administrators. Shows references, never children's names."""

    permission_required = "cases.view_accesslogentry"
    template_name = "cases/access_log.html"
    paginate_by = 100

    def get_queryset(self):
        self.filterset = AccessLogFilterSet(
            self.request.GET or None, queryset=AccessLogEntry.objects.select_related("user", "case", "break_glass")
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, page_query=page_query(self.request), **kwargs)
