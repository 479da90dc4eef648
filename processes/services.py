"""Writes to the catalogue: plan what a set of fixtures would change, then apply it in one transaction."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.history import save_with_history
from processes.catalogue_files import CatalogueError, LoadedTable
from processes.change_words import FieldChange, field_change
from processes.fixture_schema import ProcessEntry
from processes.models import Area, Process, ProcessGroupObjectPermission, RequiredOutcome, Role, ScheduleOverride
from processes.overrides import override_errors
from processes.roles import ROLES, expand_role_keys

SYSTEM_USERNAME = "system"
RECORD_PERMISSION = "record_process"


FIELD_LABELS = {
    "key": "key",
    "area": "table",
    "position": "position in its table",
    "name": "name",
    "lead": "lead responsibility",
    "lead_roles": "lead roles",
    "subject_kind": "carried out on",
    "schedule_rule": "schedule",
    "sample_rate": "sample rate",
    "former_names": "former names",
    "record_form": "record form",
    "grades": "grading",
    "asks_child_voice": "child's voice",
    "next_review_of": "next review of",
    "same_act_as": "same act as",
    "is_active": "made active again",
    "outcomes": "outcomes",
}


@dataclass
class ProcessChange:
    key: str
    name: str
    fields: list[str]
    now: dict = field(default_factory=dict)  # the differing fields' values in the catalogue
    in_file: dict = field(default_factory=dict)  # and in the file

    @property
    def labels(self) -> list[str]:
        return [FIELD_LABELS[name] for name in self.fields]

    @property
    def differences(self) -> list[FieldChange]:
        """Each differing field in words, the catalogue's beside the file's (the upload's preview)."""
        return [
            field_change(FIELD_LABELS[name], name, self.now.get(name), self.in_file.get(name)) for name in self.fields
        ]


@dataclass
class CataloguePlan:
    """What applying the fixtures would do; empty when the database already matches them."""

    tables: list[LoadedTable]
    areas_added: list[str] = field(default_factory=list)
    areas_changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[ProcessChange] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # The keys of `deactivated`, in the same order: what a caller agrees to when it allows them.
    deactivated_keys: list[str] = field(default_factory=list)
    # entry key -> existing process (matched by key, or by a former name)
    matches: dict[str, Process] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.areas_added or self.areas_changed or self.added or self.changed or self.renamed or self.deactivated
        )

    def summary_lines(self) -> list[str]:
        lines = [f"area added: {title}" for title in self.areas_added]
        lines += [f"area changed: {title}" for title in self.areas_changed]
        lines += [f"added: {name}" for name in self.added]
        lines += [f"renamed: {old} -> {new}" for old, new in self.renamed]
        lines += [f"changed: {change.name} ({', '.join(change.labels)})" for change in self.changed]
        lines += [f"deactivated: {name}" for name in self.deactivated]
        return lines

    def counts_line(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.renamed)} renamed, "
            f"{len(self.deactivated)} deactivated"
        )


#
# Planning (reads only)
#


def _entry_values(entry: ProcessEntry, area_key: str, position: int) -> dict:
    return {
        "area": area_key,
        "position": position,
        "name": entry.name,
        "lead": entry.lead,
        "lead_roles": expand_role_keys(entry.lead_roles),
        "subject_kind": entry.subject,
        "schedule_rule": entry.schedule.model_dump(mode="json", exclude_none=True) if entry.schedule else None,
        "sample_rate": None
        if entry.sample_rate is None
        else Decimal(str(entry.sample_rate)).quantize(Decimal("0.001")),
        "former_names": list(entry.former_names),
        **_recording_values(entry.resolved_recording()),
        "next_review_of": entry.recording.next_review_of,
        "same_act_as": entry.same_act_as,
        "is_active": True,
        "outcomes": list(entry.outcomes),
    }


def _recording_values(recording: dict) -> dict:
    return {
        "record_form": recording["form"],
        "grades": recording["grades"],
        "asks_child_voice": recording["child_voice"],
    }


def _process_values(process: Process) -> dict:
    return {
        "area": process.area.key,
        "position": process.position,
        "name": process.name,
        "lead": process.lead,
        "lead_roles": [role.key for role in process.lead_roles.all()],
        "subject_kind": process.subject_kind,
        "schedule_rule": process.schedule_rule,
        "sample_rate": process.sample_rate,
        "former_names": list(process.former_names),
        "record_form": process.record_form,
        "grades": process.grades,
        "asks_child_voice": process.asks_child_voice,
        "next_review_of": process.next_review_of.key if process.next_review_of_id else None,
        "same_act_as": process.same_act_as.key if process.same_act_as_id else None,
        "is_active": process.is_active,
        "outcomes": [outcome.text for outcome in process.outcomes.all() if outcome.is_active],
    }


def _area_values(table) -> dict:
    area = table.area
    return {
        "number": area.number,
        "title": area.title,
        "preamble": area.preamble,
        "version": table.version,
        "effective_date": table.effective_date,
    }


def catalogue_plan(tables: list[LoadedTable]) -> CataloguePlan:
    """Compare fixtures with the database. Processes are deactivated only in the tables loaded."""
    plan = CataloguePlan(tables=tables)
    existing = list(
        Process.objects.select_related("area", "next_review_of", "same_act_as")
        .prefetch_related("lead_roles", "outcomes")
        .order_by("pk")
    )
    by_key = {process.key: process for process in existing}
    areas = {area.key: area for area in Area.objects.all()}
    loaded_keys = {entry.key for loaded in tables for entry in loaded.table.processes}
    problems = []

    for loaded in tables:
        table = loaded.table
        area = areas.get(table.area.key)
        if area is None:
            plan.areas_added.append(table.area.title)
        elif any(getattr(area, name) != value for name, value in _area_values(table).items()):
            plan.areas_changed.append(table.area.title)

        for position, entry in enumerate(table.processes, start=1):
            process = by_key.get(entry.key)
            if process is None:
                former = [p for p in existing if p.name in entry.former_names and p.key not in loaded_keys]
                if len(former) > 1:
                    problems.append(
                        f"{loaded.source}: process {entry.key!r}: former names match more than one process "
                        f"({', '.join(p.key for p in former)})"
                    )
                    continue
                process = former[0] if former else None
            if process is None:
                plan.added.append(entry.name)
                continue
            plan.matches[entry.key] = process
            wanted = _entry_values(entry, table.area.key, position)
            current = _process_values(process)
            if process.key != entry.key:
                current["key"], wanted["key"] = process.key, entry.key
            if process.name != entry.name and process.name in entry.former_names:
                plan.renamed.append((process.name, entry.name))
                current.pop("name"), wanted.pop("name")
            differing = [name for name in wanted if wanted[name] != current.get(name)]
            if differing:
                plan.changed.append(
                    ProcessChange(
                        entry.key,
                        entry.name,
                        differing,
                        now={name: current.get(name) for name in differing},
                        in_file={name: wanted[name] for name in differing},
                    )
                )

        for entry in table.processes:
            rule = entry.schedule
            if (
                rule
                and rule.after_process
                and rule.after_process not in loaded_keys
                and rule.after_process not in by_key
            ):
                problems.append(
                    f"{loaded.source}: process {entry.key!r}: schedule.after_process: "
                    f"unknown process {rule.after_process!r}"
                )
            if entry.same_act_as and entry.same_act_as not in loaded_keys and entry.same_act_as not in by_key:
                problems.append(
                    f"{loaded.source}: process {entry.key!r}: same_act_as: unknown process {entry.same_act_as!r}"
                )

    loaded_areas = {loaded.table.area.key for loaded in tables}
    matched = {process.pk for process in plan.matches.values()}
    for process in existing:
        if process.is_active and process.area.key in loaded_areas and process.pk not in matched:
            plan.deactivated.append(process.name)
            plan.deactivated_keys.append(process.key)
    if problems:
        raise CatalogueError(problems)
    return plan


#
# Applying (writes, one transaction)
#


def system_user():
    """The acting user for changes no person made (commands run without --user)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "System", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _save(instance, actor, reason="", **kwargs):
    instance._history_user = actor
    instance._change_reason = reason
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save(**kwargs)


def roles_sync(*, actor) -> dict[str, Role]:
    """Make sure every role of processes.roles has its Role row, its group and its model permissions."""
    roles = {role.key: role for role in Role.objects.select_related("group")}
    for position, definition in enumerate(ROLES, start=1):
        role = roles.get(definition.key)
        values = {
            "name": definition.name,
            "scope": definition.scope,
            "is_manager": definition.manager,
            "position": position,
        }
        if role is None:
            group, _ = Group.objects.get_or_create(name=definition.name)
            role = Role(key=definition.key, group=group, **values)
            _save(role, actor)
            roles[role.key] = role
        elif any(getattr(role, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(role, name, value)
            _save(role, actor)
            if role.group.name != definition.name:
                role.group.name = definition.name
                role.group.save(update_fields=["name"])
        wanted = set()
        for dotted in definition.model_permissions:
            app_label, codename = dotted.split(".")
            wanted.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        current = set(role.group.permissions.all())
        if wanted != current:
            role.group.permissions.set(wanted)
    return roles


class DeactivationNotAgreed(CatalogueError):
    """Loading would deactivate processes the caller did not agree to deactivate (`names`, `keys`)."""

    def __init__(self, names: list[str], keys: list[str]):
        self.names, self.keys = names, keys
        super().__init__(
            [
                f"this would deactivate {len(names)} process{'es' if len(names) != 1 else ''} that the files no "
                f"longer list: {', '.join(names)}"
            ]
        )


# The transaction-level advisory lock that one catalogue load at a time holds: "CATA".
CATALOGUE_LOCK = 0x43415441


@transaction.atomic
def catalogue_apply(tables: list[LoadedTable], *, actor=None, deactivate=()) -> CataloguePlan:
    """Load validated fixtures: upsert areas and processes by key, rename, deactivate, sync permissions.

    A process of a loaded table that the files no longer list goes inactive only if its key is in
    `deactivate` (what the person loading agreed to, having been shown the list): a file cut short at an
    entry boundary is valid YAML and would otherwise retire every process after the cut without a word.
    Every history row of one load carries the same reason (the files and the time), so a process page
    can show one load as one amendment.
    """
    actor = actor or system_user()
    if connection.vendor == "postgresql":
        # Two loads at once (a double-clicked Apply, two administrators) take turns: the second plans
        # against what the first committed, so it writes only what still differs (usually nothing)
        # rather than inserting the same new processes and failing on their unique keys.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATALOGUE_LOCK])
    plan = catalogue_plan(tables)
    if not_agreed := [key for key in plan.deactivated_keys if key not in set(deactivate)]:
        names = [name for name, key in zip(plan.deactivated, plan.deactivated_keys, strict=True) if key in not_agreed]
        raise DeactivationNotAgreed(names, not_agreed)
    sources = sorted({Path(loaded.source).name for loaded in tables})
    reason = f"Loaded from {', '.join(sources)} at {timezone.localtime():%Y-%m-%d %H:%M:%S.%f}"
    roles = roles_sync(actor=actor)
    areas = {area.key: area for area in Area.objects.all()}

    for loaded in tables:
        table = loaded.table
        area = areas.get(table.area.key) or Area(key=table.area.key)
        values = _area_values(table)
        if area.pk is None or any(getattr(area, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            _save(area, actor, reason)
        areas[area.key] = area

        for position, entry in enumerate(table.processes, start=1):
            _process_upsert(entry, area, position, plan.matches.get(entry.key), roles, actor, reason)

    # A second pass: a conference may set the next review of a process loaded after it.
    # So may a process be the same act as one loaded after it.
    by_key = {process.key: process for process in Process.objects.select_related("next_review_of")}
    for loaded in tables:
        for entry in loaded.table.processes:
            process = by_key[entry.key]
            target = by_key[entry.recording.next_review_of] if entry.recording.next_review_of else None
            same = by_key[entry.same_act_as] if entry.same_act_as else None
            if process.next_review_of_id != (target.pk if target else None) or process.same_act_as_id != (
                same.pk if same else None
            ):
                process.next_review_of, process.same_act_as = target, same
                _save(process, actor, reason)

    loaded_areas = {loaded.table.area.key for loaded in tables}
    loaded_keys = {entry.key for loaded in tables for entry in loaded.table.processes}
    for process in Process.objects.filter(area__key__in=loaded_areas, is_active=True).exclude(key__in=loaded_keys):
        process.is_active = False
        _save(process, actor, reason)

    permissions_sync()
    return plan


def _process_upsert(entry: ProcessEntry, area: Area, position: int, process, roles, actor, reason) -> Process:
    wanted = _entry_values(entry, area.key, position)
    if process is None:
        process = Process(key=entry.key)
        current = None
    else:
        current = _process_values(process)
    scalar = {
        "position": position,
        "name": entry.name,
        "lead": entry.lead,
        "subject_kind": entry.subject,
        "schedule_rule": wanted["schedule_rule"],
        "sample_rate": wanted["sample_rate"],
        "former_names": wanted["former_names"],
        "record_form": wanted["record_form"],
        "grades": wanted["grades"],
        "asks_child_voice": wanted["asks_child_voice"],
        "is_active": True,
    }
    if (
        current is None
        or process.key != entry.key
        or process.area_id != area.pk
        or any(current[name] != value for name, value in scalar.items())
    ):
        process.key = entry.key
        process.area = area
        for name, value in scalar.items():
            setattr(process, name, value)
        _save(process, actor, reason)
    if current is None or current["lead_roles"] != wanted["lead_roles"]:
        process._history_user = actor
        process._change_reason = reason
        process.lead_roles.set([roles[key] for key in wanted["lead_roles"]])
    if current is None or current["outcomes"] != wanted["outcomes"]:
        _outcomes_sync(process, entry.outcomes, actor, reason)
    return process


def _outcomes_sync(process: Process, texts: list[str], actor, reason) -> None:
    """Outcomes are matched by their text: new wording is a new outcome, dropped wording goes inactive.

    Findings recorded against an outcome keep the wording they were judged against.
    """
    existing = {outcome.text: outcome for outcome in process.outcomes.all()}
    for position, text in enumerate(texts, start=1):
        outcome = existing.pop(text, None) or RequiredOutcome(process=process, text=text)
        if outcome.pk is None or outcome.position != position or not outcome.is_active:
            outcome.position = position
            outcome.is_active = True
            _save(outcome, actor, reason)
    for outcome in existing.values():
        if outcome.is_active:
            outcome.is_active = False
            _save(outcome, actor, reason)


def permissions_sync() -> None:
    """Grant each lead role's group "record this process" on it; remove grants no fixture gives."""
    permission = Permission.objects.get(content_type__app_label="processes", codename=RECORD_PERMISSION)
    wanted = set(
        Process.lead_roles.through.objects.filter(process__is_active=True).values_list("process_id", "role__group_id")
    )
    current = dict(
        ((row.content_object_id, row.group_id), row.pk)
        for row in ProcessGroupObjectPermission.objects.filter(permission=permission).only(
            "pk", "content_object_id", "group_id"
        )
    )
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    if stale:
        ProcessGroupObjectPermission.objects.filter(pk__in=stale).delete()
    missing = wanted - set(current)
    ProcessGroupObjectPermission.objects.bulk_create(
        ProcessGroupObjectPermission(content_object_id=process_id, group_id=group_id, permission=permission)
        for process_id, group_id in sorted(missing)
    )


#
# Local schedule rules
#


@transaction.atomic
def schedule_override_save(*, actor, process: Process, intervals: list[str], repeats: bool, reason: str):
    """Change a local rule's intervals (and whether the last repeats), with the reason in the row and in
    its history. Statutory and national rules, and processes without a rule, are refused with the same
    messages as the admin (`override_errors`). Returns the ScheduleOverride."""
    errors = override_errors(process, intervals, repeats)
    if not reason.strip():
        errors["reason"] = ["Say why the authority changes this timescale, and on whose decision."]
    if errors:
        raise ValidationError(errors)
    override = ScheduleOverride.objects.select_for_update().filter(process=process).first()
    override = override or ScheduleOverride(process=process)
    override.intervals, override.repeats, override.reason = intervals, repeats, reason.strip()
    return save_with_history(override, actor=actor, reason=reason.strip())
