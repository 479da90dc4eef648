"""Choices of the journey facts, as the case-management systems (and the DfE's CLA and CIN returns) name them."""

from django.db import models


class FactSource(models.TextChoices):
    """Where a fact came from: the case-management system (import_events) or a record made in the portal."""

    CASE_SYSTEM = "case_system", "Case-management system"
    PORTAL = "portal", "Recorded in the portal"


class PlacementKind(models.TextChoices):
    """The placement types that change the statutory visiting frequency (CPPCR 2010 reg 28(3)-(5))."""

    STANDARD = "standard", "Foster, residential or other placement"
    WITH_PARENT_PENDING_ASSESSMENT = "with_parent_pending", "With a parent, pending assessment (reg 19)"
    CONNECTED_PERSON_TEMPORARY = "connected_temporary", "Connected person, temporary approval (reg 24)"
    WITH_PARENT_CARE_ORDER = "with_parent_care_order", "With a parent, under a care order"


class LegalStatusKind(models.TextChoices):
    """A looked-after child's legal status (the CLA return's codes in brackets)."""

    SECTION_20 = "s20", "Accommodated under section 20 (V2)"
    INTERIM_CARE_ORDER = "ico", "Interim care order (C1)"
    CARE_ORDER = "care_order", "Full care order (C2)"
    PLACEMENT_ORDER = "placement_order", "Placement order (E1)"
    POLICE_PROTECTION = "police_protection", "Police protection (L1)"
    EMERGENCY_PROTECTION = "epo", "Emergency protection order (L2)"
    REMAND = "remand", "Remanded to local authority accommodation (J1)"
    OTHER = "other", "Other"


class CareLeaverCategory(models.TextChoices):
    """Children Act 1989 s19B, s23A, s23C and s24: which duties a care leaver is owed."""

    ELIGIBLE = "eligible", "Eligible (16-17, still looked after)"
    RELEVANT = "relevant", "Relevant (16-17, left care)"
    FORMER_RELEVANT = "former_relevant", "Former relevant (18-25)"
    QUALIFYING = "qualifying", "Qualifying"


class StrategyOutcome(models.TextChoices):
    """What a strategy discussion decided: whether section 47 enquiries start (Working Together 2023)."""

    S47 = "s47", "Section 47 enquiries started"
    NO_S47 = "no_s47", "No section 47 enquiry"


class MeetingKind(models.TextChoices):
    """Statutory meetings held, as the case system records them."""

    LOOKED_AFTER_REVIEW = "looked_after_review", "Looked-after review"
    CP_CONFERENCE = "cp_conference", "Child protection conference (initial or review)"
    PATHWAY_PLAN_REVIEW = "pathway_plan_review", "Pathway plan review"
    CORE_GROUP = "core_group", "Core group"
