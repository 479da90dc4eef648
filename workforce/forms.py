"""Forms for teams and staff, laid out as GOV.UK forms (crispy-forms-gds). Views pass cleaned data to the services."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.buttons import write_button
from core.form_fields import GovDateField
from processes.models import Area, Role
from workforce.models import StaffProfile, Team
from workforce.selectors import staff_users

User = get_user_model()

# team_create names the team's group "Team: <name>" and Group.name holds 150 characters.
TEAM_GROUP_PREFIX = "Team: "
TEAM_NAME_MAX_LENGTH = Group._meta.get_field("name").max_length - len(TEAM_GROUP_PREFIX)


class StaffUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return f"{area.numeral}. {area.title}"


def clean_team_name(name: str, team: Team) -> str:
    """The name, unless the team's group ("Team: <name>") would clash with a group made by hand in the admin."""
    name = name.strip()
    # A team's own group always carries its name, so a clash with one is the name's unique check to report.
    if Group.objects.filter(name=f"{TEAM_GROUP_PREFIX}{name}", team__isnull=True).exists():
        raise ValidationError(
            f"A group called “{TEAM_GROUP_PREFIX}{name}” already exists. Choose another name, "
            "or rename that group in the admin"
        )
    return name


def clean_line_manager(line_manager, *, user_id):
    if line_manager is not None and user_id is not None and user_id == line_manager.pk:
        raise ValidationError("A person cannot be their own line manager. Choose someone else or no line manager")
    return line_manager


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    # The template writes the <form> and its csrf_token.
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, write_button(submit))
    return helper


#
# Teams
#


class TeamForm(forms.ModelForm):
    """A team's name, service area, manager and (when editing) whether it is active. Teams are never deleted."""

    name = forms.CharField(
        label="Team name",
        max_length=TEAM_NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the team's name",
            "unique": "A team with this name already exists. Choose another name",
            "max_length": f"The team's name must be {TEAM_NAME_MAX_LENGTH} characters or fewer",
        },
    )
    service_area = AreaChoiceField(
        label="Service area",
        queryset=Area.objects.order_by("number"),
        empty_label="Choose a service area",
        help_text="The table of the support tool the team works under (usually vi. to ix.).",
        error_messages={"required": "Choose the team's service area"},
    )
    manager = StaffUserChoiceField(
        label="Team manager (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No manager",
        help_text="Only people with a staff profile are listed.",
    )

    class Meta:
        model = Team
        fields = ["name", "service_area", "manager", "is_active"]
        labels = {"is_active": "The team is active"}
        help_texts = {
            "is_active": "An inactive team keeps its history and is not offered for new staff. "
            "Its members stay in it, and in its group, until you move them."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = staff_users(include=[self.instance.manager_id])
        fields = [
            Field.text("name", field_width=20),
            Field.select("service_area"),
            Field.select("manager"),
        ]
        if self.instance.pk is None:
            del self.fields["is_active"]  # team_create makes active teams
            submit = "Add team"
        else:
            fields.append(Field.checkbox("is_active"))
            submit = "Save changes"
        self.helper = _helper(*fields, submit=submit)

    def clean_name(self):
        return clean_team_name(self.cleaned_data["name"], self.instance)


#
# Staff
#


class StaffProfileForm(forms.ModelForm):
    """The person's names and email (on their user account) and their staff profile."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        # A TextInput typed "email" (crispy-forms-gds's input_type): it marks only TextInputs with errors in red.
        widget=forms.TextInput(attrs={"input_type": "email"}),
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    team = forms.ModelChoiceField(label="Team (optional)", queryset=Team.objects.none(), required=False)
    line_manager = StaffUserChoiceField(
        label="Line manager (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No line manager",
    )
    roles = forms.ModelMultipleChoiceField(
        label="Roles",
        queryset=Role.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their groups follow their roles and their team: each role reaches what that role reaches.",
    )
    start_date = GovDateField(label="Start date", help_text="For example, 27 3 2024")

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "team",
        "line_manager",
        "roles",
        "start_date",
        "newly_qualified",
        "left_on",
    ]

    class Meta:
        model = StaffProfile
        fields = ["job_title", "team", "line_manager", "roles", "start_date", "newly_qualified"]
        labels = {"job_title": "Job title", "newly_qualified": "Newly qualified (ASYE)"}
        error_messages = {
            "job_title": {
                "required": "Enter their job title",
                "max_length": "The job title must be 150 characters or fewer",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user if self.instance.user_id else None
        if user is not None:
            for name in ("first_name", "last_name", "email"):
                self.initial.setdefault(name, getattr(user, name))
        # An inactive team stays offered to its current members, so that saving does not move them.
        teams = Team.objects.filter(is_active=True)
        if self.instance.team_id:
            teams = teams | Team.objects.filter(pk=self.instance.team_id)
        self.fields["team"].queryset = teams.order_by("name")
        self.fields["team"].empty_label = "No team"
        self.fields["line_manager"].queryset = staff_users(include=[self.instance.line_manager_id])
        self.helper = _helper(*self.layout_fields(), submit=self.submit_label)

    submit_label = "Save changes"

    def layout_fields(self) -> list:
        return [
            Field.text("first_name", field_width=20, autocomplete="off", spellcheck="false"),
            Field.text("last_name", field_width=20, autocomplete="off", spellcheck="false"),
            Field.text("email", field_width=30, autocomplete="off", spellcheck="false"),
            Field.text("job_title", field_width=30),
            Field.select("team"),
            Field.select("line_manager"),
            Field.checkboxes("roles", small=True),
            Field("start_date"),
            Field.checkbox("newly_qualified"),
        ]

    def clean_line_manager(self):
        return clean_line_manager(self.cleaned_data.get("line_manager"), user_id=self.instance.user_id)

    def user_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name", "email")}


class StaffCreateForm(StaffProfileForm):
    """A new member of staff: their user account and their profile; they set their own password by invitation."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in. Letters, numbers and @ . + - _ only.",
        validators=[User.username_validator],
        error_messages={
            "required": "Enter a username",
            "max_length": "The username must be 150 characters or fewer",
        },
    )
    submit_label = "Add member of staff"

    def layout_fields(self) -> list:
        username = Field.text("username", field_width=20, autocomplete="off", spellcheck="false", autocapitalize="none")
        return [username, *super().layout_fields()]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Case-insensitive: "J.Smith" and "j.smith" would be two accounts nobody could tell apart.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"The username {username} is already taken. Choose a different username")
        return username


class StaffEditForm(StaffProfileForm):
    """A member of staff's profile, including the day they left."""

    left_on = GovDateField(
        label="Leaving date",
        required=False,
        help_text="Only once they have left: a leaver keeps their history but loses every group as soon as you save.",
    )

    class Meta(StaffProfileForm.Meta):
        fields = [*StaffProfileForm.Meta.fields, "left_on"]

    def layout_fields(self) -> list:
        return [*super().layout_fields(), Field("left_on")]

    def clean_left_on(self):
        left_on = self.cleaned_data.get("left_on")
        if left_on is not None and left_on > timezone.localdate():
            # The service removes their groups at once, so a future date would cut them off early.
            raise ValidationError("The leaving date must be today or in the past. Record it on the day they leave")
        return left_on

    def clean(self):
        cleaned = super().clean()
        start_date, left_on = cleaned.get("start_date"), cleaned.get("left_on")
        if start_date and left_on and left_on < start_date:
            # On the field, so the error summary links to it (the model's constraint would be a form-wide error).
            self.add_error("left_on", "The leaving date must be the same as or after the start date")
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's sign-in form, laid out and worded as a GOV.UK form.

    AuthenticationForm passes the request to authenticate(), which django-axes needs to count failures.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Contact the QA administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # The error summary replaces browser validation and the autofocus jump past the page heading.
        self.fields["username"].widget.attrs.pop("autofocus", None)

        self.helper = FormHelper()
        # The template writes the <form> and its csrf_token, with the "next" field inside.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("username", field_width=20, autocomplete="username", spellcheck="false", autocapitalize="none"),
            Field.text("password", field_width=20, autocomplete="current-password"),
            write_button("Sign in"),
        )

    def full_clean(self):
        super().full_clean()
        # crispy-forms-gds marks text inputs with errors but not password inputs.
        if self.errors.get("password"):
            widget = self.fields["password"].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error".strip()
