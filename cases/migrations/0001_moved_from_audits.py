"""Children's cases, their episodes, the access log and the case grants move here from the audits app, tables and all.

The tables keep their names (Meta.db_table), so the models are created in Django's state only and the
database is not touched; audits 0011 then removes them from that app's state. Their content types move
with them (app label "audits" -> "cases"), so model permissions, guardian's object permissions and the
admin log keep pointing at the same rows.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.content_type_moves import content_types_move


MOVED_MODELS = ['case', 'historicalcase', 'episode', 'historicalepisode', 'accesslogentry', 'caseuserobjectpermission', 'casegroupobjectpermission']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="audits", target="cases")


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MOVED_MODELS, source="cases", target="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0010_audit_draft_and_caseless_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('workforce', '0002_leavers_and_line_managers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Case',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('reference', models.CharField(help_text="The case-management system's reference.", max_length=40, unique=True)),
                        ('child_name', models.CharField(max_length=200)),
                        ('date_of_birth', models.DateField()),
                        ('ethnicity', models.CharField(blank=True, max_length=100)),
                        ('faith', models.CharField(blank=True, max_length=100)),
                        ('language', models.CharField(blank=True, max_length=100)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10)),
                        ('closed_on', models.DateField(blank=True, null=True)),
                        ('allocated_worker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='allocated_cases', to=settings.AUTH_USER_MODEL)),
                        ('chair', models.ForeignKey(blank=True, help_text='Independent chair of the child protection conferences.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='chaired_cases', to=settings.AUTH_USER_MODEL)),
                        ('iro', models.ForeignKey(blank=True, help_text='Independent reviewing officer of the looked-after reviews.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviewed_cases', to=settings.AUTH_USER_MODEL, verbose_name='IRO')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='workforce.team')),
                    ],
                    options={
                        'db_table': 'audits_case',
                        'ordering': ['reference'],
                        'permissions': [('view_case', 'Can view this case')],
                        'default_permissions': ('add', 'change'),
                    },
                ),
                migrations.CreateModel(
                    name='AccessLogEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('action', models.CharField(choices=[('viewed', 'Viewed the case'), ('viewed_history', "Viewed the case's history"), ('exported', 'Exported in a list'), ('viewed_audit', 'Viewed an audit of the case')], max_length=20)),
                        ('path', models.CharField(max_length=500)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case')),
                    ],
                    options={
                        'verbose_name_plural': 'access log entries',
                        'db_table': 'audits_accesslogentry',
                        'ordering': ['-at', '-pk'],
                        'default_permissions': ('view',),
                    },
                ),
                migrations.CreateModel(
                    name='CaseGroupObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='cases.case')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ],
                    options={
                        'db_table': 'audits_casegroupobjectpermission',
                    },
                ),
                migrations.CreateModel(
                    name='CaseUserObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='cases.case')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_caseuserobjectpermission',
                    },
                ),
                migrations.CreateModel(
                    name='Episode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('kind', models.CharField(choices=[('child_in_need', 'Child in need'), ('child_protection_plan', 'Child protection plan'), ('looked_after', 'Looked after'), ('care_leaver', 'Care leaver'), ('youth_justice_order', 'Youth justice order')], max_length=30)),
                        ('start', models.DateField()),
                        ('end', models.DateField(blank=True, null=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='cases.case')),
                    ],
                    options={
                        'db_table': 'audits_episode',
                        'ordering': ['case', 'start', 'pk'],
                        'default_permissions': ('add', 'change'),
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCase',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('reference', models.CharField(db_index=True, help_text="The case-management system's reference.", max_length=40)),
                        ('child_name', models.CharField(max_length=200)),
                        ('date_of_birth', models.DateField()),
                        ('ethnicity', models.CharField(blank=True, max_length=100)),
                        ('faith', models.CharField(blank=True, max_length=100)),
                        ('language', models.CharField(blank=True, max_length=100)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10)),
                        ('closed_on', models.DateField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('allocated_worker', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('chair', models.ForeignKey(blank=True, db_constraint=False, help_text='Independent chair of the child protection conferences.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('iro', models.ForeignKey(blank=True, db_constraint=False, help_text='Independent reviewing officer of the looked-after reviews.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='IRO')),
                        ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workforce.team')),
                    ],
                    options={
                        'verbose_name': 'historical case',
                        'verbose_name_plural': 'historical cases',
                        'db_table': 'audits_historicalcase',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalEpisode',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('kind', models.CharField(choices=[('child_in_need', 'Child in need'), ('child_protection_plan', 'Child protection plan'), ('looked_after', 'Looked after'), ('care_leaver', 'Care leaver'), ('youth_justice_order', 'Youth justice order')], max_length=30)),
                        ('start', models.DateField()),
                        ('end', models.DateField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical episode',
                        'verbose_name_plural': 'historical episodes',
                        'db_table': 'audits_historicalepisode',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name='case',
                    index=models.Index(fields=['team', 'status'], name='audits_case_team_status'),
                ),
                migrations.AddConstraint(
                    model_name='case',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_on__isnull', True), ('status', 'open')), models.Q(('closed_on__isnull', False), ('status', 'closed')), _connector='OR'), name='audits_case_closed_on_matches_status', violation_error_message='A closed case has a closing date; an open case has none.'),
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(fields=['kind', 'end'], name='audits_episode_kind_end'),
                ),
                migrations.AddConstraint(
                    model_name='episode',
                    constraint=models.CheckConstraint(condition=models.Q(('end__isnull', True), ('end__gte', models.F('start')), _connector='OR'), name='audits_episode_ends_after_start', violation_error_message='An episode cannot end before it starts.'),
                ),
                migrations.AddConstraint(
                    model_name='episode',
                    constraint=models.UniqueConstraint(fields=('case', 'kind', 'start'), name='audits_episode_unique_start', violation_error_message='This case already has an episode of that kind starting that day.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
