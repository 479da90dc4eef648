"""Writes of the foster-carer register: every change through one function, with its history row."""

from django.db import transaction

from core.history import save_with_history
from fostering.models import FosterCarer


@transaction.atomic
def foster_carer_save(*, actor, carer: FosterCarer, reason: str = "") -> FosterCarer:
    """Add or change a carer (validated in full first), with the acting user and reason in its history.
    A carer is never deleted: a household that stops fostering is deregistered, with the date."""
    save_with_history(carer, actor=actor, reason=reason or ("Changed" if carer.pk else "Added"))
    return carer
