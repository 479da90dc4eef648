from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from processes.catalogue_files import CatalogueError, read_tables
from processes.services import catalogue_plan

MAX_FIXTURE_BYTES = 1024 * 1024


class CatalogueUploadForm(forms.Form):
    """A fixture file to preview: validated with the same rules (and messages) as load_processes."""

    file = forms.FileField(
        label="Fixture file",
        help_text="A table of the catalogue in YAML (as in fixtures/processes/), or an export in JSON.",
        error_messages={"required": "Choose a fixture file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".yaml,.yml,.json"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"), Button("submit", "Preview changes"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError("The fixture file must be a .yaml, .yml or .json file")
        if upload.size > MAX_FIXTURE_BYTES:
            raise forms.ValidationError("The fixture file must be smaller than 1 MB")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The fixture file must be UTF-8 text") from exc
        try:
            self.tables = read_tables([(upload.name, text)])
            # Checks against the catalogue as it stands (e.g. a schedule naming an unknown process).
            catalogue_plan(self.tables)
        except CatalogueError as exc:
            raise forms.ValidationError(exc.problems) from exc
        self.text = text
        return upload
