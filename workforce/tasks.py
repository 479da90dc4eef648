"""Celery tasks for accounts: thin wrappers around one service each."""

from celery import shared_task

from workforce.password_reset import password_reset_email


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def password_reset_send(self, address: str) -> None:
    """Look the typed address up and email a reset link if a confirmed account has it (workforce.password_reset).

    Takes the address, not a user: the request that queued it must not have looked anyone up.
    """
    password_reset_email(address=address)
