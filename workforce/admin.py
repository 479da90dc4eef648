"""Teams and staff in the admin, and the admin of accounts and groups. Saves go through workforce.services,
so groups follow roles and history records the acting user; nothing is deleted (a team is made inactive, a
leaver gets a leaving date).

The account rules (workforce.account_rules) hold here as on the staff pages: a profile can be attached
only to an account the administrator may manage (the raw `user` id is checked, not only the autocomplete),
superusers' and QA administrators' accounts are changed only by a superuser, nobody changes their own
roles, flags, groups or permissions, and groups (which carry the roles' permissions) are a superuser's.
Every refusal is a form error or the 403 page, and a line in the "qa_portal.security" log.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from workforce import services
from workforce.account_emails import email_change_request
from workforce.account_rules import (
    account_refusal,
    flag_refusal,
    log_refusal,
    may_manage_account,
    refuse_page,
    role_refusal,
)
from workforce.forms import TEAM_NAME_MAX_LENGTH, clean_line_manager, clean_team_name
from workforce.models import StaffProfile, Team

User = get_user_model()


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

    actor = None  # set by StaffProfileAdmin.get_form: the administrator saving

    def clean_user(self):
        # The autocomplete offers only what the actor may see; a raw id typed in must meet the same rule.
        user = self.cleaned_data["user"]
        refusal = account_refusal(self.actor, user) or (
            "Nobody can give themselves a staff profile: ask another administrator." if user.pk == self.actor.pk else ""
        )
        if refusal:
            log_refusal(actor=self.actor, target=user, attempted="staff profile for an account (admin)")
            raise ValidationError(refusal)
        return user

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")  # not in the form once the profile exists
        user_id = user.pk if user is not None else self.instance.user_id
        try:
            clean_line_manager(cleaned.get("line_manager"), user_id=user_id)
        except forms.ValidationError as exc:
            self.add_error("line_manager", exc)
        target = user if user is not None else (self.instance.user if self.instance.user_id else None)
        if target is not None and "roles" in cleaned:
            current = set(self.instance.roles.all()) if self.instance.pk else set()
            for role in current ^ set(cleaned["roles"]):
                refusal = role_refusal(self.actor, target, role)
                if refusal:
                    log_refusal(actor=self.actor, target=target, attempted=f"role change: {role.key} (admin)")
                    self.add_error("roles", refusal)
                    break
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj.user))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            refusal = account_refusal(request.user, obj.user) if obj is not None else ""
            if refusal:
                refuse_page(
                    actor=request.user, target=obj.user, attempted="staff profile change (admin)", message=refusal
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Roles are set here, with the profile, so that the groups are synced once and history has the user.
        services.staff_profile_save(actor=request.user, profile=obj, roles=form.cleaned_data.get("roles"))
        for role in obj.roles_requested:
            self.message_user(
                request,
                f"{role} waits for another QA administrator's approval: roles that see every child need two.",
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        # The service has set the roles; saving the form's m2m again would bypass the group sync.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


#
# Accounts and groups
#


class AccountAdminForm(DjangoUserAdmin.form):
    actor = None  # set by AccountAdmin.get_form

    # What a change of each of these gives, in words for the refusal.
    FLAGS = {
        "is_superuser": "superuser status",
        "is_staff": "staff status",
        "groups": "groups",
        "user_permissions": "permissions",
    }

    def clean(self):
        cleaned = super().clean()
        for name, words in self.FLAGS.items():
            if name in self.changed_data:
                refusal = flag_refusal(self.actor, self.instance, words)
                if refusal:
                    log_refusal(actor=self.actor, target=self.instance, attempted=f"{name} change (admin)")
                    self.add_error(name if name in self.fields else None, refusal)
        return cleaned


# Django's own User admin, with the account rules: only a superuser changes flags, groups and permissions,
# nobody their own, and a new email address is confirmed from that address like everywhere else.
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(DjangoUserAdmin):
    form = AccountAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser or (obj is not None and obj.pk == request.user.pk):
            readonly += list(AccountAdminForm.FLAGS)
        return readonly

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is hard-deleted: an account is made inactive

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            refusal = account_refusal(request.user, obj) if obj is not None else ""
            if refusal:
                refuse_page(actor=request.user, target=obj, attempted="account change (admin)", message=refusal)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        new_address = None
        if change and "email" in form.changed_data:
            new_address, obj.email = obj.email, form.initial.get("email", "")
        super().save_model(request, obj, form, change)
        if new_address is not None:
            email_change_request(actor=request.user, user=obj, new_address=new_address)
            self.message_user(
                request,
                f"The email address changes to {new_address} once the link we are sending there is used.",
                messages.WARNING,
            )


# Groups carry the roles' model-wide permissions: changing one changes what every holder of the role may do.
admin.site.unregister(Group)


@admin.register(Group)
class SuperuserGroupAdmin(DjangoGroupAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser
