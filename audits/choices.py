from django.db import models


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"
    AMENDED = "amended", "Amended"


class Grade(models.TextChoices):
    """Ofsted's four-point scale (ILACS)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Judgement(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ConferenceDecision(models.TextChoices):
    PLAN_MADE = "plan_made", "Plan made"
    PLAN_CONTINUES = "plan_continues", "Plan continues"
    PLAN_ENDS = "plan_ends", "Plan ends"


# What the recording pages say beside a process whose name in the catalogue is older than the law: the
# catalogue keeps the support tool's words (fixtures are word for word), the page says what it is now.
PROCESS_NOTES = {
    "strat-serious-case-reviews": (
        "Serious Case Reviews are now Child Safeguarding Practice Reviews (Children and Social Work Act 2017; "
        "Working Together to Safeguard Children 2023). Name the cases the review looked at by their references."
    ),
    "strat-management-reviews": "Name the cases the review looked at by their references.",
}
