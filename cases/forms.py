from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from cases.case_import import CaseImportError, case_import_plan, decode_csv

MAX_CASE_FILE_BYTES = 5 * 1024 * 1024


class CaseImportForm(forms.Form):
    """A CSV of cases to preview: validated with the same rules (and messages) as import_cases."""

    file = forms.FileField(
        label="CSV file",
        help_text="An export of the case-management system, with the columns described in the guidance.",
        error_messages={"required": "Choose a CSV file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"), Button("submit", "Preview changes"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a .csv file")
        if upload.size > MAX_CASE_FILE_BYTES:
            raise forms.ValidationError("The CSV file must be smaller than 5 MB")
        try:
            text = decode_csv(upload.read())
            self.plan = case_import_plan(text, source=upload.name)
        except CaseImportError as exc:
            raise forms.ValidationError(exc.problems) from exc
        self.text = text
        return upload
