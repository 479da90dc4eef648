"""The dashboard's rollup tables move here from the audits app, tables and all.

The tables keep their names (Meta.db_table), so the models are created in Django's state only and the
database is not touched; audits 0011 then removes them from that app's state. Their content types move
with them (app label "audits" -> "dashboard"), so model permissions, guardian's object permissions and the
admin log keep pointing at the same rows.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.content_type_moves import content_types_move


MOVED_MODELS = ['dashboardrefresh', 'auditrollup', 'findingrollup', 'duerollup', 'coveragerollup']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="audits", target="dashboard")


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="dashboard", target="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0010_audit_draft_and_caseless_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('processes', '0005_closure_days_and_schedule_overrides'),
        ('workforce', '0002_leavers_and_line_managers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DashboardRefresh',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('as_of', models.DateField(help_text='The day overdue items and coverage were judged on.')),
                        ('started_at', models.DateTimeField()),
                        ('finished_at', models.DateTimeField()),
                        ('seconds', models.FloatField()),
                        ('rows', models.PositiveIntegerField(help_text='Rollup rows written.')),
                    ],
                    options={
                        'db_table': 'audits_dashboardrefresh',
                        'ordering': ['-finished_at', '-pk'],
                        'default_permissions': (),
                    },
                ),
                migrations.CreateModel(
                    name='CoverageRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('open_cases', models.PositiveIntegerField()),
                        ('audited_6m', models.PositiveIntegerField()),
                        ('audited_12m', models.PositiveIntegerField()),
                        ('audited_ever', models.PositiveIntegerField()),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_coveragerollup',
                        'ordering': ['team'],
                        'default_permissions': (),
                    },
                ),
                migrations.CreateModel(
                    name='AuditRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('grade', models.CharField(blank=True, max_length=30)),
                        ('audits', models.PositiveIntegerField()),
                        ('moderated', models.PositiveIntegerField()),
                        ('agreed', models.PositiveIntegerField()),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.process')),
                        ('team', models.ForeignKey(null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_auditrollup',
                        'ordering': ['month', 'process', 'team', 'grade'],
                        'default_permissions': (),
                        'indexes': [models.Index(fields=['month', 'team'], name='audits_auditroll_month_team')],
                    },
                ),
                migrations.CreateModel(
                    name='DueRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('on_time', models.PositiveIntegerField()),
                        ('late', models.PositiveIntegerField()),
                        ('overdue', models.PositiveIntegerField()),
                        ('pending', models.PositiveIntegerField()),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.process')),
                        ('team', models.ForeignKey(null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_duerollup',
                        'ordering': ['month', 'process', 'team'],
                        'default_permissions': (),
                        'indexes': [models.Index(fields=['month', 'team'], name='audits_duerollup_month_team')],
                    },
                ),
                migrations.CreateModel(
                    name='FindingRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('met', models.PositiveIntegerField()),
                        ('partly_met', models.PositiveIntegerField()),
                        ('not_met', models.PositiveIntegerField()),
                        ('not_applicable', models.PositiveIntegerField()),
                        ('outcome', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.requiredoutcome')),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='processes.process')),
                        ('team', models.ForeignKey(null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_findingrollup',
                        'ordering': ['month', 'process', 'outcome', 'team'],
                        'default_permissions': (),
                        'indexes': [models.Index(fields=['month', 'team'], name='audits_findingroll_month_team')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
