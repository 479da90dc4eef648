"""The case import in the browser, for QA administrators: choose a CSV, check the changes, apply or cancel.

The same validation and messages as `manage.py import_cases`; the flow (the file's text waiting in the
session, validated again on apply) is core.uploads.UploadFlow's.
"""

from django.contrib import messages
from django.shortcuts import redirect

from cases.forms import CaseImportForm
from cases.services import case_import_apply
from core.uploads import UploadFlow

IMPORT_SESSION_KEY = "case_import"


class CaseImport(UploadFlow):
    form_class = CaseImportForm
    session_key = IMPORT_SESSION_KEY
    permission = "cases.add_case"
    choose_url = "cases:case_import"
    preview_url = "cases:case_import_preview"
    choose_template = "cases/case_import.html"
    preview_template = "cases/case_import_preview.html"
    choose_first = "Choose a CSV file to preview."

    def apply(self, request, form, name):
        plan = case_import_apply(actor=request.user, plan=form.plan)
        messages.success(request, f"Cases imported from {name}: {plan.counts_line()}.")
        return redirect("cases:case_list")


case_import, case_import_preview = CaseImport().views()
