"""The main recording journeys in a real browser, as a person would make them: sign in through the form,
follow links and buttons from the case, fill in the record by its labels, submit, and read the result.
Each journey checks what the page says and what the database holds, history user included."""

import io
import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from playwright.sync_api import expect

from audits.choices import AuditStatus, ConferenceDecision, Judgement
from audits.models import Action, Audit, ConferenceRecord, VisitRecord
from processes.models import Process
from tests.cast import build_cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    call_command("load_processes", stdout=io.StringIO())
    return build_cast()


def outcomes(key):
    return list(Process.objects.get(key=key).outcomes.filter(is_active=True).order_by("position"))


def open_case_and_start(page, reference, process_name):
    """Cases -> the case -> "Record an audit of this case" -> the process -> start on that case."""
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Child {reference}")
    page.get_by_role("link", name="Record an audit of this case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What are you recording?")
    page.get_by_role("link", name=process_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who or what is it about?")
    # Offered from the case page, the case is already chosen.
    expect(page.get_by_label("Case", exact=True).locator("option:checked")).to_have_text(re.compile(reference))
    page.get_by_role("button", name="Start the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record: draft")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft started")


def judge(page, outcome, judgement, evidence=None):
    """Choose the judgement in the outcome's fieldset; the evidence box is labelled for its outcome."""
    page.get_by_role("group", name=outcome.text).get_by_label(judgement, exact=True).check()
    if evidence is not None:
        page.get_by_role("textbox", name=f"Evidence for: {outcome.text}").fill(evidence)


def choose(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def enter_date(page, question, day):
    """Types a date into a GOV.UK date input: the day, month and year boxes of the group `question`."""
    group = page.get_by_role("group", name=question, exact=True)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part, exact=True).fill(str(value))


def expect_date(page, question, day):
    group = page.get_by_role("group", name=question, exact=True)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        expect(group.get_by_label(part, exact=True)).to_have_value(str(value))


def test_a_team_manager_logs_a_sample_audit_of_a_case(page, sign_in, output_dir, cast):
    manager, worker = cast["tm.assessment"], cast["sw.assessment"]
    case = cast.cases["assessment"]
    first, second, third = outcomes("csc-sample-audit")
    carried_out = date.today() - timedelta(days=3)
    action_due = date.today() + timedelta(days=28)

    sign_in(manager, TEST_PASSWORD)
    open_case_and_start(page, case.reference, "Sample Audit")
    audit = Audit.objects.get(process__key="csc-sample-audit", case=case)
    assert audit.status == AuditStatus.DRAFT and audit.carried_out_by == manager

    enter_date(page, "Date carried out", carried_out)
    judge(page, first, "Met")
    judge(page, second, "Not met")  # ... but no evidence yet
    judge(page, third, "Met")
    choose(page, "Overall grade", "Requires improvement to be good")
    page.get_by_label("Summary").fill("Plan drift: the learning from the strategy meeting was not shared.")
    page.get_by_label("What must be done").fill("Share the strategy meeting's learning with the team.")
    page.get_by_label("Owner").select_option(label="Sw Assessment")
    enter_date(page, "Due by", action_due)
    page.get_by_label("Which finding it follows from").select_option(label=second.text[:90])
    page.get_by_role("button", name="Submit", exact=True).click()

    # Refused: the error summary names the outcome, and its link takes the user to that outcome's evidence box.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.screenshot(path=output_dir / "sample-audit-error.png", full_page=True)
    error_link = summary.get_by_role("link", name=re.compile("Give the evidence for the outcome not fully met"))
    expect(error_link).to_contain_text(second.text)
    error_link.click()
    evidence = page.get_by_role("textbox", name=f"Evidence for: {second.text}")
    expect(evidence).to_be_focused()
    expect(evidence).to_have_accessible_description(re.compile("Give the evidence for the outcome not fully met"))
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT and audit.submitted_at is None
    # The refused submission changed nothing but the draft, which autosave keeps as the manager types
    # (the judgements made so far); a half-typed action is never autosaved.
    assert set(audit.findings.exclude(judgement="").values_list("judgement", flat=True)) <= {"met", "not_met"}
    assert not Action.objects.filter(audit=audit).exists()

    # What was typed is still there; add the evidence and submit again.
    expect(page.get_by_label("What must be done")).to_have_value("Share the strategy meeting's learning with the team.")
    expect(page.get_by_role("group", name=second.text).get_by_label("Not met", exact=True)).to_be_checked()
    evidence.fill("No record that the learning reached the team meeting.")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sample Audit")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Submitted.")
    expect(page.get_by_role("main").locator("strong.govuk-tag").first).to_have_text("Submitted")
    findings = page.get_by_role("table", name="Findings against the required outcomes")
    not_met_row = findings.get_by_role("row").filter(has_text=second.text)
    expect(not_met_row).to_contain_text("Not met")
    expect(not_met_row).to_contain_text("No record that the learning reached the team meeting.")
    expect(page.get_by_text("Share the strategy meeting's learning with the team.")).to_be_visible()
    expect(page.get_by_text("Requires improvement to be good")).to_be_visible()
    page.screenshot(path=output_dir / "sample-audit-submitted.png", full_page=True)

    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.held_on == carried_out
    assert audit.grade == "requires_improvement"
    finding = audit.findings.get(outcome=second)
    assert finding.judgement == Judgement.NOT_MET
    assert finding.evidence == "No record that the learning reached the team meeting."
    assert sorted(audit.findings.values_list("judgement", flat=True)) == ["met", "met", "not_met"]
    action = Action.objects.get(audit=audit)
    assert action.owner == worker
    assert action.due_on == action_due
    assert action.finding == finding
    assert audit.history.first().history_user == manager


def test_an_independent_chair_records_a_child_protection_review(page, sign_in, output_dir, cast):
    chair = cast["chair"]
    case = cast.cases["assessment"]
    held = date.today() - timedelta(days=5)
    expected_next = held + relativedelta(months=6)  # the first review: the next one 6 months on

    sign_in(chair, TEST_PASSWORD)
    open_case_and_start(page, case.reference, "Child Protection Review")
    expect(page.get_by_text("Filled in from the schedule once the date held is saved.")).to_be_visible()

    enter_date(page, "Date held", held)
    choose(page, "Did the child attend, or were they seen?", "Yes")
    choose(page, "Were the child's views given?", "Yes")
    choose(page, "Was the child offered an independent advocate?", "Yes")
    choose(page, "Decision", "Plan continues")
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved.")
    expect_date(page, "Next review date", expected_next)
    # The hint says where the date came from, and is the date group's description for a screen reader.
    expect(page.get_by_role("group", name="Next review date", exact=True)).to_have_accessible_description(
        f"The schedule gives {expected_next.day} {expected_next:%B %Y}."
    )
    expect(page.get_by_role("group", name="Decision").get_by_label("Plan continues", exact=True)).to_be_checked()
    page.screenshot(path=output_dir / "review-draft-saved.png", full_page=True)

    for outcome in outcomes("aa-child-protection-review"):
        judge(page, outcome, "Met")
    page.get_by_label("The child's voice").fill("She said she feels safer now her dad has moved out.")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Child Protection Review")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Submitted.")
    record = page.locator(".govuk-summary-list")
    expect(record.locator(".govuk-summary-list__row").filter(has_text="Date held")).to_contain_text(
        f"{held.day} {held:%B %Y}"
    )
    expect(record.locator(".govuk-summary-list__row").filter(has_text="Decision")).to_contain_text("Plan continues")
    expect(record.locator(".govuk-summary-list__row").filter(has_text="Next review")).to_contain_text(
        f"{expected_next.day} {expected_next:%B %Y}"
    )
    expect(page.get_by_text("She said she feels safer now her dad has moved out.")).to_be_visible()
    page.screenshot(path=output_dir / "review-submitted.png", full_page=True)

    audit = Audit.objects.get(process__key="aa-child-protection-review", case=case)
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.held_on == held
    assert audit.child_voice == "She said she feels safer now her dad has moved out."
    record = ConferenceRecord.objects.get(audit=audit)
    assert record.decision == ConferenceDecision.PLAN_CONTINUES
    assert (record.child_attended, record.views_given, record.advocate_offered) == (True, True, True)
    assert record.next_review_on == expected_next
    assert record.next_review_computed_on == expected_next
    assert set(audit.findings.values_list("judgement", flat=True)) == {Judgement.MET}
    assert audit.history.first().history_user == chair


def test_a_social_worker_records_a_statutory_visit(page, sign_in, output_dir, cast):
    worker = cast["sw.assessment"]
    case = cast.cases["assessment"]
    visited = date.today() - timedelta(days=2)

    sign_in(worker, TEST_PASSWORD)
    open_case_and_start(page, case.reference, "Statutory visits to children in care, child in need visits")

    enter_date(page, "Date carried out", visited)
    choose(page, "Was the child seen?", "Yes")
    choose(page, "Was the child seen alone?", "Yes")
    page.get_by_label("Where did the visit take place?").fill("At school")
    for outcome in outcomes("voice-statutory-and-child-in-need-visits"):
        judge(page, outcome, "Met")
    page.get_by_label("The child's voice").fill("He wants to keep playing football on Saturdays.")
    page.screenshot(path=output_dir / "visit-form.png", full_page=True)
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statutory visits to children in care, child in need visits"
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Submitted.")
    expect(page.get_by_text("At school")).to_be_visible()
    expect(page.get_by_text("He wants to keep playing football on Saturdays.")).to_be_visible()
    page.screenshot(path=output_dir / "visit-submitted.png", full_page=True)

    audit = Audit.objects.get(process__key="voice-statutory-and-child-in-need-visits", case=case)
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.held_on == visited
    assert audit.carried_out_by == worker
    assert audit.child_voice == "He wants to keep playing football on Saturdays."
    visit = VisitRecord.objects.get(audit=audit)
    assert (visit.child_seen, visit.seen_alone, visit.location) == (True, True, "At school")
    assert set(audit.findings.values_list("judgement", flat=True)) == {Judgement.MET}
    assert audit.history.first().history_user == worker


def test_a_social_worker_may_not_log_a_sample_audit(page, sign_in, output_dir, cast):
    sign_in(cast["sw.assessment"], TEST_PASSWORD)

    response = page.goto("/audits/new/csc-sample-audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have permission to see this page")
    page.screenshot(path=output_dir / "sample-audit-refused.png", full_page=True)

    page.goto("/audits/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What are you recording?")
    expect(page.get_by_role("link", name="Statutory visits to children in care, child in need visits")).to_be_visible()
    expect(page.get_by_role("link", name="Sample Audit")).to_have_count(0)
    assert not Audit.objects.exists()
