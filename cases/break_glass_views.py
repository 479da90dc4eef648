"""Break glass: opening a case outside one's scope by stating a reason, and the QA administrators'
review of every such access.

A person who meets a 404 for a case they need (cover for an absent manager, an urgent strategy
discussion) is offered the request page from the case pages' 404 and the case list. They type the
reference and a reason; the page answers an unknown reference exactly as it answers a case that
exists but cannot be opened, so it cannot be used to find out which references exist without a
stated, logged and reviewed reason. Board and scrutiny roles (aggregate-only) get 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from cases.forms import BreakGlassForm, BreakGlassReviewForm
from cases.models import AccessLogEntry, BreakGlassGrant
from cases.scope import may_break_glass
from cases.selectors import BREAK_GLASS_STATES, break_glass_grants, break_glass_unreviewed_count
from cases.services import break_glass_open, break_glass_review
from core.mixins import PermissionRequiredMixin
from core.paging import ForgivingPaginationMixin, page_query

UNKNOWN_REFERENCE = "No case can be opened with that reference. Check the reference and try again."


class BreakGlassRequestView(UserPassesTestMixin, View):
    """Need access to a case outside your area? A reference and a reason open it for a few hours.
    Anonymous visitors sign in; roles that may not break glass get 403 (UserPassesTestMixin's answers)."""

    template_name = "cases/break_glass_request.html"

    def test_func(self):
        return may_break_glass(self.request.user)

    def get(self, request):
        form = BreakGlassForm(initial={"reference": request.GET.get("reference", "")[:40]})
        return self._page(form)

    def post(self, request):
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            try:
                case, grant = break_glass_open(
                    actor=request.user,
                    reference=form.cleaned_data["reference"],
                    reason=form.cleaned_data["reason"],
                    path=request.path,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if case is None:
                    form.add_error("reference", UNKNOWN_REFERENCE)
                else:
                    if grant is None:
                        messages.info(request, "This case is already yours to see: no reason was needed.")
                    else:
                        messages.warning(
                            request,
                            f"You can see this case until {grant.expires_at:%H:%M on %d %B}. "
                            "Your access and your reason are logged and will be reviewed.",
                        )
                    return redirect(case)
        return self._page(form, status=400)

    def _page(self, form, status=200):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"form": form, "hours": settings.BREAK_GLASS_HOURS},
            status=status,
        )


class BreakGlassListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Every access to a case from outside the person's scope, for the QA administrators to review."""

    permission_required = "cases.review_breakglassgrant"
    template_name = "cases/break_glass_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.state = self.request.GET.get("state", "to-review")
        if self.state not in BREAK_GLASS_STATES:
            self.state = "to-review"
        return break_glass_grants(state=self.state)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state=self.state,
            states=BREAK_GLASS_STATES,
            state_label=BREAK_GLASS_STATES[self.state],
            unreviewed=break_glass_unreviewed_count(),
            page_query=page_query(self.request),
            **kwargs,
        )


class BreakGlassReviewView(PermissionRequiredMixin, View):
    """One access: who, which case, why, until when, what they looked at; and its review."""

    permission_required = "cases.review_breakglassgrant"
    template_name = "cases/break_glass_review.html"

    def get_grant(self, pk):
        return get_object_or_404(BreakGlassGrant.objects.select_related("user", "case", "reviewed_by"), pk=pk)

    def get(self, request, pk):
        return self._page(self.get_grant(pk), BreakGlassReviewForm())

    def post(self, request, pk):
        grant = self.get_grant(pk)
        form = BreakGlassReviewForm(request.POST)
        if form.is_valid():
            try:
                break_glass_review(
                    actor=request.user,
                    grant=grant,
                    outcome=form.cleaned_data["review_outcome"],
                    note=form.cleaned_data["review_note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Review recorded for {grant.user} opening {grant.case}.")
                return redirect("cases:break_glass_list")
        return self._page(grant, form, status=400)

    def _page(self, grant, form, status=200):
        entries = AccessLogEntry.objects.filter(break_glass=grant).order_by("at", "pk")
        context = {"grant": grant, "form": form, "entries": entries}
        return render(self.request, self.template_name, context, status=status)
