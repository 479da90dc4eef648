"""Rows built once for many tests: the transaction that holds them until the module (or class) ends.

Each test still runs in its own savepoint inside it (pytest-django's `db`), as in Django's
TestCase.setUpTestData, so what a test writes is gone before the next one. Tests that share such rows
must not be transactional (`transaction=True`, `live_server`, `real_worker`): they would see, or flush,
rows that are not committed.
"""

import contextlib


@contextlib.contextmanager
def rolled_back_at_the_end(django_db_blocker):
    """A transaction (a savepoint, inside another) rolled back when the block ends. The database is
    unblocked only to open and close it: make the rows inside `with django_db_blocker.unblock()`."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
