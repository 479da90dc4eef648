"""Upload, preview, apply or cancel: the one flow behind the catalogue upload and the case import.

1. The choose page takes a file and validates it with the form (the same rules and messages as the
   management command), then keeps the file's name and text in the session and redirects to the preview.
2. The preview page validates the stored text again with the same form (the database may have changed
   since) and shows what applying would change.
3. Apply writes through the app's service, which validates once more inside its transaction; cancel
   forgets the file. Either way nothing but the session holds the file: it is never written to disk.

A problem at any step forgets the file and shows the choose page with every problem in its error summary.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.buttons import write_button


class FileUploadForm(forms.Form):
    """A file to preview. Subclasses declare `file` (label, help, required message), the limits and
    `read()`, which turns the file's bytes into its text and keeps what the preview needs (e.g. `plan`)."""

    suffixes: tuple[str, ...] = ()
    suffix_ignores_case = False
    suffix_error = ""
    max_bytes = 0
    size_error = ""
    accept = ""
    # The app's validation error: it carries `problems`, each shown as one line of the error summary.
    # (Not `error_class`: Django's Form already uses that name for its ErrorList.)
    problems_error: type[Exception]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = self.accept
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"), write_button("Preview changes"))

    def read(self, name: str, data: bytes) -> str:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower() if self.suffix_ignores_case else upload.name
        if not name.endswith(self.suffixes):
            raise forms.ValidationError(self.suffix_error)
        # Checked before reading: the whole file is held in memory, then in the session.
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.size_error)
        try:
            self.text = self.read(upload.name, upload.read())
        except self.problems_error as exc:
            raise forms.ValidationError(exc.problems) from exc
        return upload


class UploadFlow:
    """The two pages of an upload. A subclass names its form, session key, permission, URLs and templates,
    and says how to apply a validated form; `views()` gives the choose and preview views for urls.py."""

    form_class: type[FileUploadForm]
    session_key: str
    permission: str
    choose_url: str
    preview_url: str
    choose_template: str
    preview_template: str
    # Said when the preview is opened with no file waiting, e.g. "Choose a CSV file to preview."
    choose_first: str

    def apply(self, request, form: FileUploadForm, name: str):
        """Write the changes (raising the form's problems_error if they no longer hold); return the redirect."""
        raise NotImplementedError

    def preview_context(self, form: FileUploadForm) -> dict:
        return {"plan": form.plan}

    def confirmation_problem(self, request, form: FileUploadForm) -> str | None:
        """What the person must still agree to before apply (e.g. ticking that processes will be
        deactivated), said as the error on the preview; None when nothing more is needed."""
        return None

    def choose(self, request):
        form = self.form_class(request.POST, request.FILES) if request.method == "POST" else self.form_class()
        if request.method == "POST" and form.is_valid():
            request.session[self.session_key] = {"name": form.cleaned_data["file"].name, "text": form.text}
            request.session.pop(f"{self.session_key}:applied", None)
            return redirect(self.preview_url)
        return render(request, self.choose_template, {"form": form}, status=400 if form.errors else 200)

    def preview(self, request):
        upload = request.session.get(self.session_key)
        applied = request.session.get(f"{self.session_key}:applied")
        if not upload and applied and request.method == "POST" and request.POST.get("action") == "apply":
            # The same Apply posted again (a double click): answered as the first was, nothing applied twice.
            return redirect(applied)
        if not upload:
            messages.info(request, self.choose_first)
            return redirect(self.choose_url)
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "cancel":
            del request.session[self.session_key]
            messages.info(request, "Nothing was changed.")
            return redirect(self.choose_url)
        # Validated again, by the same form: what the file refers to may have changed since the upload.
        stored = SimpleUploadedFile(upload["name"], upload["text"].encode("utf-8"))
        form = self.form_class(data={}, files={"file": stored})
        confirm_error = None
        if form.is_valid() and action == "apply" and (confirm_error := self.confirmation_problem(request, form)):
            pass  # the preview again, with the error: the file stays waiting
        elif form.is_valid() and action == "apply":
            try:
                response = self.apply(request, form, upload["name"])
            except form.problems_error as exc:  # changed between the check above and the transaction
                form.add_error("file", exc.problems)
            else:
                del request.session[self.session_key]
                request.session[f"{self.session_key}:applied"] = response["Location"]
                return response
        if form.errors:
            del request.session[self.session_key]
            return render(request, self.choose_template, {"form": form}, status=400)
        return render(
            request,
            self.preview_template,
            {**self.preview_context(form), "upload_name": upload["name"], "confirm_error": confirm_error},
            status=400 if confirm_error else 200,
        )

    def views(self):
        def guarded(view):
            view = require_http_methods(["GET", "POST"])(view)
            return login_required(permission_required(self.permission, raise_exception=True)(view))

        return guarded(self.choose), guarded(self.preview)
