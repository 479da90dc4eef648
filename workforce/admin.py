"""Teams and staff in the admin. Saves go through workforce.services, so groups follow roles and history
records the acting user; nothing is deleted (a team is made inactive, a leaver gets a leaving date).
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workforce import services
from workforce.forms import TEAM_NAME_MAX_LENGTH, clean_line_manager, clean_team_name
from workforce.models import StaffProfile, Team


class TeamAdminForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "service_area", "manager", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].max_length = TEAM_NAME_MAX_LENGTH
        self.fields["name"].widget.attrs["maxlength"] = str(TEAM_NAME_MAX_LENGTH)

    def clean_name(self):
        name = clean_team_name(self.cleaned_data["name"], self.instance)
        if len(name) > TEAM_NAME_MAX_LENGTH:
            raise forms.ValidationError(f"The team's name must be {TEAM_NAME_MAX_LENGTH} characters or fewer")
        return name


class StaffProfileAdminForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["user", "job_title", "team", "line_manager", "roles", "start_date", "newly_qualified", "left_on"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")  # not in the form once the profile exists
        user_id = user.pk if user is not None else self.instance.user_id
        try:
            clean_line_manager(cleaned.get("line_manager"), user_id=user_id)
        except forms.ValidationError as exc:
            self.add_error("line_manager", exc)
        return cleaned


class WorkforceAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        # Reverting would bypass the forms' checks and restore a profile without its roles at the time.
        return True


@admin.register(Team)
class TeamAdmin(WorkforceAdmin):
    form = TeamAdminForm
    list_display = ["name", "service_area", "manager", "is_active"]
    list_filter = ["is_active", "service_area"]
    list_select_related = ["service_area", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
    readonly_fields = ["group"]

    def save_model(self, request, obj, form, change):
        if change:
            services.team_update(actor=request.user, team=obj)
            return
        team = services.team_create(
            actor=request.user, name=obj.name, service_area=obj.service_area, manager=obj.manager
        )
        if not obj.is_active:
            services.team_update(actor=request.user, team=team, is_active=False)
        # The admin goes on with `obj` (redirect, log entry): give it the saved row's identity.
        obj.pk, obj.group, obj.created_at, obj.updated_at = team.pk, team.group, team.created_at, team.updated_at
        obj._state.adding = False


@admin.register(StaffProfile)
class StaffProfileAdmin(WorkforceAdmin):
    form = StaffProfileAdminForm
    list_display = ["__str__", "user", "job_title", "team", "line_manager", "newly_qualified", "left_on"]
    list_filter = ["team", "roles", "newly_qualified", "left_on"]
    list_select_related = ["user", "team", "line_manager"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "line_manager"]
    filter_horizontal = ["roles"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        # Roles are set here, with the profile, so that the groups are synced once and history has the user.
        services.staff_profile_save(actor=request.user, profile=obj, roles=form.cleaned_data.get("roles"))

    def save_related(self, request, form, formsets, change):
        # The service has set the roles; saving the form's m2m again would bypass the group sync.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
