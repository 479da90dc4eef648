"""Catalogue pages: the list by table, a process page, and the fixture upload for QA administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.uploads import UploadFlow
from processes.filtersets import ProcessFilterSet
from processes.forms import CatalogueUploadForm, ScheduleOverrideForm
from processes.models import Area, Process
from processes.overrides import override_errors
from processes.schedule_text import describe_basis, describe_schedule
from processes.schedules import effective_rule
from processes.selectors import active_processes, process_amendments
from processes.services import catalogue_apply, schedule_override_save

UPLOAD_SESSION_KEY = "catalogue_upload"


@login_required
def process_list(request):
    filterset = ProcessFilterSet(request.GET, queryset=active_processes())
    processes = list(filterset.qs)
    areas = []
    for process in processes:
        if not areas or areas[-1]["area"].pk != process.area_id:
            areas.append({"area": process.area, "processes": []})
        areas[-1]["processes"].append(process)
    return render(
        request,
        "processes/process_list.html",
        {
            "filterset": filterset,
            "areas": areas,
            "count": len(processes),
            "filtered": filterset.is_bound and any(request.GET.values()),
        },
    )


@login_required
def process_detail(request, key):
    process = get_object_or_404(active_processes().select_related("schedule_override"), key=key)
    names = dict(Process.objects.filter(is_active=True).values_list("key", "name"))
    rule = effective_rule(process)
    return render(
        request,
        "processes/process.html",
        {
            "process": process,
            "schedule": describe_schedule(rule, names),
            "schedule_basis": describe_basis(rule),
            "schedule_overridden": rule != process.schedule_rule,
            "schedule_is_local": bool(rule) and rule.get("basis") == "local",
            "amendments": process_amendments(process),
        },
    )


class CatalogueUpload(UploadFlow):
    """A fixture file checked, previewed, then applied to the catalogue (QA administrators)."""

    form_class = CatalogueUploadForm
    session_key = UPLOAD_SESSION_KEY
    permission = "processes.load_catalogue"
    choose_url = "processes:catalogue_upload"
    preview_url = "processes:catalogue_upload_preview"
    choose_template = "processes/catalogue_upload.html"
    preview_template = "processes/catalogue_upload_preview.html"
    choose_first = "Choose a fixture file to preview."

    def confirmation_problem(self, request, form):
        # The boxes carry the keys shown, so what is deactivated is what the person saw listed.
        if not form.plan.deactivated:
            return None
        if request.POST.get("confirm_deactivation") != "yes":
            return (
                f"Tick the box to confirm that {len(form.plan.deactivated)} "
                f"process{'es' if len(form.plan.deactivated) != 1 else ''} will be deactivated, or cancel"
            )
        if sorted(request.POST.getlist("deactivate")) != sorted(form.plan.deactivated_keys):
            return "The catalogue changed since this preview: check the processes that will be deactivated again"
        return None

    def apply(self, request, form, name):
        plan = catalogue_apply(form.tables, actor=request.user, deactivate=request.POST.getlist("deactivate"))
        messages.success(request, f"Catalogue updated from {name}: {plan.counts_line()}.")
        return redirect("processes:process_list")

    def preview_context(self, form):
        areas = Area.objects.filter(key__in=[loaded.table.area.key for loaded in form.tables])
        return {"plan": form.plan, "areas": areas}


catalogue_upload, catalogue_upload_preview = CatalogueUpload().views()


@login_required
@permission_required("processes.change_scheduleoverride", raise_exception=True)
@require_http_methods(["GET", "POST"])
def schedule_override_edit(request, key):
    """Change a local rule's intervals, with a reason (QA administrators). A statutory or national rule,
    or a process without one, gets the reason it cannot be changed here instead of a form."""
    process = get_object_or_404(active_processes().select_related("schedule_override"), key=key)
    refusal = override_errors(process, ["1 day"], False).get("process")
    rule = effective_rule(process)
    form = None
    if not refusal:
        initial = {"intervals": "\n".join(rule["intervals"]), "repeats": rule.get("repeats", False)}
        form = ScheduleOverrideForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                schedule_override_save(actor=request.user, process=process, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"The local timescale of {process.name} is changed.")
                return redirect("processes:process_detail", key=process.key)
    names = dict(Process.objects.filter(is_active=True).values_list("key", "name"))
    status = 400 if (form is not None and form.errors) or (refusal and request.method == "POST") else 200
    return render(
        request,
        "processes/schedule_override.html",
        {
            "process": process,
            "form": form,
            "refusal": refusal,
            "default_schedule": describe_schedule(process.schedule_rule, names) if process.schedule_rule else "",
            "schedule": describe_schedule(rule, names) if rule else "",
        },
        status=status,
    )
