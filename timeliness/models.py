"""Timeliness: what is owed, by whom, by when; reminders; in-app notifications; random samples."""

from django.conf import settings
from django.db import models

from core.models import BaseModel, History
from timeliness.choices import DueSource, DueStatus, ReminderStage


class DueItem(BaseModel):
    """A record that is owed: a process on a subject by a date, and who must make it.

    Satisfied by the audit that meets it, on time or late. `key` makes planning idempotent: the
    database refuses a second row for the same occurrence, whichever process or task plans it.
    """

    # Its history is read by item (id) and date, never by these: planning writes a million history rows
    # on a first night, and each of these indexes would cost every one.
    history_unindexed = (
        "key",
        "process",
        "case",
        "episode",
        "staff_member",
        "foster_carer",
        "team",
        "responsible",
        "responsible_role",
        "unassigned_role",
        "satisfied_by",
        "started_record",
        "sample_draw",
    )

    # Indexes: planning writes a million rows a night, and every index costs each insert. The single-column
    # foreign-key indexes Django would add are left out where a composite index below leads with the same
    # column, or replaced by a partial index where most rows hold NULL (satisfied_by, sample_draw,
    # staff_member, foster_carer): the queries that follow those keys look up one value, never NULL.
    # Unique by a constraint, not unique=True: that would add a second, pattern-matching index on PostgreSQL
    # which no query reads and every planned row pays for.
    key = models.CharField(max_length=120, editable=False)
    # The catalogue's and the workforce's rows an item names (its process, team and roles) are kept by
    # PROTECT and never deleted (no delete in the app or the admin), so the database does not check them
    # again on every row: those four per-row checks were a quarter of inserting a night's million items
    # (EXPLAIN ANALYZE, 20,000 rows: 0.53 s of 2.09 s). The child's case and episode, the people and the
    # records an item names keep their database constraints.
    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="due_items", db_index=False, db_constraint=False
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items"
    )
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_workforce_items",
        db_index=False,
    )
    foster_carer = models.ForeignKey(
        "fostering.FosterCarer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_items",
        db_index=False,
    )
    team = models.ForeignKey(
        "workforce.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_items",
        db_index=False,
        db_constraint=False,
    )
    due_on = models.DateField()
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_items",
        db_index=False,
    )
    responsible_role = models.ForeignKey(
        "processes.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_items",
        db_index=False,
        db_constraint=False,
    )
    # Set when nobody holds the role that owes the item for this child (no IRO assigned, say): the item
    # then waits with the team's manager, and says whom the child is missing.
    unassigned_role = models.ForeignKey(
        "processes.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(max_length=10, choices=DueSource.choices, default=DueSource.RULE)
    status = models.CharField(max_length=10, choices=DueStatus.choices, default=DueStatus.OPEN)
    satisfied_by = models.ForeignKey(
        "audits.Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="satisfies", db_index=False
    )
    completed_on = models.DateField(null=True, blank=True)
    # What met it when no record made in the portal did: a fact from the case system ("visit 12").
    # A database default: planning inserts rows with its own SQL (timeliness.item_history).
    met_by = models.CharField(max_length=40, blank=True, default="", db_default="")
    # The draft started from this item ("Record it"): submitting that record meets this item, not the
    # earliest open one (follow_ons.due_items_satisfy). Kept here, not on Audit, since audits sit below
    # timeliness and must not know due items.
    started_record = models.ForeignKey(
        "audits.Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    sample_draw = models.ForeignKey(
        "SampleDraw", on_delete=models.PROTECT, null=True, blank=True, related_name="due_items", db_index=False
    )

    class Meta:
        db_table = "audits_dueitem"
        ordering = ["due_on", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["key"], name="timeliness_dueitem_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status="done", satisfied_by__isnull=False, completed_on__isnull=False)
                | models.Q(status="done", completed_on__isnull=False) & ~models.Q(met_by="")
                | ~models.Q(status="done"),
                name="audits_dueitem_done_is_satisfied",
                violation_error_message="A done item names the record or fact that met it, and when.",
            ),
        ]
        indexes = [
            # The due list's order over every item (service-wide roles, unfiltered) and its keyset pages:
            # the first page walks this index and stops after 50 rows (docs/timeliness-queries.md).
            models.Index(fields=["due_on", "id"], name="timeliness_dueitem_due_id"),
            # Reminders' stages and the due list's overdue filter.
            models.Index(fields=["status", "due_on"], name="audits_dueitem_status_due"),
            # The home page's "your items" and reminders to the responsible person.
            models.Index(fields=["responsible", "status", "due_on"], name="audits_dueitem_resp_status"),
            # The home page's team section and the due list's team filter.
            models.Index(fields=["team", "status", "due_on"], name="audits_dueitem_team_status"),
            # A case's items (scope of the due list) and the open item a record meets (case, process, status).
            models.Index(fields=["case", "process", "status"], name="audits_dueitem_case_process"),
            # Which item a record met (a retried task); which items a sample draw made; a staff member's items.
            models.Index(
                fields=["satisfied_by"],
                name="audits_dueitem_satisfied_by",
                condition=models.Q(satisfied_by__isnull=False),
            ),
            models.Index(
                fields=["started_record"],
                name="timeliness_dueitem_started",
                condition=models.Q(started_record__isnull=False),
            ),
            models.Index(
                fields=["sample_draw"], name="audits_dueitem_sample_draw", condition=models.Q(sample_draw__isnull=False)
            ),
            models.Index(
                fields=["staff_member", "process", "status"],
                name="audits_dueitem_staff_member",
                condition=models.Q(staff_member__isnull=False),
            ),
            # A foster carer's items (its reviews and panel): the register's few, on rows that are mostly NULL.
            models.Index(
                fields=["foster_carer", "process", "status"],
                name="audits_dueitem_foster_carer",
                condition=models.Q(foster_carer__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.process} due {self.due_on:%d/%m/%Y}"

    @property
    def was_late(self) -> bool | None:
        if self.status != DueStatus.DONE or not self.completed_on:
            return None
        return self.completed_on > self.due_on


class Reminder(models.Model):
    """One stage of reminding one person about one due item. The unique (due item, stage, recipient) row
    is inserted in the transaction that sends the digest and committed after the email goes, so
    overlapping runs and retries never send a stage to a person twice, and a failed send leaves no row;
    every head of service has their own row of an escalation to the heads. `digest` names the digest
    a row went out in (one per person per run).

    Not a BaseModel (no updated_at: a row is never changed once sent), but with a history table: each
    row's "+" history row names the task that sent it (timeliness.reminders.REMINDERS_REASON), written
    set-based beside the rows themselves."""

    # The unique constraint leads with due_item and the indexes below with recipient: no separate
    # foreign-key indexes (a first run inserts millions of rows, and each index costs every insert).
    due_item = models.ForeignKey(DueItem, on_delete=models.PROTECT, related_name="reminders", db_index=False)
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.UUIDField(null=True, blank=True, editable=False)

    history = History()

    class Meta:
        db_table = "audits_reminder"
        ordering = ["-claimed_at", "-pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["due_item", "stage", "recipient"],
                name="audits_reminder_unique_stage_recipient",
                violation_error_message="This stage of this item has been reminded to this person already.",
            ),
        ]
        indexes = [
            # A digest's rows (recipient, sent_at = the run's time) and what a person was sent.
            models.Index(fields=["recipient", "sent_at"], name="audits_reminder_recipient_sent"),
            # What was escalated to a person (the home page's section, the due list's "Escalated to me"):
            # partial, so the far more numerous due-soon and overdue rows cost it nothing.
            models.Index(
                fields=["recipient", "due_item"],
                name="timeliness_reminder_escalated",
                condition=models.Q(stage__in=["escalated", "escalated_head"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.due_item}"


class Notification(models.Model):
    """An in-app message (the header shows the unread count). Its history says who wrote it (the
    reminders task, by its change reason) and when its reader marked it read (the reader is the user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    history = History()

    class Meta:
        db_table = "audits_notification"
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "read_at"], name="audits_notification_unread")]

    def __str__(self):
        return self.subject


class SampleDraw(BaseModel):
    """A random sample of a month's eligible records for one team, reproducible from its seed."""

    process = models.ForeignKey("processes.Process", on_delete=models.PROTECT, related_name="sample_draws")
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="sample_draws")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For per-manager draws (the Sample Audit of all managers).",
    )
    period = models.DateField(help_text="The first day of the month drawn.")
    population = models.JSONField(help_text="The ids of the eligible cases, in id order.")
    size = models.PositiveIntegerField()
    seed = models.CharField(max_length=64)
    chosen = models.JSONField(help_text="The ids drawn, in the order drawn.")

    class Meta:
        db_table = "audits_sampledraw"
        ordering = ["-period", "process", "team"]
        default_permissions = ()
        # One draw per month per team, and per manager where the draw is per manager. Two partial
        # constraints rather than one with nulls_distinct=False, which SQLite (make run) cannot enforce.
        constraints = [
            models.UniqueConstraint(
                fields=["process", "team", "period"],
                condition=models.Q(manager__isnull=True),
                name="timeliness_sampledraw_unique_team_period",
                violation_error_message="This month has been drawn already.",
            ),
            models.UniqueConstraint(
                fields=["process", "team", "manager", "period"],
                condition=models.Q(manager__isnull=False),
                name="timeliness_sampledraw_unique_manager_period",
                violation_error_message="This month has been drawn already.",
            ),
        ]

    def __str__(self):
        return f"{self.process} sample, {self.team}, {self.period:%B %Y}"
