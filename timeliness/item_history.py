"""Writing due items with their history: every insert and every change of a DueItem leaves a history
row naming who made it (`history_user`, where a person did) or why (the change reason names the task,
command or event: "plan_due_items", "episode ended", "superseded by conference record 12").

Planning inserts up to a million rows a night, so the inserts are set-based: on PostgreSQL the rows
are COPYed into a temporary table and moved with one statement that inserts the new items
(`ON CONFLICT (key) DO NOTHING`) and, from what that insert RETURNs, their "+" history rows. Only
rows really inserted get a history row, however many keys existed already, and no row is read back
into Python. Changes go through simple-history's `bulk_update_with_history` ("~" rows); a single
change may equally use core.history.save_with_history.
"""

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
_TEMP_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS due_item_rows (key varchar(120), due_on date, case_id bigint, "
    "episode_id bigint, process_id bigint, responsible_id integer, responsible_role_id bigint, team_id bigint, "
    "unassigned_role_id bigint, staff_member_id integer, foster_carer_id bigint) ON COMMIT DELETE ROWS"
)


@transaction.atomic
def due_items_insert(rows: list[tuple], *, columns: tuple[str, ...], actor=None, reason: str) -> int:
    """Insert rule items (`rows` of `columns`, a leading part of INSERT_COLUMNS or all of them),
    skipping any whose key exists, each new one with its "+" history row; returns how many were new."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return _insert_elsewhere(rows, columns=columns, actor=actor, reason=reason)
    table, history = DueItem._meta.db_table, DueItem.history.model._meta.db_table
    tracked = [field.column for field in DueItem.history.model.tracked_fields]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(_TEMP_TABLE)
        # Emptied here too: inside an outer transaction (a caller's atomic block, a test) no commit has
        # cleared the previous batch's rows, which would be inserted again.
        cursor.execute("TRUNCATE due_item_rows")
        with cursor.cursor.copy(f"COPY due_item_rows ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        tracked_sql = ", ".join(tracked)
        # Table and column names come from the models, not from input.
        sql = (
            f"WITH new AS (INSERT INTO {table} (created_at, updated_at, source, status, {names}) "  # noqa: S608
            f"SELECT now(), now(), %s, %s, {names} FROM due_item_rows ON CONFLICT (key) DO NOTHING "
            f"RETURNING {tracked_sql}) "
            f"INSERT INTO {history} ({tracked_sql}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {tracked_sql}, now(), %s, '+', %s FROM new"
        )
        cursor.execute(sql, [DueSource.RULE, DueStatus.OPEN, reason, getattr(actor, "pk", None)])
        return cursor.rowcount


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
    naming `actor` and `reason`; returns how many rows changed."""
    if not items:
        return 0
    now = timezone.now()
    for item in items:
        item.updated_at = now
    return bulk_update_with_history(
        items,
        DueItem,
        [*fields, "updated_at"],
        batch_size=INSERT_BATCH,
        default_user=actor,
        default_change_reason=reason,
    )
