"""Saving with history: who made a change, and why, kept in the row's history."""


def save_with_history(instance, *, actor, reason: str = "", validate: bool = True, **save_kwargs):
    """Validate and save, recording who made the change (and why) in the row's history."""
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    if validate:
        instance.full_clean()
    instance.save(**save_kwargs)
    return instance
