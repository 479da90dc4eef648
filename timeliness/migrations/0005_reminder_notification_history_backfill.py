"""Reminders and notifications written before they kept history get one history row each: the row as it
stands, dated when it was last written (a reminder's sending, a notification's reading or creation), with
a reason saying where its history starts. One INSERT ... SELECT per table, whatever the number of rows;
rows with history are left alone, so the migration can run again. The reverse keeps the rows (history
is never deleted)."""

from django.db import migrations

REASON = "History starts here: the row was written before reminders and notifications kept history"
# (model, the column its history row is dated by)
TABLES = (("Reminder", "COALESCE(sent_at, claimed_at)"), ("Notification", "COALESCE(read_at, created_at)"))


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, dated in TABLES:
            model, history = apps.get_model("timeliness", name), apps.get_model("timeliness", f"Historical{name}")
            columns = ", ".join(f.column for f in history._meta.concrete_fields if not f.name.startswith("history_"))
            rows, history_table = model._meta.db_table, history._meta.db_table
            # Table and column names come from the models, not from input.
            cursor.execute(
                f"INSERT INTO {history_table} ({columns}, history_date, history_change_reason, "  # noqa: S608
                f"history_type, history_user_id) SELECT {columns}, {dated}, %s, '+', NULL FROM {rows} original "
                f"WHERE NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.id = original.id)",
                [REASON],
            )


class Migration(migrations.Migration):
    dependencies = [("timeliness", "0004_reminder_notification_history")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
