"""Lost updates: a record's writes are refused when the form was opened at an older version.

Every write of an audit takes its row lock (`select_for_update`) and adds one to `Audit.version`; the
forms carry the version they were opened at. A save from an older version would overwrite what the
person never saw (a moderator agreeing a grade the author has since changed), so it is refused with
`StaleRecord`, whose message says who changed what since, read from the history rows written after
that version (the audit's own, its findings' and its new actions).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from audits.choices import AuditStatus, Grade, Judgement
from audits.models import Action, Audit, Finding

# The audit's fields a form shows, with how a message names them and shows their values.
TRACKED_FIELDS = {
    "status": ("the status", dict(AuditStatus.choices)),
    "grade": ("the grade", dict(Grade.choices)),
    "held_on": ("the date carried out", None),
    "due_on": ("the date due", None),
    "summary": ("the summary", None),
    "child_voice": ("the child's voice", None),
}
LONG_TEXT = {"summary", "child_voice"}  # named, not quoted: a paragraph in a message helps no one


class StaleRecord(ValidationError):
    """The form was opened at an older version of the record. `current_version` is the version now,
    which the re-rendered form carries, so a save after reading the message is deliberate."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version


def lock_current(audit: Audit, *, seen_version: int | None, actor=None, who_may=None) -> Audit:
    """Take the record's row lock, reload `audit` as committed, and refuse a stale form's write.

    `who_may(audit)` raises when the actor may not make this write at all; it runs before the versions
    are compared, so a refusal never tells someone who may not write what changed. `seen_version` None
    means the caller carries no version (a service called in code): nothing to compare, but the row is
    still locked and reloaded, so the write starts from the latest state."""
    current = Audit.objects.select_for_update().filter(pk=audit.pk).values_list("version", flat=True).get()
    audit.refresh_from_db()
    if who_may is not None:
        who_may(audit)
    if seen_version is not None and current != seen_version:
        raise StaleRecord(changes_since(audit, seen_version, reader=actor), current_version=current)
    return audit


# A second POST of the same form within this long after the first is a double click, not a stale tab.
RESUBMIT_WINDOW = timedelta(seconds=10)


def is_identical_resubmit(
    audit: Audit, *, actor, seen_version, fields, findings, conference, visit, new_actions
) -> bool:
    """The same "Save draft" posted again (a double click whose second POST left before the first's
    answer): the form's version is the one just before the latest write, that write is the same
    person's, made moments ago, and the record already holds exactly what the form posts (its new action
    too). Answering it as a success writes nothing and refuses nothing. `audit` is as committed (called
    under its row lock, after lock_current reloaded it)."""
    if seen_version is None or seen_version != audit.version - 1 or audit.status != AuditStatus.DRAFT:
        return False
    latest = audit.history.order_by("-history_date", "-history_id").first()
    if latest is None or latest.history_user_id != actor.pk or timezone.now() - latest.history_date > RESUBMIT_WINDOW:
        return False
    if any(getattr(audit, name) != value for name, value in fields.items()):
        return False
    saved = {finding.pk: finding for finding in audit.findings.all()}
    for finding_id, values in findings.items():
        finding = saved.get(finding_id)
        if finding is None or any(getattr(finding, name) != value for name, value in values.items()):
            return False
    for record, values in ((getattr(audit, "conference", None), conference), (getattr(audit, "visit", None), visit)):
        if values is not None and (record is None or any(getattr(record, n) != v for n, v in values.items())):
            return False
    for values in new_actions or []:
        made = Action.objects.filter(
            audit_id=audit.pk,
            description=values["description"],
            owner=values["owner"],
            due_on=values["due_on"],
            created_at__gte=latest.history_date - RESUBMIT_WINDOW,
        )
        if not made.exists():
            return False
    return True


def bump(audit: Audit) -> None:
    """One more write of the record (called under its row lock, just before it is saved)."""
    audit.version += 1


def _shown(value, labels) -> str:
    if value in (None, ""):
        return "blank"
    if labels is not None:
        return labels.get(value, str(value))
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _person(user, *, reader) -> str:
    if user is None:
        return "someone"
    if reader is not None and user.pk == reader.pk:
        return "you (in another tab or window, or with a second click)"
    return user.get_full_name() or user.username


def changes_since(audit: Audit, seen_version: int, *, reader=None) -> str:
    """In plain words: who changed what on the record after `seen_version` (the version a form
    showed), comparing the history row of that version with the record as it is now."""
    history = audit.history.select_related("history_user").order_by("history_date", "history_id")
    seen = history.filter(version=seen_version).last()
    later = list(history.filter(version__gt=seen_version))
    if seen is None or not later:
        return (
            "This record has changed since you opened this form. Your changes have not been saved: "
            "check the record and save again."
        )
    since = later[0].history_date
    changes = []
    for name, (label, labels) in TRACKED_FIELDS.items():
        before, after = getattr(seen, name), getattr(audit, name)
        if before == after:
            continue
        if name in LONG_TEXT:
            changes.append(f"changed {label}")
        else:
            changes.append(f"changed {label} from {_shown(before, labels)} to {_shown(after, labels)}")
    judgements = dict(Judgement.choices)
    changed_findings = (
        Finding.history.filter(audit_id=audit.pk, history_date__gte=since, history_type="~")
        .values_list("id", flat=True)
        .distinct()
    )
    for finding in Finding.objects.filter(pk__in=changed_findings).select_related("outcome"):
        changes.append(f"changed the finding on “{finding.outcome.text}” (now {_shown(finding.judgement, judgements)})")
    added = Action.objects.filter(audit_id=audit.pk, created_at__gte=since).count()
    if added:
        changes.append("added an action" if added == 1 else f"added {added} actions")
    people = []
    for row in later:
        name = _person(row.history_user, reader=reader)
        if name not in people:
            people.append(name)
    what = _joined(changes) if changes else "saved it"
    return (
        f"Since you opened this form, {_joined(people)} {what}. Your changes have not been saved: "
        "check them against the record and save again."
    )


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
