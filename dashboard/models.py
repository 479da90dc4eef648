"""The dashboard's rollup tables: figures grouped by month, process and team, rebuilt from the records
by `dashboard.services.rollup_refresh` (a Celery task every few minutes, and the
`refresh_dashboard` command). The dashboard reads only these, so its cost follows the number of
(month, process, team) groups, not the number of audits. None of them holds a case or a child.

Defined here and imported by audits.models, so the app's models module stays about the records.
"""

from django.db import models


class DashboardRefresh(models.Model):
    """One rebuild of the rollups: the day its "overdue" and "last 6 months" figures were judged on,
    and when it finished. The dashboard shows the latest finished one as "figures as of"."""

    as_of = models.DateField(help_text="The day overdue items and coverage were judged on.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    rows = models.PositiveIntegerField(help_text="Rollup rows written.")

    class Meta:
        db_table = "audits_dashboardrefresh"
        ordering = ["-finished_at", "-pk"]
        default_permissions = ()

    def __str__(self):
        return f"Dashboard figures as of {self.finished_at:%Y-%m-%d %H:%M}"


class AuditRollup(models.Model):
    """Submitted records (any status but draft) by the month they were held, process, team and grade,
    with how many were moderated and how many moderations agreed with the grade."""

    month = models.DateField()
    process = models.ForeignKey("processes.Process", on_delete=models.DO_NOTHING, related_name="+")
    team = models.ForeignKey("workforce.Team", on_delete=models.DO_NOTHING, null=True, related_name="+")
    grade = models.CharField(max_length=30, blank=True)
    audits = models.PositiveIntegerField()
    moderated = models.PositiveIntegerField()
    agreed = models.PositiveIntegerField()

    class Meta:
        db_table = "audits_auditrollup"
        ordering = ["month", "process", "team", "grade"]
        default_permissions = ()
        indexes = [models.Index(fields=["month", "team"], name="audits_auditroll_month_team")]

    def __str__(self):
        return f"{self.month:%Y-%m} audits: {self.audits}"


class FindingRollup(models.Model):
    """Findings of submitted records by month held, process, required outcome and team, per judgement."""

    month = models.DateField()
    process = models.ForeignKey("processes.Process", on_delete=models.DO_NOTHING, related_name="+")
    outcome = models.ForeignKey("processes.RequiredOutcome", on_delete=models.DO_NOTHING, related_name="+")
    team = models.ForeignKey("workforce.Team", on_delete=models.DO_NOTHING, null=True, related_name="+")
    met = models.PositiveIntegerField()
    partly_met = models.PositiveIntegerField()
    not_met = models.PositiveIntegerField()
    not_applicable = models.PositiveIntegerField()

    class Meta:
        db_table = "audits_findingrollup"
        ordering = ["month", "process", "outcome", "team"]
        default_permissions = ()
        indexes = [models.Index(fields=["month", "team"], name="audits_findingroll_month_team")]

    def __str__(self):
        return f"{self.month:%Y-%m} findings: {self.met} met, {self.not_met} not met"


class DueRollup(models.Model):
    """Due items (not cancelled) by the month they fell due, process and team, judged on the refresh's
    day: done on time, done late, overdue (open, past due), missed (never done before the case closed or
    the episode ended: owed, so not on time) and pending (open, not yet due)."""

    month = models.DateField()
    process = models.ForeignKey("processes.Process", on_delete=models.DO_NOTHING, related_name="+")
    team = models.ForeignKey("workforce.Team", on_delete=models.DO_NOTHING, null=True, related_name="+")
    on_time = models.PositiveIntegerField()
    late = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    missed = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField()

    class Meta:
        db_table = "audits_duerollup"
        ordering = ["month", "process", "team"]
        default_permissions = ()
        indexes = [models.Index(fields=["month", "team"], name="audits_duerollup_month_team")]

    def __str__(self):
        return f"{self.month:%Y-%m} due: {self.on_time} on time, {self.overdue} overdue"


class CoverageRollup(models.Model):
    """Open cases per team on the refresh's day, and how many had a submitted record held in the last
    6 and 12 months, or ever."""

    team = models.ForeignKey("workforce.Team", on_delete=models.DO_NOTHING, related_name="+")
    open_cases = models.PositiveIntegerField()
    audited_6m = models.PositiveIntegerField()
    audited_12m = models.PositiveIntegerField()
    audited_ever = models.PositiveIntegerField()

    class Meta:
        db_table = "audits_coveragerollup"
        ordering = ["team"]
        default_permissions = ()

    def __str__(self):
        return f"Coverage of team {self.team_id}: {self.audited_12m} of {self.open_cases}"
