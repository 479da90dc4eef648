"""The split by subject: cases, due items and the dashboard's rollups left this app for cases, timeliness
and dashboard. Nothing changes in the database: the models kept their tables (Meta.db_table), so this
migration only moves them in Django's record of the models (state), after each new app has taken them
up (cases 0001, timeliness 0001, dashboard 0001, which also move their content types and so their
permissions and every guardian grant)."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = [
    # Dependents first: a model leaves the state only once nothing left in it points at it.
    "Reminder",
    "HistoricalDueItem",
    "DueItem",
    "HistoricalSampleDraw",
    "SampleDraw",
    "Notification",
    "AuditRollup",
    "FindingRollup",
    "DueRollup",
    "CoverageRollup",
    "DashboardRefresh",
    "CaseUserObjectPermission",
    "CaseGroupObjectPermission",
    "AccessLogEntry",
    "HistoricalEpisode",
    "Episode",
    "HistoricalCase",
    "Case",
]


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0010_audit_draft_and_caseless_indexes"),
        ("cases", "0001_moved_from_audits"),
        ("timeliness", "0001_moved_from_audits"),
        ("dashboard", "0001_moved_from_audits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="audit",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audits",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalaudit",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseaudittally",
                    name="case",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                *[migrations.DeleteModel(name=name) for name in MOVED],
            ],
            database_operations=[],
        ),
    ]
