"""The case import in the browser, for QA administrators: choose a CSV, wait while the worker checks it,
check the changes, apply or cancel, wait while the worker writes it, see what was imported.

The same validation and messages as `manage.py import_cases`. The file waits in a CaseImportJob row
(cases.import_jobs), never in the session, and the work runs in the worker (cases.tasks): a file of
100,000 rows takes longer to check and write than a web request may last. The job's page shows where
the job stands and refreshes itself (a <meta refresh>, no script) while the worker is busy.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases.choices import ImportStatus
from cases.forms import CaseImportForm
from cases.import_guidance import GUIDE, template_rows
from cases.import_jobs import (
    case_import_job_apply_request,
    case_import_job_cancel,
    case_import_job_create,
    import_progress,
)
from cases.models import CaseImportJob
from cases.tasks import case_import_check, case_import_write
from core.csv_export import csv_response
from core.queueing import send_after_commit

# Seconds between refreshes of a job's page while the worker checks or writes the file.
REFRESH_SECONDS = 2


def _guarded(*methods):
    """For QA administrators (who may add cases), answering only `methods`."""

    def decorate(view):
        view = require_http_methods(list(methods))(view)
        return login_required(permission_required("cases.add_case", raise_exception=True)(view))

    return decorate


@_guarded("GET")
def case_import_guidance(request):
    """The columns of a case CSV, what each holds and an example: the guidance the import page names."""
    context = {"guide": GUIDE, "max_mb": settings.CASE_IMPORT_MAX_MB}
    return render(request, "cases/case_import_guidance.html", context)


@_guarded("GET")
def case_import_template(request):
    """A CSV with the header row and one fictional example row, to fill in or to compare an export with."""
    header, *rows = template_rows()
    return csv_response("case-import-template", header, rows, stamped=False)


@_guarded("GET", "POST")
def case_import(request):
    form = CaseImportForm(request.POST, request.FILES) if request.method == "POST" else CaseImportForm()
    if request.method == "POST" and form.is_valid():
        job = case_import_job_create(actor=request.user, source=form.cleaned_data["file"].name, text=form.text)
        send_after_commit(case_import_check, job.pk)  # lost by the broker: case_import_resend sends it again
        return redirect(job)
    context = {"form": form, "max_mb": settings.CASE_IMPORT_MAX_MB}
    return render(request, "cases/case_import.html", context, status=400 if form.errors else 200)


@_guarded("GET", "POST")
def case_import_job(request, pk):
    """One import: checking, ready to apply (apply or cancel), writing, or ended. An administrator sees
    only their own imports (another's answers 404): the page lists children's case references."""
    job = get_object_or_404(CaseImportJob.objects.filter(created_by=request.user), pk=pk)
    if request.method == "POST":
        return _act(request, job)
    context = {"job": job, "refresh": REFRESH_SECONDS if job.is_working else None}
    if job.status == ImportStatus.APPLYING:
        done = import_progress(job)
        context |= {"done": done, "percent": int(100 * done / job.cases_total) if job.cases_total else 0}
    if job.status == ImportStatus.INVALID:
        form = CaseImportForm()
        form.errors["file"] = form.error_class(job.problems)
        context |= {"form": form, "max_mb": settings.CASE_IMPORT_MAX_MB}
        return render(request, "cases/case_import.html", context, status=400)
    return render(request, "cases/case_import_job.html", context)


def _act(request, job):
    action = request.POST.get("action")
    if action == "apply" and job.status == ImportStatus.CHECKED and not job.summary.get("is_empty"):
        if case_import_job_apply_request(actor=request.user, job=job):
            send_after_commit(case_import_write, job.pk)
    elif action == "cancel" and case_import_job_cancel(actor=request.user, job=job):
        messages.info(request, "Nothing was changed.")
        return redirect("cases:case_import")
    return redirect(job)
