"""Teams and staff pages for QA administrators. Views are thin: forms validate, services write."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView
from django_ratelimit.core import is_ratelimited

from core.client_address import ratelimit_key
from core.form_tokens import OnceOnlyCreateMixin
from core.mixins import PermissionRequiredMixin
from core.paging import ForgivingPaginationMixin, page_query
from core.queueing import send_now
from workforce import account_emails, selectors, services
from workforce.account_emails import account_email_confirm_on_link_use
from workforce.account_rules import account_refusal
from workforce.choices import RoleGrantStatus
from workforce.filtersets import StaffFilterSet
from workforce.forms import StaffCreateForm, StaffEditForm, TeamForm
from workforce.models import RoleGrantRequest, StaffProfile, Team
from workforce.password_reset import ConfirmedAddressResetForm
from workforce.tasks import password_reset_send

logger = logging.getLogger(__name__)

# The profile's own fields on the add form (roles go to the service separately).
PROFILE_FIELDS = [name for name in StaffCreateForm.Meta.fields if name != "roles"]


class FormPageMixin:
    """A form page whose write (`save`) runs in one transaction.

    Bad input re-renders the form with its error summary (400, as the catalogue upload does); a
    ValidationError from a service is shown the same way, and nothing is written.
    """

    def save(self, form):
        raise NotImplementedError

    def success_message(self, obj) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = self.save(form)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(self.object))
        return redirect(self.object)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def pending_messages(profile) -> list[str]:
    """What a save asked for rather than did: roles waiting for a second administrator, an address change."""
    lines = [
        f"{role} waits for another QA administrator's approval: roles that see every child need two."
        for role in getattr(profile, "roles_requested", [])
    ]
    change = getattr(profile, "email_change", None)
    if change is not None:
        lines.append(
            f"Their email address changes to {change.new_address} once the link we are sending there is used; "
            "their current address is told."
        )
    return lines


#
# Teams
#


class TeamListView(PermissionRequiredMixin, ListView):
    permission_required = "workforce.change_team"
    template_name = "workforce/team_list.html"
    context_object_name = "teams"

    def get_queryset(self):
        return selectors.team_list()


class TeamDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "workforce.change_team"
    template_name = "workforce/team.html"
    context_object_name = "team"

    def get_queryset(self):
        return selectors.team_list().select_related("group")

    def get_context_data(self, **kwargs):
        return super().get_context_data(members=selectors.team_members(self.object), **kwargs)


class TeamCreateView(PermissionRequiredMixin, OnceOnlyCreateMixin, FormPageMixin, CreateView):
    permission_required = "workforce.add_team"
    form_class = TeamForm
    template_name = "workforce/team_form.html"

    def save(self, form):
        return services.team_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, team):
        return f"Team {team} added, with its group “{team.group.name}”."


class TeamEditView(PermissionRequiredMixin, FormPageMixin, UpdateView):
    permission_required = "workforce.change_team"
    form_class = TeamForm
    template_name = "workforce/team_form.html"
    context_object_name = "team"

    def get_queryset(self):
        return Team.objects.select_related("group")

    def save(self, form):
        return services.team_update(actor=self.request.user, team=form.instance, **form.cleaned_data)

    def success_message(self, team):
        return f"Team {team} saved." if team.is_active else f"Team {team} saved. It is inactive."


#
# Staff
#


class StaffListView(PermissionRequiredMixin, ForgivingPaginationMixin, FilterView):
    permission_required = "workforce.change_staffprofile"
    filterset_class = StaffFilterSet
    paginate_by = 50
    template_name = "workforce/staff_list.html"
    context_object_name = "profiles"

    def get_queryset(self):
        return selectors.staff_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filterset=self.filterset,  # FilterView calls it "filter", which shadows the template filter tag
            page_query=page_query(self.request),
            filtered=any(value for key, value in self.request.GET.items() if key != "page"),
        )
        return context


class StaffDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "workforce.change_staffprofile"
    template_name = "workforce/staff.html"
    context_object_name = "profile"

    def get_queryset(self):
        return selectors.staff_list()

    def get_context_data(self, **kwargs):
        user = self.object.user
        return super().get_context_data(
            groups=selectors.staff_groups(self.object),
            history=selectors.staff_history(self.object),
            # The buttons follow the account rules; the services refuse (and log) whatever is sent anyway.
            account_refusal=account_refusal(self.request.user, user),
            may_invite=account_emails.may_receive_invitation(user),
            **kwargs,
        )


class StaffCreateView(PermissionRequiredMixin, OnceOnlyCreateMixin, FormPageMixin, CreateView):
    permission_required = "workforce.add_staffprofile"
    form_class = StaffCreateForm
    template_name = "workforce/staff_form.html"

    def save(self, form):
        data = form.cleaned_data
        return services.staff_create(
            actor=self.request.user,
            username=data["username"],
            **form.user_values(),
            profile_fields={name: data[name] for name in PROFILE_FIELDS},
            roles=data["roles"],
        )

    def success_message(self, profile):
        requested = " ".join(pending_messages(profile))
        if requested:
            requested = " " + requested
        # Sent after the commit (and a failure is logged, not shown), so the message says where, not that it arrived.
        return (
            f"{profile} ({profile.user.username}) added. We are emailing them at {profile.user.email} "
            "a link to set their password. If it does not arrive, send a new invitation from this page."
        ) + requested


class StaffEditView(PermissionRequiredMixin, FormPageMixin, UpdateView):
    permission_required = "workforce.change_staffprofile"
    form_class = StaffEditForm
    template_name = "workforce/staff_form.html"
    context_object_name = "profile"

    def get_queryset(self):
        # No prefetch of roles: the service compares the saved roles with the chosen ones.
        return StaffProfile.objects.select_related("user")

    def save(self, form):
        # The form has already set the profile's own fields on form.instance.
        return services.staff_update(
            actor=self.request.user,
            profile=form.instance,
            user_values=form.user_values(),
            roles=form.cleaned_data["roles"],
        )

    def success_message(self, profile):
        if profile.left_on:
            left_on = f"{profile.left_on.day} {profile.left_on:%B %Y}"
            return f"{profile} saved. They left on {left_on}: their role and team groups were removed."
        return " ".join([f"{profile} saved.", *pending_messages(profile)])


@require_POST
@login_required
@permission_required("workforce.change_staffprofile", raise_exception=True)
def staff_invite(request, pk):
    """Email the person a new link to set their password (the last one expired, or never arrived)."""
    profile = get_object_or_404(StaffProfile.objects.select_related("user"), pk=pk)
    try:
        services.staff_invite(actor=request.user, profile=profile)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except OSError:
        # smtplib's errors are OSErrors: the mail server refused or could not be reached. Nothing was recorded.
        logger.exception("Sending an invitation to staff profile %s failed", profile.pk)
        messages.error(request, "The invitation could not be sent. Try again later.")
    else:
        messages.success(request, f"Invitation sent to {profile.user.email}.")
    return redirect(profile)


#
# Password reset (workforce.password_reset): the page counts, the worker sends
#


def _typed_address(group, request) -> str:
    # Case and spaces folded, so "Ann@Example.org " and "ann@example.org" share one count.
    return request.POST.get("email", "").strip().lower()


class ThrottledPasswordResetView(PasswordResetView):
    form_class = ConfirmedAddressResetForm

    def form_valid(self, form):
        request = self.request
        # Both counters move on every request (no short circuit), so a client cycling addresses is caught.
        per_address = is_ratelimited(
            request,
            group="password-reset:address",
            key=_typed_address,
            rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
            increment=True,
        )
        per_client = is_ratelimited(
            request,
            group="password-reset:client",
            key=ratelimit_key,
            rate=settings.PASSWORD_RESET_RATE_PER_CLIENT,
            increment=True,
        )
        if per_address or per_client:
            # No address in the log: it may be a mistyped one belonging to nobody here.
            logger.warning("password reset throttled (%s)", "address" if per_address else "client")
        else:
            # The address, not a user: the request must not look anyone up. With the broker down the
            # page answers as always (it must reveal nothing); the warning names the task, not the address.
            send_now(password_reset_send, form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class ConfirmingPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's set-password page; using a link from an invitation or reset confirms the address it went to."""

    def form_valid(self, form):
        response = super().form_valid(form)
        account_email_confirm_on_link_use(user=form.user)
        return response


#
# Email changes: confirmed from the new address
#


def email_change_confirm(request, token):
    """The link sent to a new address: a page to confirm the change (POST), open to whoever holds the link;
    for an account in use, only its holder, signed in (workforce.account_emails.confirmation_refusal)."""
    change = account_emails.email_change_for_token(token)
    if change is None:
        return render(request, "workforce/email_change_confirm.html", {"change": None}, status=404)
    refusal = account_emails.confirmation_refusal(change, request.user)
    if request.method == "POST" and not refusal:
        try:
            account_emails.email_change_confirm(change=change, visitor=request.user)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:
            return render(request, "workforce/email_change_done.html", {"change": change})
    elif request.method == "POST":
        account_emails.refuse_quietly(actor=request.user, target=change.user, message=refusal)
    status = 403 if refusal and request.method == "POST" else 200
    context = {"change": change, "refusal": refusal, "login_next": request.get_full_path()}
    return render(request, "workforce/email_change_confirm.html", context, status=status)


#
# Role requests: roles that see every child, approved by a second administrator
#


class RoleRequestListView(PermissionRequiredMixin, ListView):
    permission_required = "workforce.change_staffprofile"
    template_name = "workforce/role_request_list.html"
    context_object_name = "grant_requests"

    def get_queryset(self):
        return selectors.role_requests_pending()


@require_POST
@login_required
@permission_required("workforce.change_staffprofile", raise_exception=True)
def role_request_decide(request, pk, approve: bool):
    """A second administrator approves or refuses a pending request (workforce.services.role_grant_decide)."""
    grant_request = get_object_or_404(RoleGrantRequest, pk=pk, status=RoleGrantStatus.PENDING)
    try:
        services.role_grant_decide(actor=request.user, grant_request=grant_request, approve=approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "approved: they hold it now" if approve else "refused"
        messages.success(request, f"{grant_request.role} for {grant_request.profile} {verb}.")
    return redirect("workforce:role_request_list")
