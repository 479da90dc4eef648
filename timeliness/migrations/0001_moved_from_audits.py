"""Due items, reminders, notifications and sample draws move here from the audits app, tables and all.

The tables keep their names (Meta.db_table), so the models are created in Django's state only and the
database is not touched; audits 0011 then removes them from that app's state. Their content types move
with them (app label "audits" -> "timeliness"), so model permissions, guardian's object permissions and the
admin log keep pointing at the same rows.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.content_type_moves import content_types_move


MOVED_MODELS = ['dueitem', 'historicaldueitem', 'reminder', 'notification', 'sampledraw', 'historicalsampledraw']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="audits", target="timeliness")


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="timeliness", target="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0010_audit_draft_and_caseless_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('cases', '0001_moved_from_audits'),
        ('processes', '0005_closure_days_and_schedule_overrides'),
        ('workforce', '0002_leavers_and_line_managers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalSampleDraw',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('period', models.DateField(help_text='The first day of the month drawn.')),
                        ('population', models.JSONField(help_text='The ids of the eligible cases, in id order.')),
                        ('size', models.PositiveIntegerField()),
                        ('seed', models.CharField(max_length=64)),
                        ('chosen', models.JSONField(help_text='The ids drawn, in the order drawn.')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('manager', models.ForeignKey(blank=True, db_constraint=False, help_text='For per-manager draws (the Sample Audit of all managers).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('process', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.process')),
                        ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'verbose_name': 'historical sample draw',
                        'verbose_name_plural': 'historical sample draws',
                        'db_table': 'audits_historicalsampledraw',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='SampleDraw',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('period', models.DateField(help_text='The first day of the month drawn.')),
                        ('population', models.JSONField(help_text='The ids of the eligible cases, in id order.')),
                        ('size', models.PositiveIntegerField()),
                        ('seed', models.CharField(max_length=64)),
                        ('chosen', models.JSONField(help_text='The ids drawn, in the order drawn.')),
                        ('manager', models.ForeignKey(blank=True, help_text='For per-manager draws (the Sample Audit of all managers).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sample_draws', to='processes.process')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sample_draws', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_sampledraw',
                        'ordering': ['-period', 'process', 'team'],
                        'default_permissions': (),
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalDueItem',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('key', models.CharField(db_index=True, editable=False, max_length=120)),
                        ('due_on', models.DateField()),
                        ('source', models.CharField(choices=[('rule', 'Schedule rule'), ('sample', 'Random sample'), ('manual', 'Added by hand')], default='rule', max_length=10)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=10)),
                        ('completed_on', models.DateField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('episode', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.episode')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('process', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.process')),
                        ('responsible', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('responsible_role', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.role')),
                        ('satisfied_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='audits.audit')),
                        ('staff_member', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                        ('sample_draw', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='timeliness.sampledraw')),
                    ],
                    options={
                        'verbose_name': 'historical due item',
                        'verbose_name_plural': 'historical due items',
                        'db_table': 'audits_historicaldueitem',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='DueItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('key', models.CharField(editable=False, max_length=120, unique=True)),
                        ('due_on', models.DateField()),
                        ('source', models.CharField(choices=[('rule', 'Schedule rule'), ('sample', 'Random sample'), ('manual', 'Added by hand')], default='rule', max_length=10)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=10)),
                        ('completed_on', models.DateField(blank=True, null=True)),
                        ('case', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='cases.case')),
                        ('episode', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='cases.episode')),
                        ('process', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='processes.process')),
                        ('responsible', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to=settings.AUTH_USER_MODEL)),
                        ('responsible_role', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='processes.role')),
                        ('satisfied_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='satisfies', to='audits.audit')),
                        ('staff_member', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_workforce_items', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='workforce.team')),
                        ('sample_draw', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='due_items', to='timeliness.sampledraw')),
                    ],
                    options={
                        'db_table': 'audits_dueitem',
                        'ordering': ['due_on', 'pk'],
                        'default_permissions': (),
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('subject', models.CharField(max_length=200)),
                        ('body', models.TextField()),
                        ('url', models.CharField(blank=True, max_length=300)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_notification',
                        'ordering': ['-created_at', '-pk'],
                        'default_permissions': (),
                        'indexes': [models.Index(fields=['user', 'read_at'], name='audits_notification_unread')],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stage', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue'), ('escalated', 'Escalated to the line manager'), ('escalated_head', 'Escalated to the head of service')], max_length=20)),
                        ('claimed_at', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('digest', models.UUIDField(blank=True, editable=False, null=True)),
                        ('due_item', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='timeliness.dueitem')),
                        ('recipient', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_reminder',
                        'ordering': ['-claimed_at', '-pk'],
                        'default_permissions': (),
                        'indexes': [models.Index(fields=['recipient', 'sent_at'], name='audits_reminder_recipient_sent')],
                        'constraints': [models.UniqueConstraint(fields=('due_item', 'stage', 'recipient'), name='audits_reminder_unique_stage_recipient', violation_error_message='This stage of this item has been reminded to this person already.')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='sampledraw',
                    constraint=models.UniqueConstraint(fields=('process', 'team', 'manager', 'period'), name='audits_sampledraw_unique_period', nulls_distinct=False, violation_error_message='This month has been drawn already.'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(fields=['status', 'due_on'], name='audits_dueitem_status_due'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(fields=['responsible', 'status', 'due_on'], name='audits_dueitem_resp_status'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(fields=['team', 'status', 'due_on'], name='audits_dueitem_team_status'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(fields=['case', 'process', 'status'], name='audits_dueitem_case_process'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(condition=models.Q(('satisfied_by__isnull', False)), fields=['satisfied_by'], name='audits_dueitem_satisfied_by'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(condition=models.Q(('sample_draw__isnull', False)), fields=['sample_draw'], name='audits_dueitem_sample_draw'),
                ),
                migrations.AddIndex(
                    model_name='dueitem',
                    index=models.Index(condition=models.Q(('staff_member__isnull', False)), fields=['staff_member', 'process', 'status'], name='audits_dueitem_staff_member'),
                ),
                migrations.AddConstraint(
                    model_name='dueitem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_on__isnull', False), ('satisfied_by__isnull', False), ('status', 'done')), models.Q(('status', 'done'), _negated=True), _connector='OR'), name='audits_dueitem_done_is_satisfied', violation_error_message='A done item names the record that met it and when.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
