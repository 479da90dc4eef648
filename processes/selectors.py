"""Reads of the catalogue, for pages and the export."""

from django.db.models import Prefetch, Q

from processes.models import Area, Process, RequiredOutcome

ACTIVE_OUTCOMES = Prefetch(
    "outcomes",
    queryset=RequiredOutcome.objects.filter(is_active=True).order_by("position"),
    to_attr="active_outcomes",
)


def active_processes():
    return (
        Process.objects.filter(is_active=True)
        .select_related("area", "next_review_of", "same_act_as")
        .prefetch_related("lead_roles", ACTIVE_OUTCOMES)
        .order_by("area__number", "position")
    )


def process_search(queryset, text: str):
    """Processes whose name, lead, former names or an active outcome mention `text`."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text)
        | Q(lead__icontains=text)
        | Q(former_names__icontains=text)
        | Q(outcomes__is_active=True, outcomes__text__icontains=text)
    ).distinct()


def catalogue_export() -> list[dict]:
    """The catalogue as export_processes prints it: the tables in order, each with its active processes."""
    processes_by_area: dict[int, list[Process]] = {}
    for process in active_processes():
        processes_by_area.setdefault(process.area_id, []).append(process)
    tables = []
    for area in Area.objects.order_by("number"):
        processes = processes_by_area.get(area.pk, [])
        if not processes:
            continue
        tables.append(
            {
                "area": area.title,
                "key": area.key,
                "number": area.number,
                "preamble": area.preamble,
                "version": area.version,
                "effective_date": area.effective_date.isoformat(),
                "processes": [_process_export(process) for process in processes],
            }
        )
    return tables


def _process_export(process: Process) -> dict:
    exported = {
        "key": process.key,
        "name": process.name,
        "lead": process.lead,
        "lead_roles": [role.key for role in process.lead_roles.all()],
        "outcomes": [outcome.text for outcome in process.active_outcomes],
        "subject": process.subject_kind,
    }
    if process.schedule_rule:
        exported["schedule"] = process.schedule_rule
    if process.sample_rate is not None:
        exported["sample_rate"] = float(process.sample_rate)
    if process.former_names:
        exported["former_names"] = list(process.former_names)
    exported["recording"] = {
        "form": process.record_form,
        "grades": process.grades,
        "child_voice": process.asks_child_voice,
    }
    if process.next_review_of_id:
        exported["recording"]["next_review_of"] = process.next_review_of.key
    if process.same_act_as_id:
        exported["same_act_as"] = process.same_act_as.key
    return exported


HISTORY_FIELDS = {
    "name": "Name",
    "lead": "Lead responsibility",
    "subject_kind": "Carried out on",
    "schedule_rule": "Schedule",
    "sample_rate": "Sample rate",
    "former_names": "Former names",
    "is_active": "Active",
    "position": "Position in its table",
    "area_id": "Table",
    "key": "Key",
}


def process_amendments(process: Process) -> list[dict]:
    """The process's history, newest first: who changed what and when, in a fixed number of queries."""
    records = list(process.history.select_related("history_user").order_by("history_date", "history_id"))
    # simple-history's m2m snapshots cannot be prefetched: read them all in one query.
    roles_by_record: dict[int, list[str]] = {}
    through = Process.history.model._meta.get_field("historicalprocess_lead_roles").related_model
    for row in through.objects.filter(history__in=[r.history_id for r in records]).select_related("role"):
        roles_by_record.setdefault(row.history_id, []).append(row.role.name)
    outcome_records = list(
        RequiredOutcome.history.filter(process_id=process.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes: list[tuple] = []
    previous = None
    for record in records:
        roles = sorted(roles_by_record.get(record.history_id, []))
        if previous is None or record.history_type == "+":
            found = ["Added to the catalogue"]
        else:
            found = [
                label
                for field, label in HISTORY_FIELDS.items()
                if getattr(record, field) != getattr(previous[0], field)
            ]
            if roles != previous[1]:
                found.append("Lead roles")
        changes.append((record, found))
        previous = (record, roles)
    seen_outcomes = set()
    for record in outcome_records:
        if record.id in seen_outcomes:
            verb = "Outcome made inactive" if not record.is_active else "Outcome moved or made active"
        else:
            verb = "Outcome added"
            seen_outcomes.add(record.id)
        changes.append((record, [f"{verb}: {record.text}"]))
    return _group_by_change(changes)


def _group_by_change(changes: list[tuple]) -> list[dict]:
    """One entry per amendment: rows written by the same load share their reason and user."""
    changes.sort(key=lambda item: item[0].history_date)
    entries: list[dict] = []
    for record, found in changes:
        key = (record.history_user_id, record.history_change_reason or f"row {record.history_id}")
        if entries and entries[-1]["key"] == key:
            entries[-1]["changes"].extend(c for c in found if c not in entries[-1]["changes"])
        else:
            entries.append(
                {
                    "key": key,
                    "date": record.history_date,
                    "user": record.history_user,
                    "reason": record.history_change_reason or "",
                    "changes": list(found),
                }
            )
    for entry in entries:
        if "Added to the catalogue" in entry["changes"]:
            entry["changes"] = ["Added to the catalogue"]
        elif not entry["changes"]:
            entry["changes"] = ["Saved with no change"]
    entries.reverse()
    return entries
