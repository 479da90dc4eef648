"""Writes of journey facts: from the case-management system (import_events) and from records made in the
portal (audits.services, on submission).

A fact is named by its natural key (`NATURAL_KEYS`: a case's placement starting on a day, a visit on a
day, ...). Writing a fact the database holds already with the same stated values changes nothing and
writes no history; with a different end date (or long_term, child_seen, outcome, ...) the row takes the
new values, with a history row; an unknown key is added. Every write names its actor and reason, and
ends by telling the apps above which cases changed (journeys.signals.journey_facts_changed), inside the
transaction, once per call.

Nothing is deleted: a fact the case system no longer lists stays (its withdrawal is a separate act), and
a withdrawn fact stated again is left withdrawn: withdrawing is a correction made here, on purpose.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.history import save_with_history
from journeys.choices import FactSource
from journeys.models import (
    CareLeaverAccommodation,
    CareLeaverStatus,
    Detention,
    LegalStatus,
    MeetingHeld,
    Placement,
    StrategyDiscussion,
    Visit,
)
from journeys.signals import journey_facts_changed

# What names each fact in the case system (its unique constraint), and what the source states about it
# (compared, and updated when it differs). `source` is stated too: a fact the portal recorded first that
# the case system then states becomes the case system's (its record is the one of reference).
NATURAL_KEYS: dict[type, tuple[str, ...]] = {
    Placement: ("case_id", "start"),
    LegalStatus: ("case_id", "status", "start"),
    CareLeaverStatus: ("case_id", "category", "start"),
    CareLeaverAccommodation: ("case_id", "start"),
    Detention: ("case_id", "start"),
    StrategyDiscussion: ("case_id", "held_on"),
    Visit: ("case_id", "visited_on"),
    MeetingHeld: ("case_id", "kind", "held_on"),
}
STATED_FIELDS: dict[type, tuple[str, ...]] = {
    Placement: ("end", "long_term", "kind", "carer_reference", "source"),
    LegalStatus: ("end", "source"),
    CareLeaverStatus: ("end", "source"),
    CareLeaverAccommodation: ("end", "source"),
    Detention: ("end", "source"),
    StrategyDiscussion: ("outcome", "source"),
    Visit: ("child_seen", "seen_alone", "visitor_id", "source"),
    MeetingHeld: ("source",),
}
FACT_MODELS = tuple(NATURAL_KEYS)
LOOKUP_BATCH = 2000


def natural_key(fact) -> tuple:
    return (type(fact), *(getattr(fact, name) for name in NATURAL_KEYS[type(fact)]))


@dataclass
class FactsPlan:
    """What writing some facts does: the new ones, the existing ones whose stated values differ (with the
    fields that would change), and how many are there already as stated."""

    added: list = field(default_factory=list)
    changed: list[tuple[object, list[str]]] = field(default_factory=list)
    unchanged: list = field(default_factory=list)

    def counts(self, model) -> tuple[int, int, int]:
        """(added, changed, unchanged) of one model."""
        return (
            sum(isinstance(fact, model) for fact in self.added),
            sum(isinstance(fact, model) for fact, _ in self.changed),
            sum(isinstance(fact, model) for fact in self.unchanged),
        )

    @property
    def case_ids(self) -> set[int]:
        return {fact.case_id for fact in self.added} | {fact.case_id for fact, _ in self.changed}

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed)


def facts_compare(facts: list, *, lock: bool = False) -> FactsPlan:
    """Compare unsaved facts (any mix of the fact models) with the database, by natural key; no writes.

    The same key twice must state the same values (a ValidationError otherwise: the import names the rows
    before it gets here). `lock` selects the existing facts for update (facts_record, in its transaction)."""
    plan = FactsPlan()
    wanted: dict[tuple, object] = {}
    for fact in facts:
        key = natural_key(fact)
        earlier = wanted.setdefault(key, fact)
        if earlier is not fact and _differing(earlier, fact):
            raise ValidationError(f"{fact} is stated twice, with different values")
    by_model: dict[type, list] = defaultdict(list)
    for fact in wanted.values():
        by_model[type(fact)].append(fact)
    for model, stated in by_model.items():
        existing = _existing(model, sorted({fact.case_id for fact in stated}), lock=lock)
        for fact in stated:
            found = existing.get(natural_key(fact))
            if found is None:
                plan.added.append(fact)
                continue
            differing = [] if found.withdrawn_at else _differing(found, fact)
            if differing:
                for name in differing:
                    setattr(found, name, getattr(fact, name))
                plan.changed.append((found, differing))
            else:
                plan.unchanged.append(found)
    return plan


@transaction.atomic
def facts_record(facts: list, *, actor, reason: str) -> FactsPlan:
    """Write unsaved facts idempotently by natural key (see the module's docstring), each written row with
    its history row (`actor`, `reason`); then, in this transaction, one journey_facts_changed with the
    cases whose facts were added or changed. Returns the plan it wrote."""
    for fact in facts:
        # Each fact is checked as the model checks it; the natural key and constraints are the database's.
        fact.full_clean(exclude=["case", "recorded_by", "visitor"], validate_unique=False, validate_constraints=False)
    plan = facts_compare(facts, lock=True)
    history = {"default_user": actor, "default_change_reason": reason}
    for model in FACT_MODELS:
        new = [fact for fact in plan.added if isinstance(fact, model)]
        if new:
            bulk_create_with_history(new, model, batch_size=LOOKUP_BATCH, **history)
        changed = [(fact, fields) for fact, fields in plan.changed if isinstance(fact, model)]
        if changed:
            now = timezone.now()
            for fact, _ in changed:
                fact.updated_at = now
            fields = sorted({name.removesuffix("_id") for _, names in changed for name in names} | {"updated_at"})
            bulk_update_with_history([fact for fact, _ in changed], model, fields, batch_size=LOOKUP_BATCH, **history)
    journey_facts_announce(plan.case_ids, actor=actor, reason=reason)
    return plan


@transaction.atomic
def portal_fact_record(fact, *, actor, reason: str) -> bool:
    """A fact from a record made in the portal (a visit, a meeting held), unless the database holds one
    with its natural key already: then that one stands (the case system's statement, or an earlier record
    of the same day), and nothing is written. Returns whether it was written. Called inside the record's
    transaction (audits.services.audit_submit): the fact, and the items the planner derives from it,
    commit with the record."""
    fact.source = FactSource.PORTAL
    model = type(fact)
    key = dict(zip(NATURAL_KEYS[model], natural_key(fact)[1:], strict=True))
    if model.objects.filter(**key).exists():
        return False
    try:
        # A savepoint: a record of the same day committed meanwhile (the unique key) leaves the record's
        # own transaction whole, and that fact stands as above.
        with transaction.atomic():
            save_with_history(fact, actor=actor, reason=reason, validate=False)
    except IntegrityError:
        return False
    journey_facts_announce({fact.case_id}, actor=actor, reason=reason)
    return True


@transaction.atomic
def facts_withdraw(facts, *, actor, reason: str) -> int:
    """Withdraw facts entered in error (never deleted), each with its history row; the planner derives
    their cases' items again in this transaction: an item that the fact met is owed again (or met by
    another fact), one that it started is no longer owed. Returns how many were withdrawn."""
    live = [fact for fact in facts if fact.withdrawn_at is None]
    if not live:
        return 0
    now = timezone.now()
    for model in FACT_MODELS:
        mine = [fact for fact in live if isinstance(fact, model)]
        for fact in mine:
            fact.withdrawn_at = fact.updated_at = now
        if mine:
            bulk_update_with_history(
                mine, model, ["withdrawn_at", "updated_at"], default_user=actor, default_change_reason=reason
            )
    journey_facts_announce({fact.case_id for fact in live}, actor=actor, reason=reason)
    return len(live)


def journey_facts_announce(case_ids, *, actor, reason: str) -> None:
    """Tell the apps above, inside this transaction, which cases' facts changed (nothing when none did)."""
    if case_ids:
        journey_facts_changed.send(sender=FactsPlan, case_ids=frozenset(case_ids), actor=actor, reason=reason)


def _differing(found, stated) -> list[str]:
    return [name for name in STATED_FIELDS[type(stated)] if getattr(found, name) != getattr(stated, name)]


def _existing(model, case_ids: list[int], *, lock: bool) -> dict[tuple, object]:
    found = {}
    for index in range(0, len(case_ids), LOOKUP_BATCH):
        queryset = model.objects.filter(case_id__in=case_ids[index : index + LOOKUP_BATCH])
        if lock:
            queryset = queryset.select_for_update()
        found.update((natural_key(fact), fact) for fact in queryset)
    return found
