"""Due items written before every write kept history (planned in bulk, cancelled through update()) get
one history row: the item as it stands, dated its last change, with a reason saying where its history
starts. One INSERT ... SELECT, whatever the number of items; items with history are left alone, so the
migration can run again. The reverse keeps the rows (history is never deleted)."""

from django.db import migrations

REASON = "History starts here: the item was written before every change of a due item kept history"


def backfill(apps, schema_editor):
    DueItem = apps.get_model("timeliness", "DueItem")
    History = apps.get_model("timeliness", "HistoricalDueItem")
    columns = ", ".join(f.column for f in History._meta.concrete_fields if not f.name.startswith("history_"))
    items, history = DueItem._meta.db_table, History._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type, "  # noqa: S608
            f"history_user_id) SELECT {columns}, updated_at, %s, '+', NULL FROM {items} item "
            f"WHERE NOT EXISTS (SELECT 1 FROM {history} h WHERE h.id = item.id)",
            [REASON],
        )


class Migration(migrations.Migration):
    dependencies = [("timeliness", "0002_sample_draw_unique_on_sqlite_too")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
