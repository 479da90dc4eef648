"""The case import in the browser, for QA administrators: choose a CSV, check the changes, apply or cancel.

The same validation and messages as `manage.py import_cases`. The file's text waits in the session
between the preview and the apply, and is validated again on apply (the database may have changed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.case_import import CaseImportError
from cases.forms import CaseImportForm
from cases.services import case_import_apply

IMPORT_SESSION_KEY = "case_import"


@login_required
@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_import(request):
    form = CaseImportForm(request.POST, request.FILES) if request.method == "POST" else CaseImportForm()
    if request.method == "POST" and form.is_valid():
        request.session[IMPORT_SESSION_KEY] = {"name": form.cleaned_data["file"].name, "text": form.text}
        return redirect("cases:case_import_preview")
    return render(request, "cases/case_import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_import_preview(request):
    upload = request.session.get(IMPORT_SESSION_KEY)
    if not upload:
        messages.info(request, "Choose a CSV file to preview.")
        return redirect("cases:case_import")
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        del request.session[IMPORT_SESSION_KEY]
        messages.info(request, "Nothing was changed.")
        return redirect("cases:case_import")
    # Validated again, by the same form: teams, people and cases may have changed since the upload.
    stored = SimpleUploadedFile(upload["name"], upload["text"].encode("utf-8"), content_type="text/csv")
    form = CaseImportForm(data={}, files={"file": stored})
    if form.is_valid() and action == "apply":
        try:
            plan = case_import_apply(actor=request.user, plan=form.plan)
        except CaseImportError as exc:  # changed between the check above and the transaction
            form.add_error("file", exc.problems)
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(request, f"Cases imported from {upload['name']}: {plan.counts_line()}.")
            return redirect("cases:case_list")
    if form.errors:
        del request.session[IMPORT_SESSION_KEY]
        return render(request, "cases/case_import.html", {"form": form}, status=400)
    return render(request, "cases/case_import_preview.html", {"plan": form.plan, "upload_name": upload["name"]})
