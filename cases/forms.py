from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings

from cases.choices import BreakGlassOutcome
from cases.csv_files import CaseImportError, decode_csv, refuse_nul_characters
from cases.services import break_glass_reason_problem
from core.buttons import write_button
from core.uploads import FileUploadForm


class CaseImportForm(FileUploadForm):
    """A CSV of cases to import. Here only its name, size, encoding and NUL characters are checked: the worker validates
    its rows with the same rules (and messages) as import_cases (cases.import_jobs), since a large file
    takes longer than a web request may last."""

    file = forms.FileField(
        label="CSV file",
        help_text="An export of the case-management system, with the columns 'How to prepare a case CSV' describes.",
        error_messages={"required": "Choose a CSV file"},
    )
    suffixes = (".csv",)
    suffix_ignores_case = True
    suffix_error = "The file must be a .csv file"
    accept = ".csv,text/csv"
    problems_error = CaseImportError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.CASE_IMPORT_MAX_MB * 1024 * 1024
        self.size_error = f"The CSV file must be smaller than {settings.CASE_IMPORT_MAX_MB} MB"
        self.helper.layout = Layout(Field("file"), write_button("Check the file"))

    def read(self, name, data):
        text = decode_csv(data)
        refuse_nul_characters(text)  # the file waits in the database, which holds no NUL
        return text


class BreakGlassForm(forms.Form):
    """A case reference and the reason for opening it from outside one's scope (break glass)."""

    reference = forms.CharField(
        label="Case reference",
        max_length=40,
        error_messages={
            "required": "Enter the case reference",
            "max_length": "A case reference is 40 characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="Why do you need this case?",
        help_text=(
            "For example: covering for an absent manager, or an urgent strategy discussion. "
            "Your reason is shown to the QA administrators, who review every access."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
        required=False,  # the service says what a reason needs, in its own words
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("reference"), Field("reason"), write_button("Open the case"))

    def clean_reason(self):
        problem = break_glass_reason_problem(self.cleaned_data["reason"])
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data["reason"]


class BreakGlassReviewForm(forms.Form):
    """A QA administrator's review of one access from outside a person's scope."""

    review_outcome = forms.ChoiceField(
        label="Was the access justified?",
        choices=BreakGlassOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the access was justified"},
    )
    review_note = forms.CharField(
        label="Note",
        help_text="Required when the access was not justified: say what was done about it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("review_outcome"), Field("review_note"), write_button("Record the review"))
