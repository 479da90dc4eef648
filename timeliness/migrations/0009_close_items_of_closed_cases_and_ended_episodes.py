"""Close the items left open on closed cases and ended episodes before they closed with them (the rule
of closing._close_open_items): on a closed case every open item, missed if due on or before closed_on,
cancelled if due after it; on an ended episode its open rule items, missed if due on or before its end,
cancelled if due after it and planned before the end was recorded (as the nightly repair would). Each
gets a "~" history row saying why. Set-based: one INSERT ... SELECT for the history rows, then one
UPDATE, with the same condition, on SQLite and PostgreSQL alike. Only open items are touched, so it can
run again. The reverse leaves them closed (history is never undone by deleting it)."""

from django.db import migrations
from django.utils import timezone

REASONS = {
    "case_missed": "Closed with its case (migration 0007): the case closed and it was not done by then",
    "case_cancelled": "Closed with its case (migration 0007): the case closed before it fell due",
    "episode_missed": "Closed with its episode (migration 0007): the episode ended and it was not done by then",
    "episode_cancelled": "Closed with its episode (migration 0007): the episode ended before it fell due",
}


def close(apps, schema_editor):
    DueItem = apps.get_model("timeliness", "DueItem")
    History = apps.get_model("timeliness", "HistoricalDueItem")
    Case = apps.get_model("cases", "Case")
    Episode = apps.get_model("cases", "Episode")
    quote = schema_editor.connection.ops.quote_name
    items, history = DueItem._meta.db_table, History._meta.db_table
    cases, episodes = Case._meta.db_table, Episode._meta.db_table
    closed_on = f"(SELECT c.closed_on FROM {cases} c WHERE c.id = item.case_id AND c.status = 'closed')"
    ended = f"(SELECT e.{quote('end')} FROM {episodes} e WHERE e.id = item.episode_id)"
    recorded = f"(SELECT e.updated_at FROM {episodes} e WHERE e.id = item.episode_id)"
    # Which way each open item closes (a key of REASONS), or NULL for one that stays open.
    kind = (
        f"CASE WHEN {closed_on} IS NOT NULL THEN "
        f"(CASE WHEN item.due_on > {closed_on} THEN 'case_cancelled' ELSE 'case_missed' END) "
        f"WHEN item.source = 'rule' AND {ended} IS NOT NULL AND item.due_on <= {ended} THEN 'episode_missed' "
        f"WHEN item.source = 'rule' AND {ended} IS NOT NULL AND item.created_at <= {recorded} "
        f"THEN 'episode_cancelled' END"
    )
    status = f"(CASE WHEN ({kind}) LIKE '%%missed' THEN 'missed' ELSE 'cancelled' END)"
    reason = "CASE " + " ".join(f"WHEN ({kind}) = '{key}' THEN %s" for key in REASONS) + " END"
    where = f"item.status = 'open' AND ({kind}) IS NOT NULL"
    now = timezone.now()
    tracked = [f.column for f in History._meta.concrete_fields if not f.name.startswith("history_")]
    values = ", ".join(
        status if column == "status" else "%s" if column == "updated_at" else f"item.{column}" for column in tracked
    )
    with schema_editor.connection.cursor() as cursor:
        # Table and column names come from the models; the reasons are parameters.
        cursor.execute(
            f"INSERT INTO {history} ({', '.join(tracked)}, history_date, history_change_reason, history_type, "  # noqa: S608
            f"history_user_id) SELECT {values}, %s, {reason}, '~', NULL FROM {items} item WHERE {where}",
            [now, now, *REASONS.values()],
        )
        cursor.execute(f"UPDATE {items} AS item SET status = {status}, updated_at = %s WHERE {where}", [now])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("timeliness", "0008_due_item_missed_and_started_record"),
        ("cases", "0002_break_glass_and_import_jobs"),
    ]

    operations = [migrations.RunPython(close, migrations.RunPython.noop, elidable=True)]
