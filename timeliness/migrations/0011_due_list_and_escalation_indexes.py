"""Indexes that serve the due list's order (every item by due date and id) and what was escalated to a
person (escalation rows by recipient): docs/timeliness-queries.md says which page uses which."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("timeliness", "0010_due_items_indexed_for_planning")]

    operations = [
        migrations.AddIndex(
            model_name="dueitem",
            index=models.Index(fields=["due_on", "id"], name="timeliness_dueitem_due_id"),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("stage__in", ["escalated", "escalated_head"])),
                fields=["recipient", "due_item"],
                name="timeliness_reminder_escalated",
            ),
        ),
    ]
