from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from core.buttons import write_button
from core.uploads import FileUploadForm
from processes.catalogue_files import MAX_FIXTURE_BYTES, CatalogueError, read_tables
from processes.services import catalogue_plan


class CatalogueUploadForm(FileUploadForm):
    """A fixture file to preview: validated with the same rules (and messages) as load_processes."""

    file = forms.FileField(
        label="Fixture file",
        help_text="A table of the catalogue in YAML (as in fixtures/processes/), or an export in JSON.",
        error_messages={"required": "Choose a fixture file"},
    )
    suffixes = (".yaml", ".yml", ".json")
    suffix_error = "The fixture file must be a .yaml, .yml or .json file"
    max_bytes = MAX_FIXTURE_BYTES
    size_error = "The fixture file must be smaller than 1 MB"
    accept = ".yaml,.yml,.json"
    problems_error = CatalogueError

    def read(self, name, data):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The fixture file must be UTF-8 text") from exc
        self.tables = read_tables([(name, text)])
        # Checks against the catalogue as it stands (e.g. a schedule naming an unknown process).
        self.plan = catalogue_plan(self.tables)
        return text


class ScheduleOverrideForm(forms.Form):
    """A local rule's intervals, typed one a line, whether the last repeats, and why (QA administrators)."""

    intervals = forms.CharField(
        label="Intervals",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One interval a line, in order, for example “10 working days” then “4 weeks”. "
        "Units: working days, days, weeks, months, years.",
        error_messages={"required": "Give at least one interval, for example “10 working days”"},
    )
    repeats = forms.BooleanField(label="The last interval repeats", required=False)
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the authority departs from the default, and on whose decision. Kept in the history.",
        error_messages={"required": "Say why the authority changes this timescale, and on whose decision"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("intervals"), Field("repeats"), Field("reason"), write_button("Save the local timescale")
        )

    def clean_intervals(self):
        return [line.strip() for line in self.cleaned_data["intervals"].splitlines() if line.strip()]
