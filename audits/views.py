"""Recording pages: choose a process, choose its subject, fill in the record, submit, amend, moderate.

Anonymous -> sign in; a process the user does not lead -> 403; a subject or audit outside the
user's scope -> 404. Writes go through audits.services; a refused submission re-renders the form
with its messages and saves nothing (the whole save-and-submit is one transaction).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from audits.choices import PROCESS_NOTES, AuditStatus
from audits.due_offers import due_offer
from audits.exports import AUDIT_CSV_COLUMNS, audit_export_rows
from audits.filtersets import AuditFilterSet
from audits.forms import AuditRecordForm, AuditStartForm, ModerationForm
from audits.models import Action, Audit
from audits.rules import is_moderator, may_amend, may_edit, may_moderate, may_record, moderation_refusal
from audits.selectors import (
    action_owner_choices,
    case_choices,
    foster_carer_choices,
    recordable_processes,
    staff_choices,
)
from audits.services import action_complete, audit_amend, audit_moderate, audit_save, audit_start, audit_submit
from audits.staleness import StaleRecord
from cases.choices import AccessAction
from cases.services import access_log_record, access_log_record_export
from core.csv_export import csv_response
from core.kept_forms import keeps_typed_work, take_kept_form
from core.paging import page_of, page_query, query_number
from fostering.models import FosterCarer
from processes.models import Area, Process
from workforce.models import Team


def audits_for(user, *, break_glass: bool = False):
    """The records the user may see (Audit.objects.for_user), with what a record's pages show: every
    page about one record looks it up here, so a record outside the scope answers 404. Reading a record
    (not changing it) also reaches the records of a case opened by break glass."""
    return Audit.objects.for_user(user, break_glass=break_glass).select_related(
        "process",
        "process__area",
        "process__next_review_of",
        "case",
        "case__team",
        "staff_member",
        "foster_carer",
        "carried_out_by",
        "team",
    )


def actions_for(user):
    """The actions the user may reach: those of the records they may see, and the ones they own (the
    owner reaches their action even where the audit itself is outside their scope)."""
    return Action.objects.filter(Q(audit__in=Audit.objects.for_user(user)) | Q(owner=user)).select_related("audit")


def _log_if_case(request, audit, *, break_glass: bool = False):
    if audit.case_id:
        access_log_record(
            user=request.user,
            cases=[audit.case],
            action=AccessAction.VIEWED_AUDIT,
            path=request.path,
            break_glass=break_glass,
        )


@login_required
def audit_new(request):
    """Choose which process to record: only the processes the user's roles lead."""
    processes = list(recordable_processes(request.user).select_related("area").order_by("area__number", "position"))
    if not processes:
        raise PermissionDenied
    areas = []
    for process in processes:
        if not areas or areas[-1]["area"].pk != process.area_id:
            areas.append({"area": process.area, "processes": []})
        areas[-1]["processes"].append(process)
    case_id = query_number(request.GET.get("case"), minimum=1)  # carried on to the start page's links
    return render(request, "audits/audit_new.html", {"areas": areas, "case_id": case_id})


@login_required
@require_http_methods(["GET", "POST"])
def audit_start_view(request, key):
    process = get_object_or_404(Process, key=key, is_active=True)
    if not may_record(request.user, process):
        raise PermissionDenied
    cases = case_choices(request.user)
    initial = {}
    offered = query_number(request.GET.get("case"), minimum=1)
    if offered is not None:
        # A case offered from its own page must be in scope like any other; a `?case=` that is no
        # case id (not ASCII digits, out of range) offers none.
        initial["case"] = get_object_or_404(cases, pk=offered)
    carers = foster_carer_choices(request.user)
    offered_carer = query_number(request.GET.get("foster_carer"), minimum=1)
    if offered_carer is not None:
        # A carer offered from a due item: in scope like any other, or not found.
        initial["foster_carer"] = get_object_or_404(carers, pk=offered_carer)
    offer = None
    due_pk = query_number(request.GET.get("due"), minimum=1)
    if due_pk is not None:
        # "Record it": an open item of this process that the user may see, about the case offered (if
        # any); anything else is no item of theirs (404). The item's case is offered like any other.
        offer = due_offer(user=request.user, process=process, pk=due_pk)
        if offer is None or (offered is not None and offer.case_id != offered):
            raise Http404
        if offer.case_id is not None:
            initial["case"] = get_object_or_404(cases, pk=offer.case_id)
        if offer.staff_member_id is not None:
            initial["staff_member"] = offer.staff_member_id
    form = AuditStartForm(
        request.POST or None,
        initial=initial,
        process=process,
        cases=cases,
        staff=staff_choices(request.user),
        carers=carers,
        due_offer=offer,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = audit_start(
                actor=request.user,
                process=process,
                case=data.get("case"),
                staff_member=data.get("staff_member"),
                foster_carer=data.get("foster_carer"),
                subject_label=data.get("subject_label", ""),
                case_references=data.get("case_references", ""),
                due_on=offer.due_on if offer else data.get("due_on"),
                start_token=data.get("start_token"),
                due_item_id=offer.pk if offer else None,
            )
        except ValidationError as error:
            _add_start_errors(form, error)
        else:
            messages.success(request, "Draft started. Save it as you go; submit it when it is complete.")
            return redirect("audits:audit_edit", pk=audit.pk)
    status = 400 if form.errors else 200
    context = {"process": process, "form": form, "process_note": PROCESS_NOTES.get(process.key), "due_offer": offer}
    return render(request, "audits/audit_start.html", context, status=status)


def _add_start_errors(form, error: ValidationError) -> None:
    """A refused start's messages, on the fields they name where the form has them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _carry_current_version(form, error: StaleRecord) -> None:
    """The refused form keeps the person's input, and now carries the version they have been told
    about: saving it again after reading what changed is their decision, not a lost update."""
    form.data = form.data.copy()
    form.data["version"] = error.current_version


def _record_form_page(request, audit, *, amending):
    # After signing in again, what was typed before the session ended comes back to be checked and saved.
    kept = take_kept_form(request) if request.method == "GET" else None
    form = AuditRecordForm(request.POST or kept, audit=audit, owners=action_owner_choices(audit), amending=amending)
    if kept is not None:
        messages.info(request, "We kept what you typed; check it and save.")
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        action = request.POST.get("action", "save")
        try:
            with transaction.atomic():
                if amending:
                    audit_amend(actor=request.user, audit=audit, reason=form.cleaned_data["reason"], **arguments)
                    messages.success(request, "Amendment saved. The original is kept in the history.")
                else:
                    audit_save(actor=request.user, audit=audit, **arguments)
                    if action == "submit":
                        audit_submit(actor=request.user, audit=audit)
                        messages.success(request, "Submitted.")
                    else:
                        messages.success(request, "Draft saved.")
        except StaleRecord as error:
            audit.refresh_from_db()
            _carry_current_version(form, error)
            form.add_service_errors(error)
        except ValidationError as error:
            audit.refresh_from_db()
            form.add_service_errors(error)
        else:
            if amending or action == "submit":
                return redirect(audit)
            return redirect("audits:audit_edit", pk=audit.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    template = "audits/audit_amend.html" if amending else "audits/audit_edit.html"
    return render(request, template, {"audit": audit, "form": form}, status=status)


@keeps_typed_work
@login_required
@require_http_methods(["GET", "POST"])
def audit_edit(request, pk):
    audit = get_object_or_404(audits_for(request.user), pk=pk)
    if audit.carried_out_by_id != request.user.pk:
        raise PermissionDenied
    if not may_edit(request.user, audit):
        messages.info(request, "This record is submitted: change it by amending it.")
        return redirect(audit)
    _log_if_case(request, audit)
    return _record_form_page(request, audit, amending=False)


# The new-action boxes are left out of an autosave: a half-typed action would be added, and added
# again by the next save. "Save draft" and "Submit" add it, as without JavaScript.
AUTOSAVE_LEAVES_OUT = ("action_description", "action_owner", "action_due_on", "action_finding")


def _field_errors(form) -> dict:
    return {field: [str(message) for message in errors] for field, errors in form.errors.items()}


@require_POST
@login_required
def audit_autosave(request, pk):
    """The draft as the person types (frontend/js/autosave.js): the same form, checks and service as
    "Save draft", answered in JSON. 200 with the new version (the page's hidden field takes it, so the
    person's own "Save draft" or "Submit" is not refused as stale); 400 with the field errors, nothing
    written; 409 when the record changed elsewhere since the version posted, or is no longer a draft:
    nothing written, and the page stops saving and shows the message."""
    audit = get_object_or_404(audits_for(request.user), pk=pk)
    if audit.carried_out_by_id != request.user.pk:
        raise PermissionDenied
    if not may_edit(request.user, audit):
        message = "This record has been submitted: your changes have not been saved."
        return JsonResponse({"message": message}, status=409)
    data = request.POST.copy()
    for name in AUTOSAVE_LEAVES_OUT:
        data.pop(name, None)
    form = AuditRecordForm(data, audit=audit, owners=action_owner_choices(audit))
    if not form.is_valid():
        return JsonResponse({"errors": _field_errors(form)}, status=400)
    arguments = form.service_arguments()
    if arguments["version"] is None:
        # Without the version nothing could be compared: an autosave never overwrites blind.
        return JsonResponse({"errors": {"version": ["The form carries no version: reload the page."]}}, status=400)
    try:
        audit_save(actor=request.user, audit=audit, reason="Draft saved as typed", **arguments)
    except StaleRecord as error:
        return JsonResponse({"message": error.messages[0], "version": error.current_version}, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return JsonResponse({"errors": _field_errors(form)}, status=400)
    saved_at = timezone.localtime(audit.updated_at)
    return JsonResponse({"version": audit.version, "saved_at": f"{saved_at:%H:%M}"})


@keeps_typed_work
@login_required
@require_http_methods(["GET", "POST"])
def audit_amend_view(request, pk):
    audit = get_object_or_404(audits_for(request.user), pk=pk)
    if audit.status == AuditStatus.DRAFT:
        return redirect("audits:audit_edit", pk=audit.pk)
    if not may_amend(request.user, audit):
        raise PermissionDenied
    _log_if_case(request, audit)
    return _record_form_page(request, audit, amending=True)


@login_required
def audit_detail(request, pk):
    audit = get_object_or_404(audits_for(request.user, break_glass=True), pk=pk)
    _log_if_case(request, audit, break_glass=True)
    findings = audit.findings.select_related("outcome").order_by("outcome__position")
    actions = audit.actions.select_related("owner", "finding__outcome")
    history = audit.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "audits/audit.html",
        {
            "audit": audit,
            "findings": findings,
            "actions": actions,
            "history": history,
            "may_edit": may_edit(request.user, audit),
            "may_amend": may_amend(request.user, audit),
            "may_moderate": may_moderate(request.user, audit),
            "moderation": getattr(audit, "moderation", None),
            "process_note": PROCESS_NOTES.get(audit.process.key),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_moderate_view(request, pk):
    if not is_moderator(request.user):
        raise PermissionDenied
    audit = get_object_or_404(audits_for(request.user), pk=pk)
    refusal = moderation_refusal(request.user, audit)
    if refusal is not None:
        # The service would refuse (audits.rules): a draft, an ungraded or already moderated record,
        # one's own or one the moderator amended. No form to offer; the record page says why.
        messages.info(request, " ".join(getattr(refusal, "messages", None) or [str(refusal)]))
        return redirect(audit)
    form = ModerationForm(request.POST or None, audit=audit)
    if request.method == "POST" and form.is_valid():
        try:
            audit_moderate(
                actor=request.user,
                audit=audit,
                agreed=form.cleaned_data["agreed"] == "yes",
                grade=form.cleaned_data.get("grade", ""),
                reason=form.cleaned_data.get("reason", ""),
                version=form.cleaned_data.get("version"),
            )
        except StaleRecord as error:
            audit.refresh_from_db()
            _carry_current_version(form, error)
            form.add_error(None, error)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Moderation recorded.")
            return redirect(audit)
    _log_if_case(request, audit)
    status = 400 if form.errors else 200
    return render(request, "audits/audit_moderate.html", {"audit": audit, "form": form}, status=status)


@require_POST
@login_required
def action_done(request, pk):
    action = get_object_or_404(actions_for(request.user), pk=pk)
    try:
        action_complete(actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked as done.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect(action.audit)


#
# The audit list and its CSV
#

# What a list row and the CSV show of each related row, and no more (a process's rules and texts, a
# person's password hash and dates stay in the database).
_PEOPLE = get_user_model().objects.only("username", "first_name", "last_name")
LIST_PREFETCHES = (
    Prefetch("process", queryset=Process.objects.only("name", "area")),
    Prefetch("process__area", queryset=Area.objects.only("title")),
    Prefetch("team", queryset=Team.objects.only("name")),
    Prefetch("carried_out_by", queryset=_PEOPLE),
    Prefetch("staff_member", queryset=_PEOPLE),
    Prefetch("foster_carer", queryset=FosterCarer.objects.only("name", "reference")),
)


def _audit_list_queryset(request):
    # Joined: only the case and the moderation. The small tables (processes, areas, teams, people) come
    # by prefetch, one short query each: joined as well, PostgreSQL spent longer planning the page's
    # ten-table query than running it (bench/audits.py). Ordered as the audits_audit_held_desc index.
    queryset = (
        Audit.objects.for_user(request.user)
        .select_related("case", "moderation")
        .prefetch_related(*LIST_PREFETCHES)
        .order_by("-held_on", "-pk")
    )
    filterset = AuditFilterSet(request.GET or None, queryset=queryset)
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else queryset)


@login_required
def audit_list(request):
    filterset, audits = _audit_list_queryset(request)
    if any(value for key, value in request.GET.items() if key != "page"):
        # Filtered: one pass over the matching audits counts them and their moderations together.
        agreement = audits.aggregate(
            total=Count("pk"),
            moderated=Count("moderation"),
            agreed=Count("moderation", filter=Q(moderation__agreed=True)),
        )
    else:
        # Everything the user may see: from the per-case tallies, not a pass over every audit.
        agreement = Audit.objects.totals_for_user(request.user)
    page = page_of(request, audits, 50, count=agreement["total"])  # already counted: spares a COUNT(*)
    rate = round(100 * agreement["agreed"] / agreement["moderated"]) if agreement["moderated"] else None
    return render(
        request,
        "audits/audit_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "object_list": page.object_list,
            "page_query": page_query(request),
            "agreement": agreement,
            "agreement_rate": rate,
            "may_record": recordable_processes(request.user).exists(),
        },
    )


@login_required
def audit_export(request):
    """The filtered list as CSV, streamed: what the user may see, no child's name (references only). The
    cases it names are logged, once each, before the file is sent."""
    _, audits = _audit_list_queryset(request)
    access_log_record_export(user=request.user, queryset=audits, case_field="case", path=request.path)
    return csv_response("audits", AUDIT_CSV_COLUMNS, audit_export_rows(audits))
