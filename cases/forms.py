from django import forms

from cases.case_import import CaseImportError, case_import_plan, decode_csv
from core.uploads import FileUploadForm

MAX_CASE_FILE_BYTES = 5 * 1024 * 1024


class CaseImportForm(FileUploadForm):
    """A CSV of cases to preview: validated with the same rules (and messages) as import_cases."""

    file = forms.FileField(
        label="CSV file",
        help_text="An export of the case-management system, with the columns described in the guidance.",
        error_messages={"required": "Choose a CSV file"},
    )
    suffixes = (".csv",)
    suffix_ignores_case = True
    suffix_error = "The file must be a .csv file"
    max_bytes = MAX_CASE_FILE_BYTES
    size_error = "The CSV file must be smaller than 5 MB"
    accept = ".csv,text/csv"
    problems_error = CaseImportError

    def read(self, name, data):
        text = decode_csv(data)
        self.plan = case_import_plan(text, source=name)
        return text
