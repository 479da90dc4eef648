"""The recording form, built from the process: a finding row per required outcome, then the fields
the process's form adds (conference, visit), the grade and the child's voice where the process asks,
and an optional new action."""

from uuid import uuid4

from django import forms
from django.utils.html import format_html

from audits.choices import ConferenceDecision, Grade, Judgement
from core.form_fields import GovDateField

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HINT = "For example, 27 3 2026"
TEXTAREA = forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4})


def version_field(audit) -> forms.IntegerField:
    """The record's version when the form was opened, posted back so the service can refuse a save
    made over a change the person never saw (audits.staleness)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, initial=audit.version)


def _yes_no_initial(value):
    return None if value is None else ("yes" if value else "no")


def _yes_no_value(text):
    return None if not text else text == "yes"


class AuditRecordForm(forms.Form):
    """Fields are named so that a service's ValidationError keys map straight onto them."""

    def __init__(self, *args, audit, owners, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        process = audit.process
        self.fields["version"] = version_field(audit)
        self.findings = list(audit.findings.select_related("outcome").order_by("outcome__position"))

        self.fields["held_on"] = GovDateField(
            label="Date carried out" if process.record_form != "conference" else "Date held",
            required=False,
            initial=audit.held_on,
            help_text=DATE_HINT,
        )
        self.fields["due_on"] = GovDateField(
            label="Date due",
            required=False,
            initial=audit.due_on,
            help_text=f"When this was due, if it was due by a timescale. {DATE_HINT}",
        )
        for finding in self.findings:
            self.fields[f"finding-{finding.pk}-judgement"] = forms.ChoiceField(
                label=finding.outcome.text,
                choices=Judgement.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=finding.judgement or None,
            )
            self.fields[f"finding-{finding.pk}-evidence"] = forms.CharField(
                # Every outcome has an "Evidence" box: the hidden words tell a screen reader which one.
                label=format_html('Evidence<span class="govuk-visually-hidden"> for: {}</span>', finding.outcome.text),
                required=False,
                widget=TEXTAREA,
                initial=finding.evidence,
                help_text="Required when the outcome is not met or only partly met.",
            )
        if process.record_form == "conference":
            record = audit.conference
            for name, label in (
                ("child_attended", "Did the child attend, or were they seen?"),
                ("views_given", "Were the child's views given?"),
                ("advocate_offered", "Was the child offered an independent advocate?"),
            ):
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=_yes_no_initial(getattr(record, name)),
                )
            self.fields["decision"] = forms.ChoiceField(
                label="Decision",
                choices=ConferenceDecision.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=record.decision or None,
            )
            self.fields["next_review_on"] = GovDateField(
                label="Next review date",
                required=False,
                initial=record.next_review_on,
                help_text=(
                    f"The schedule gives {record.next_review_computed_on:%-d %B %Y}."
                    if record.next_review_computed_on
                    else "Filled in from the schedule once the date held is saved."
                ),
            )
            self.fields["next_review_change_reason"] = forms.CharField(
                label="Reason for a different next review date",
                required=False,
                widget=TEXTAREA,
                initial=record.next_review_change_reason,
            )
        if process.record_form == "visit":
            record = audit.visit
            self.fields["child_seen"] = forms.ChoiceField(
                label="Was the child seen?",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                initial=_yes_no_initial(record.child_seen),
            )
            self.fields["seen_alone"] = forms.ChoiceField(
                label="Was the child seen alone?",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                initial=_yes_no_initial(record.seen_alone),
            )
            self.fields["location"] = forms.CharField(
                label="Where did the visit take place?",
                required=False,
                initial=record.location,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
                help_text="For example: at home, at school, at the contact centre.",
            )
        if process.asks_child_voice:
            self.fields["child_voice"] = forms.CharField(
                label="The child's voice",
                required=False,
                widget=TEXTAREA,
                initial=audit.child_voice,
                help_text=(
                    "What the child said about their world, in their words where possible, "
                    "or why they could not be heard."
                ),
            )
        if process.grades:
            self.fields["grade"] = forms.ChoiceField(
                label="Overall grade",
                choices=Grade.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=audit.grade or None,
            )
        self.fields["summary"] = forms.CharField(
            label="Summary",
            required=False,
            widget=TEXTAREA,
            initial=audit.summary,
        )
        self.fields["action_description"] = forms.CharField(
            label="What must be done",
            required=False,
            widget=TEXTAREA,
        )
        self.fields["action_owner"] = forms.ModelChoiceField(
            label="Owner",
            queryset=owners,
            required=False,
            empty_label="Choose the owner",
            widget=forms.Select(attrs={"class": "govuk-select"}),
        )
        self.fields["action_owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["action_due_on"] = GovDateField(
            label="Due by", name="action's due date", required=False, help_text=DATE_HINT
        )
        self.fields["action_finding"] = forms.ChoiceField(
            label="Which finding it follows from",
            required=False,
            choices=[("", "The audit as a whole")] + [(str(f.pk), f.outcome.text[:90]) for f in self.findings],
            widget=forms.Select(attrs={"class": "govuk-select"}),
        )
        if amending:
            self.fields["reason"] = forms.CharField(
                label="Reason for the amendment",
                required=True,
                widget=TEXTAREA,
                error_messages={"required": "Give the reason for the amendment"},
            )

    #
    # Grouped bound fields, for the template
    #

    def finding_rows(self):
        return [
            (finding, self[f"finding-{finding.pk}-judgement"], self[f"finding-{finding.pk}-evidence"])
            for finding in self.findings
        ]

    def section(self, *names):
        return [self[name] for name in names if name in self.fields]

    def conference_fields(self):
        return self.section(
            "child_attended",
            "views_given",
            "advocate_offered",
            "decision",
            "next_review_on",
            "next_review_change_reason",
        )

    def visit_fields(self):
        return self.section("child_seen", "seen_alone", "location")

    def action_fields(self):
        return self.section("action_description", "action_owner", "action_due_on", "action_finding")

    #
    # Validation and what the services take
    #

    def clean(self):
        data = super().clean()
        action = [data.get("action_description"), data.get("action_owner"), data.get("action_due_on")]
        if any(action) and not all(action):
            if not data.get("action_description"):
                self.add_error("action_description", "Say what must be done")
            if not data.get("action_owner"):
                self.add_error("action_owner", "Choose who owns the action")
            if not data.get("action_due_on"):
                self.add_error("action_due_on", "Enter the date the action is due by")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        audit = self.audit
        fields = {"held_on": data.get("held_on"), "due_on": data.get("due_on"), "summary": data.get("summary", "")}
        if "grade" in self.fields:
            fields["grade"] = data.get("grade") or ""
        if "child_voice" in self.fields:
            fields["child_voice"] = data.get("child_voice", "")
        findings = {
            finding.pk: {
                "judgement": data.get(f"finding-{finding.pk}-judgement") or "",
                "evidence": data.get(f"finding-{finding.pk}-evidence", ""),
            }
            for finding in self.findings
        }
        conference = visit = None
        if audit.process.record_form == "conference":
            conference = {
                "child_attended": _yes_no_value(data.get("child_attended")),
                "views_given": _yes_no_value(data.get("views_given")),
                "advocate_offered": _yes_no_value(data.get("advocate_offered")),
                "decision": data.get("decision") or "",
                "next_review_on": data.get("next_review_on"),
                "next_review_change_reason": data.get("next_review_change_reason", ""),
            }
        if audit.process.record_form == "visit":
            visit = {
                "child_seen": _yes_no_value(data.get("child_seen")),
                "seen_alone": _yes_no_value(data.get("seen_alone")),
                "location": data.get("location", ""),
            }
        new_actions = []
        if data.get("action_description"):
            finding_id = data.get("action_finding")
            new_actions.append(
                {
                    "description": data["action_description"],
                    "owner": data["action_owner"],
                    "due_on": data["action_due_on"],
                    "finding": next((f for f in self.findings if str(f.pk) == finding_id), None),
                }
            )
        return {
            "fields": fields,
            "findings": findings,
            "conference": conference,
            "visit": visit,
            "new_actions": new_actions,
            "version": data.get("version"),
        }

    def add_service_errors(self, error) -> None:
        """Put a service's ValidationError on the fields it names. A finding's problem goes on its
        judgement while it is unjudged, else on its evidence (all a judged finding can lack), so the
        message and the error summary's link are at the box to fill in."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = key
            if key.startswith("finding-"):
                judged = self.cleaned_data.get(f"{key}-judgement")
                field = f"{key}-evidence" if judged else f"{key}-judgement"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class AuditStartForm(forms.Form):
    """Choose the subject of a new record: only what the user may choose is offered."""

    def __init__(self, *args, process, cases, staff, carers=None, due_offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Started from a due item (audits.due_offers.DueOffer): its subject is the one to choose, and
        # its due date is the record's (shown, not asked).
        self.due_offer = due_offer
        kind = process.subject_kind
        if kind == "case":
            self.fields["case"] = forms.ModelChoiceField(
                label="Case",
                queryset=cases,
                empty_label="Choose a case",
                widget=forms.Select(attrs={"class": "govuk-select"}),
                error_messages={"required": "Choose the case", "invalid_choice": "Choose a case from the list"},
            )
            self.fields["case"].label_from_instance = lambda case: f"{case.reference} – {case.child_name}"
        elif kind == "staff":
            self.fields["staff_member"] = forms.ModelChoiceField(
                label="Member of staff",
                queryset=staff,
                empty_label="Choose a member of staff",
                widget=forms.Select(attrs={"class": "govuk-select"}),
                error_messages={
                    "required": "Choose the member of staff",
                    "invalid_choice": "Choose someone from the list",
                },
            )
            self.fields["staff_member"].label_from_instance = lambda user: user.get_full_name() or user.username
        elif kind == "foster_carer":
            self.fields["foster_carer"] = forms.ModelChoiceField(
                label="Which foster carer",
                queryset=carers,
                empty_label="Choose a foster carer",
                widget=forms.Select(attrs={"class": "govuk-select"}),
                error_messages={
                    "required": "Choose the foster carer",
                    "invalid_choice": "Choose a foster carer from the list",
                },
            )
            self.fields["foster_carer"].label_from_instance = lambda carer: f"{carer.name} ({carer.reference})"
        else:
            label = {"meeting": "Which meeting", "practice_review": "Which review"}.get(
                kind, "What part of the service"
            )
            self.fields["subject_label"] = forms.CharField(
                label=label,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
                error_messages={"required": "Say what this record is about"},
            )
            if kind == "practice_review":
                self.fields["subject_label"].help_text = "A name for the review that does not identify a child."
                # The references only: the review's lead sees no child's record (audits.services checks
                # each names a case, and shows nothing else of it).
                self.fields["case_references"] = forms.CharField(
                    label="The cases the review looked at",
                    help_text="Their case references, one a line or separated by commas.",
                    widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
                    error_messages={"required": "Give the reference of at least one case the review looked at"},
                )
        if due_offer is None:
            self.fields["due_on"] = GovDateField(
                label="Date due (optional)", name="date due", required=False, help_text=DATE_HINT
            )
        # One token per form shown (a callable initial is called each time): the draft keeps it, so
        # posting the same form again finds that draft (audits.services.audit_start).
        self.fields["start_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid4)

    def clean(self):
        data = super().clean()
        offer = self.due_offer
        if offer is not None:
            case, staff_member = data.get("case"), data.get("staff_member")
            if case is not None and case.pk != offer.case_id:
                self.add_error(
                    "case", "The due item is about another case: choose that case, or start from Record an audit"
                )
            if staff_member is not None and staff_member.pk != offer.staff_member_id:
                self.add_error(
                    "staff_member",
                    "The due item is about someone else: choose them, or start from Record an audit",
                )
        return data


class ModerationForm(forms.Form):
    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_field(audit)

    agreed = forms.ChoiceField(
        label="Do you agree with the grade?",
        choices=[("yes", "Yes, I agree"), ("no", "No, I would grade it differently")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree with the grade"},
    )
    grade = forms.ChoiceField(label="Moderated grade", choices=Grade.choices, required=False, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", required=False, widget=TEXTAREA)
