"""A due item's process, team and roles are no longer checked by a database constraint on every row
inserted: those rows are kept by PROTECT and never deleted, and the four checks were a quarter of the
nightly planner's insert (timeliness.models.DueItem says why; the case, episode, people and records keep
theirs)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('processes', '0007_same_act_as'),
        ('timeliness', '0011_due_list_and_escalation_indexes'),
        ('workforce', '0004_account_emails_for_existing_accounts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dueitem',
            name='process',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='processes.process'),
        ),
        migrations.AlterField(
            model_name='dueitem',
            name='responsible_role',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='processes.role'),
        ),
        migrations.AlterField(
            model_name='dueitem',
            name='team',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='workforce.team'),
        ),
        migrations.AlterField(
            model_name='dueitem',
            name='unassigned_role',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='processes.role'),
        ),
    ]
