"""Project-wide forms: the sign-in form."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django.contrib.auth.forms import AuthenticationForm


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
            Button("submit", "Sign in"),
        )

    def full_clean(self):
        super().full_clean()
        # crispy-forms-gds marks text inputs with errors but not password inputs.
        if self.errors.get("password"):
            widget = self.fields["password"].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error".strip()
