"""Helpers of the recording tests (tests/audits/test_views_*.py, test_tally.py): records made through
the services, the record form's POST data, and a snapshot of every recording row."""

from datetime import date, timedelta

from django.utils import timezone

from audits.models import Action, Audit, ConferenceRecord, Finding, Moderation, VisitRecord
from audits.services import audit_save, audit_start, audit_submit
from processes.models import Process
from tests.cast import ROLE_NAMES

SEES_ASSESSMENT_CASE = {"qa.admin", "hos", "tm.assessment", "sw.assessment", "chair"}
MODERATORS = {"qa.admin", "hos"}


def answers(default: int, **by_status: set[str]) -> dict[str, int]:
    """Expected status per role: answers(404, ok={...}, forbidden={...})."""
    codes = {"ok": 200, "redirect": 302, "bad": 400, "forbidden": 403}
    expected = dict.fromkeys(ROLE_NAMES, default)
    for name, roles in by_status.items():
        expected |= dict.fromkeys(roles, codes[name])
    return expected


def process(key) -> Process:
    return Process.objects.get(key=key)


def a_week_ago() -> date:
    return timezone.localdate() - timedelta(days=7)


def completed(audit, **fields) -> dict:
    """Service arguments that make `audit` complete: every outcome met, dated, graded if it grades."""
    values = {"held_on": a_week_ago(), "summary": "Checked.", **fields}
    if audit.process.grades:
        values.setdefault("grade", "good")
    if audit.process.asks_child_voice:
        values.setdefault("child_voice", "Said school is going well.")
    findings = {finding.pk: {"judgement": "met", "evidence": ""} for finding in audit.findings.all()}
    return {"fields": values, "findings": findings}


def record(actor, key, *, submit=True, not_met=False, action_owner=None, **subject) -> Audit:
    """An audit through the services: started, completed and (unless submit=False) submitted."""
    audit = audit_start(actor=actor, process=process(key), **subject)
    if not submit:
        return audit
    arguments = completed(audit)
    if not_met:
        first = audit.findings.order_by("outcome__position").first()
        arguments["findings"][first.pk] = {"judgement": "not_met", "evidence": "No plan on file."}
    if action_owner:
        arguments["new_actions"] = [
            {
                "description": "Write the plan",
                "owner": action_owner,
                "due_on": timezone.localdate() + timedelta(days=14),
            }
        ]
    audit_save(actor=actor, audit=audit, **arguments)
    return audit_submit(actor=actor, audit=audit)


DATE_FIELDS = ("held_on", "due_on", "next_review_on", "action_due_on")


def date_parts(name: str, value) -> dict:
    """A GOV.UK date input's three boxes (day, month, year) for an ISO date, a date or blank."""
    if not value:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    year, month, day = str(value).split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def form_data(audit, *, action="save", judgement="met", **overrides) -> dict:
    """What the record form posts when every field is filled in. Dates may be given as ISO dates."""
    data = {"action": action, "held_on": a_week_ago().isoformat(), "due_on": "", "summary": "Checked."}
    for finding in audit.findings.all():
        data[f"finding-{finding.pk}-judgement"] = judgement
        data[f"finding-{finding.pk}-evidence"] = ""
    if audit.process.grades:
        data["grade"] = "good"
    if audit.process.asks_child_voice:
        data["child_voice"] = "Said school is going well."
    data |= overrides
    for name in DATE_FIELDS:
        if name in data:
            data |= date_parts(name, data.pop(name))
    return data


def snapshot() -> dict:
    """Every recording row and history count: equal before and after means nothing was written."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Audit, Finding, Action, ConferenceRecord, VisitRecord, Moderation)
    }
    history = {f"{model.__name__} history": model.history.count() for model in (Audit, Finding, Action, Moderation)}
    return rows | history


def error_summary(response) -> str:
    """The page's content, once it is known to carry the GOV.UK error summary and "Error:" title."""
    content = response.content.decode()
    assert "<title>Error: " in content
    assert 'class="govuk-error-summary"' in content
    assert "There is a problem" in content
    return content
