"""Writing due items with their history: every insert and every change of a DueItem leaves a history
row naming who made it (`history_user`, where a person did) or why (the change reason names the task,
command or event: "plan_due_items", "episode ended", "superseded by conference record 12").

Planning inserts up to a million rows a night, so the inserts are set-based: on PostgreSQL the rows
are COPYed into a temporary table and moved with one statement that inserts the new items
(`ON CONFLICT (key) DO NOTHING`) and, from what that insert RETURNs, their "+" history rows. Only
rows really inserted get a history row, however many keys existed already, and no row is read back
into Python. Changes are set-based the same way ("~" rows, due_items_change); a single change may
equally use core.history.save_with_history. Elsewhere (SQLite) simple-history's bulk helpers do both.
"""

import contextlib
import contextvars
import zlib

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from timeliness.choices import DueSource, DueStatus
from timeliness.models import DueItem

INSERT_BATCH = 5_000

# The columns an inserted row may give, in the temporary table's order; the rest take their defaults.
INSERT_COLUMNS = (
    "key",
    "due_on",
    "case_id",
    "episode_id",
    "process_id",
    "responsible_id",
    "responsible_role_id",
    "team_id",
    "unassigned_role_id",
    "staff_member_id",
    "foster_carer_id",
)
# All of INSERT_COLUMNS and then the item's state, for a planner that knows an item is met or ended
# as it first writes it (a journey's past visits): inserted as it is, not inserted open and updated.
STATE_COLUMNS = (*INSERT_COLUMNS, "status", "completed_on", "satisfied_by_id", "met_by")
_TEMP_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS due_item_rows (key varchar(120), due_on date, case_id bigint, "
    "episode_id bigint, process_id bigint, responsible_id integer, responsible_role_id bigint, team_id bigint, "
    "unassigned_role_id bigint, staff_member_id integer, foster_carer_id bigint, status varchar(20), "
    "completed_on date, satisfied_by_id bigint, met_by varchar(40)) ON COMMIT DELETE ROWS"
)


@transaction.atomic
def due_items_insert(rows: list[tuple], *, columns: tuple[str, ...], actor=None, reason: str) -> int:
    """Insert rule items (`rows` of `columns`: a leading part of INSERT_COLUMNS, all of them, or
    STATE_COLUMNS), skipping any whose key exists, each new one with its "+" history row; returns how
    many were new. Without a status column the items are open."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return _insert_elsewhere(rows, columns=columns, actor=actor, reason=reason)
    table, history = DueItem._meta.db_table, DueItem.history.model._meta.db_table
    tracked = [field.column for field in DueItem.history.model.tracked_fields]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        _commit_without_waiting(cursor)
        cursor.execute(_TEMP_TABLE)
        # Emptied here too: inside an outer transaction (a caller's atomic block, a test) no commit has
        # cleared the previous batch's rows, which would be inserted again.
        cursor.execute("TRUNCATE due_item_rows")
        with cursor.cursor.copy(f"COPY due_item_rows ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        tracked_sql = ", ".join(tracked)
        constants, values = ["source"], [DueSource.RULE]
        if "status" not in columns:
            constants.append("status")
            values.append(DueStatus.OPEN)
        given = ", ".join(constants)
        placeholders = ", ".join(["%s"] * len(values))
        # Table and column names come from the models, not from input.
        sql = (
            f"WITH new AS (INSERT INTO {table} (created_at, updated_at, {given}, {names}) "  # noqa: S608
            f"SELECT now(), now(), {placeholders}, {names} FROM due_item_rows ON CONFLICT (key) DO NOTHING "
            f"RETURNING {tracked_sql}) "
            f"INSERT INTO {history} ({tracked_sql}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {tracked_sql}, now(), %s, '+', %s FROM new"
        )
        cursor.execute(sql, [*values, reason, getattr(actor, "pk", None)])
        return cursor.rowcount


_UNFLUSHED = contextvars.ContextVar("due_items_unflushed_commits", default=False)


@contextlib.contextmanager
def unflushed_commits():
    """Within this block, the transactions that write due items commit without waiting for the disk, if
    the block owns its transactions (it was entered outside any): the nightly planner's, whose writes are
    derived. A crash in that moment loses at most the last batches, which the next run plans again (the
    keys make it idempotent), and nothing a person typed. Inside a caller's transaction (a record
    submitted) nothing changes: that commit holds what a person typed, and waits as it always does."""
    token = _UNFLUSHED.set(not connection.in_atomic_block)
    try:
        yield
    finally:
        _UNFLUSHED.reset(token)


def _commit_without_waiting(cursor) -> None:
    if _UNFLUSHED.get():
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _insert_elsewhere(rows, *, columns, actor, reason) -> int:
    """SQLite (`make run`): skip the keys that exist, then simple-history's bulk_create_with_history.
    One process writes there, so the check and the insert do not race."""
    items = {row[0]: DueItem(source=DueSource.RULE, **dict(zip(columns, row, strict=True))) for row in rows}
    existing = set(DueItem.objects.filter(key__in=list(items)).values_list("key", flat=True))
    new = [item for key, item in items.items() if key not in existing]
    bulk_create_with_history(new, DueItem, batch_size=INSERT_BATCH, default_user=actor, default_change_reason=reason)
    return len(new)


def due_items_change(items: list[DueItem], *, fields: list[str], actor=None, reason: str) -> int:
    """Save the given fields of `items` (changed in memory by the caller), with a "~" history row each
    naming `actor` and the item's own `_change_reason` or else `reason`; returns how many rows changed.

    On PostgreSQL the new values are COPYed into a temporary table shaped like the items' own, and one
    statement updates the rows and, from what the UPDATE RETURNs, writes their history rows: a nightly
    closing of a million items costs a few statements, not a CASE expression per row (Django's
    bulk_update) and a history object per row."""
    if not items:
        return 0
    now = timezone.now()
    for item in items:
        item.updated_at = now
    if connection.vendor != "postgresql":
        return bulk_update_with_history(
            items,
            DueItem,
            [*fields, "updated_at"],
            batch_size=INSERT_BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    changed = 0
    for start in range(0, len(items), INSERT_BATCH):
        changed += _change_on_postgresql(items[start : start + INSERT_BATCH], fields, actor=actor, reason=reason)
    return changed


@transaction.atomic
def _change_on_postgresql(items: list[DueItem], fields: list[str], *, actor, reason: str) -> int:
    table, history = DueItem._meta.db_table, DueItem.history.model._meta.db_table
    tracked = [field.column for field in DueItem.history.model.tracked_fields]
    model_fields = [DueItem._meta.get_field(name) for name in fields]
    columns = [field.column for field in model_fields]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        _commit_without_waiting(cursor)
        # The temporary table takes the items' own column types; one per set of fields changed together.
        scratch = f"due_item_changes_{zlib.crc32(names.encode()):08x}"
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT id, {names}, ''::text AS reason FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {scratch}")
        with cursor.cursor.copy(f"COPY {scratch} (id, {names}, reason) FROM STDIN") as copy:
            for item in items:
                values = [getattr(item, field.attname) for field in model_fields]
                copy.write_row((item.pk, *values, getattr(item, "_change_reason", None) or reason))
        assignments = ", ".join(f"{column} = changes.{column}" for column in columns)
        returned = ", ".join(f"{table}.{column}" for column in tracked)
        # Table and column names come from the models, not from input.
        sql = (
            f"WITH changed AS (UPDATE {table} SET {assignments}, updated_at = %s FROM {scratch} AS changes "  # noqa: S608
            f"WHERE {table}.id = changes.id RETURNING {returned}, changes.reason AS change_reason) "
            f"INSERT INTO {history} ({', '.join(tracked)}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {', '.join(tracked)}, %s, change_reason, '~', %s FROM changed"
        )
        cursor.execute(sql, [items[0].updated_at, items[0].updated_at, getattr(actor, "pk", None)])
        return cursor.rowcount
