"""Teams and staff pages for QA administrators. Views are thin: forms validate, services write."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView

from qa_portal.mixins import PermissionRequiredMixin
from workforce import selectors, services
from workforce.filtersets import StaffFilterSet
from workforce.forms import StaffCreateForm, StaffEditForm, TeamForm
from workforce.models import StaffProfile, Team

User = get_user_model()

USER_FIELDS = {"first_name": "First name", "last_name": "Last name", "email": "Email"}


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


class TeamCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
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


class StaffListView(PermissionRequiredMixin, FilterView):
    permission_required = "workforce.change_staffprofile"
    filterset_class = StaffFilterSet
    paginate_by = 50
    template_name = "workforce/staff_list.html"
    context_object_name = "profiles"

    def get_queryset(self):
        return selectors.staff_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,  # FilterView calls it "filter", which shadows the template filter tag
            page_query=query.urlencode(),
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
        return super().get_context_data(
            groups=selectors.staff_groups(self.object),
            history=selectors.staff_history(self.object),
            **kwargs,
        )


class StaffCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    permission_required = "workforce.add_staffprofile"
    form_class = StaffCreateForm
    template_name = "workforce/staff_form.html"

    def save(self, form):
        # The account is written here because workforce.services has no staff_create yet (see the report).
        user = User(username=form.cleaned_data["username"], **form.user_values())
        # No password is chosen here: an administrator sets one in the admin.
        user.set_unusable_password()
        user.full_clean()
        user.save()
        profile = form.instance
        profile.user = user
        return services.staff_profile_save(actor=self.request.user, profile=profile, roles=form.cleaned_data["roles"])

    def success_message(self, profile):
        # Django's password reset ignores accounts without a usable password, so only an administrator can help.
        return (
            f"{profile} ({profile.user.username}) added. They cannot sign in yet: no password has been set. "
            "An administrator sets one for them in the admin (Users, then Set password)."
        )


class StaffEditView(PermissionRequiredMixin, FormPageMixin, UpdateView):
    permission_required = "workforce.change_staffprofile"
    form_class = StaffEditForm
    template_name = "workforce/staff_form.html"
    context_object_name = "profile"

    def get_queryset(self):
        # No prefetch of roles: the service compares the saved roles with the chosen ones.
        return StaffProfile.objects.select_related("user")

    def save(self, form):
        profile = form.instance
        user = profile.user
        values = form.user_values()
        changes = [
            f"{label}: {getattr(user, name) or 'none'} → {values[name]}"
            for name, label in USER_FIELDS.items()
            if getattr(user, name) != values[name]
        ]
        if changes:
            # The user has no history of its own: the profile's history row carries the change.
            for name, value in values.items():
                setattr(user, name, value)
            user.full_clean(exclude=["password"])
            user.save(update_fields=list(values))
            profile._change_reason = "; ".join(changes)
        return services.staff_profile_save(actor=self.request.user, profile=profile, roles=form.cleaned_data["roles"])

    def success_message(self, profile):
        if profile.left_on:
            left_on = f"{profile.left_on.day} {profile.left_on:%B %Y}"
            return f"{profile} saved. They left on {left_on}: their role and team groups were removed."
        return f"{profile} saved."
