"""Nothing lost on upgrade: a database built at the last migration before the split (audits 0010, with
cases, timeliness and dashboard not there yet) with rows in every table, migrated forward to today's
migrations, still has every row, grant and history record, now read through the moved models.

The models moved by state-only migrations, keeping their tables; what does change in the database is
the content types (their app label moves, so permissions, guardian grants and the admin log follow)
and, on SQLite, the sample draws' table, rebuilt by timeliness 0002. Each test migrates the test
database back, so it is transactional and slow-ish (a few seconds); it leaves the database at the
latest migrations again whatever happens. One test checks both the upgrade and the downgrade, so the
database is migrated back and forward once rather than once per direction.
"""

import pytest
from django.apps import apps as global_apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_perms

from tests.upgrade_rows import build_pre_split_rows

NEW_APPS = ("cases", "timeliness", "dashboard")
# Apps made after the split, whose migrations need the new apps: migrated back to zero with them.
LATER_APPS = ("journeys",)
LAST_PRE_SPLIT_AUDITS = ("audits", "0010_audit_draft_and_caseless_indexes")
# The apps whose every table the old database must fill, and those whose rows must survive too.
PROJECT_APPS = ("audits", "processes", "workforce", "qa_portal")
CHECKED_APPS = (*PROJECT_APPS, "auth", "guardian", "admin")
# The apps the split moved models out of and into; the other apps' tables may gain rows (post_migrate).
MOVED_FROM_OR_TO = ("audits", *NEW_APPS)

# Migrating is the owner role's work: on PostgreSQL with two roles these tests connect as it
# (tests/database_roles.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_owner")]


def pre_split_nodes(graph):
    """Every app at the node it stood at before the split: today's leaves, but audits at 0010 and none
    of the new apps."""
    nodes = [node for node in graph.leaf_nodes() if node[0] not in (*NEW_APPS, *LATER_APPS, "audits")]
    return [*nodes, LAST_PRE_SPLIT_AUDITS]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # re-read which migrations are applied now
    ContentType.objects.clear_cache()
    return executor


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    return migrate(executor.loader.graph.leaf_nodes())


def run_post_migrate(executor, nodes):
    """What `manage.py migrate` does after the migrations: post_migrate, with the state's models
    (content types and permissions of models new to the database get created here)."""
    emit_post_migrate_signal(0, False, connection.alias, apps=executor.loader.project_state(nodes).apps, plan=[])
    ContentType.objects.clear_cache()


@pytest.fixture
def pre_split_database():
    """The test database migrated back to before the split; migrated forward again afterwards."""
    executor = MigrationExecutor(connection)
    nodes = pre_split_nodes(executor.loader.graph)
    plan = {migration for node in nodes for migration in executor.loader.graph.forwards_plan(node)}
    assert not [node for node in plan if node[0] in NEW_APPS or node[0] == "audits" and node > LAST_PRE_SPLIT_AUDITS]
    try:
        executor = migrate([LAST_PRE_SPLIT_AUDITS, *((app, None) for app in (*LATER_APPS, *NEW_APPS))])
        applied = set(executor.loader.applied_migrations)
        assert not [node for node in applied if node[0] in NEW_APPS], "the new apps are still migrated"
        assert LAST_PRE_SPLIT_AUDITS in applied and ("audits", "0011_models_moved_to_their_apps") not in applied
        yield executor.loader.project_state(nodes).apps
    finally:
        migrate_to_latest()
        stop_counting_audits_before_the_flush()


def stop_counting_audits_before_the_flush():
    """On SQLite the test runner empties the tables with DELETE, in no set order, and the tally triggers
    fire: deleting a counted audit after the tally table was emptied inserts a tally row for a case
    about to go, and the flush's commit fails on the foreign key. Audits made drafts count no more.
    (PostgreSQL empties with TRUNCATE, which fires no row trigger.)"""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audits_audit SET status = 'draft'")


# Reading the tables.


def snapshot(models):
    """Every row of every table, as {table: {pk: {column: value}}}, read through `models`."""
    tables = {}
    for model in models:
        fields = model._meta.concrete_fields
        rows = model._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
        tables[model._meta.db_table] = {
            row[[field.primary_key for field in fields].index(True)]: dict(
                zip((f.column for f in fields), row, strict=True)
            )
            for row in rows
        }
    return tables


def models_of(apps, labels):
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels and model._meta.managed and not model._meta.proxy
    ]


def current_models_by_table():
    return {model._meta.db_table: model for model in models_of(global_apps, global_apps.app_configs)}


def pairs_of_content_types():
    return {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}


# Old columns a later migration removed on purpose, checked elsewhere: cases 0005 took the case's chair
# and IRO fields away once 0004 had made them assignments (assert_the_named_rows_read_as_before).
DROPPED_COLUMNS = {"audits_case": {"chair_id", "iro_id"}, "audits_historicalcase": {"chair_id", "iro_id"}}


def _columns(row: dict | None, *, of: dict) -> dict | None:
    return None if row is None else {column: row.get(column) for column in of}


def _kept(table: str, row: dict) -> dict:
    return {column: value for column, value in row.items() if column not in DROPPED_COLUMNS.get(table, ())}


def assert_every_row_is_read_back(before):
    """Each old table is a table of a current model, and that model reads back every old row with the
    same id and the same values; the moved and the project's tables hold no extra rows."""
    by_table = current_models_by_table()
    missing = sorted(table for table in before if table not in by_table)
    assert not missing, f"tables no current model reads: {missing}"
    after = snapshot(by_table[table] for table in before)
    for table, rows in before.items():
        # Compared on the old columns: a later migration may add one (the access log's break-glass grant).
        kept = {pk: _kept(table, row) for pk, row in rows.items()}
        read_back = {pk: _columns(after[table].get(pk), of=row) for pk, row in kept.items()}
        assert read_back == kept, f"{table} lost or changed rows"
        if by_table[table]._meta.app_label in (*PROJECT_APPS, *NEW_APPS):
            assert len(after[table]) == len(rows), f"{table} gained rows"


# The tests.


def test_an_upgrade_keeps_every_row_grant_and_history_record_and_a_downgrade_gives_every_row_back(
    pre_split_database,
):
    """Both directions from one migration back (each migrate takes seconds): the upgraded database is
    checked, then migrated back to before the split and compared with the rows it started with."""
    old_apps = pre_split_database
    rows = build_pre_split_rows(old_apps)
    old_models = models_of(old_apps, CHECKED_APPS)
    empty = [model._meta.label for model in models_of(old_apps, PROJECT_APPS) if not model._base_manager.exists()]
    assert not empty, f"no row in {empty}: add one to tests/upgrade_rows.py"
    before = snapshot(old_models)
    content_types_before = pairs_of_content_types()
    old_labels = {m._meta.db_table: m._meta.label_lower for m in old_models if not m._meta.auto_created}

    executor = migrate_to_latest()
    run_post_migrate(executor, executor.loader.graph.leaf_nodes())

    assert_every_row_is_read_back(before)
    assert_each_content_type_moved_with_its_model(content_types_before, old_labels)
    assert_the_named_rows_read_as_before(rows)
    assert_reminders_and_notifications_start_their_history_where_the_upgrade_found_them()
    assert_the_grants_still_reach_their_cases(rows)
    # The trigger check writes an audit; it is rolled back so the downgrade starts from the upgraded rows.
    with transaction.atomic():
        assert_the_database_triggers_still_work(rows)
        transaction.set_rollback(True)

    migrate([LAST_PRE_SPLIT_AUDITS, *((app, None) for app in NEW_APPS)])

    assert snapshot(old_models) == before, "the downgrade lost or changed rows"
    assert pairs_of_content_types() == content_types_before


# What the upgrade test checks, one subject each.


def assert_each_content_type_moved_with_its_model(content_types_before, old_labels):
    """A content type keeps its id and now names the app its model lives in: ("audits", "case") became
    ("cases", "case"), and no moved model is left under "audits"."""
    by_table = current_models_by_table()
    now = pairs_of_content_types()
    moved = {}
    for table, old_label in old_labels.items():
        app_label, model_name = old_label.split(".")
        old_id = next(pk for pk, pair in content_types_before.items() if pair == (app_label, model_name))
        expected = (by_table[table]._meta.app_label, by_table[table]._meta.model_name)
        assert now[old_id] == expected, f"content type {old_id} reads {now[old_id]}, not {expected}"
        if expected[0] != app_label:
            moved[old_label] = expected
    assert moved["audits.case"] == ("cases", "case")
    assert moved["audits.historicaldueitem"] == ("timeliness", "historicaldueitem")
    assert moved["audits.coveragerollup"] == ("dashboard", "coveragerollup")
    assert len(moved) == 18
    left = ContentType.objects.filter(app_label="audits", model__in=[label.split(".")[1] for label in moved])
    assert not left.exists(), f"left under audits: {list(left.values_list('model', flat=True))}"
    assert ContentType.objects.get_for_model(global_apps.get_model("cases", "Case")).pk == old_id_of(
        content_types_before, ("audits", "case")
    )


def assert_reminders_and_notifications_start_their_history_where_the_upgrade_found_them():
    """timeliness 0005: each reminder and notification written before they kept history has one "+" row."""
    from timeliness.models import Notification, Reminder

    for model in (Reminder, Notification):
        assert model.objects.exists()
        for row in model.objects.all():
            (history,) = row.history.all()
            assert history.history_type == "+" and history.history_change_reason.startswith("History starts here")


def old_id_of(content_types, pair):
    return next(pk for pk, old_pair in content_types.items() if old_pair == pair)


def assert_the_named_rows_read_as_before(rows):
    from audits.models import Audit, CaseAuditTally
    from cases.models import AccessLogEntry, Case, Episode
    from timeliness.models import DueItem

    case = Case.objects.get(pk=rows.case_granted_to_chair)
    assert (case.reference, case.child_name, case.team.name) == ("CS-1001", "Ada Example", "North Assessment")
    # cases 0004 and 0005: the chair field became an assignment from the day the case was made, with history.
    (chaired,) = case.assignments.all()
    assert (chaired.role.key, chaired.user.username, chaired.start, chaired.end) == (
        "independent-chair",
        "casey.chair",
        case.created_at.date(),
        None,
    )
    assert chaired.history.get().history_type == "+"
    assert not Case.objects.get(pk=rows.case_granted_to_team).assignments.exists()
    assert Case.objects.get(pk=rows.case_granted_to_nobody).status == "closed"
    assert [(h.history_type, h.reference, h.history_user.username) for h in case.history.all()] == [
        ("~", "CS-1001", "quinn.admin"),
        ("+", "CS-1001", "quinn.admin"),
    ]
    assert case.history.earliest().instance.child_name == "Ada Example"
    episode = Episode.objects.get(pk=rows.episode)
    assert (episode.case, episode.kind, episode.history.get().history_type) == (case, "child_protection_plan", "+")
    due_item = DueItem.objects.get(pk=rows.due_item)
    assert (due_item.case, due_item.satisfied_by_id, due_item.sample_draw.chosen) == (case, rows.audit, [case.pk])
    assert due_item.history.get().key == due_item.key
    assert list(due_item.reminders.values_list("stage", flat=True)) == ["due_soon"]
    assert Audit.objects.get(pk=rows.audit).case == case
    tally = CaseAuditTally.objects.get(case=case)
    assert (tally.audits, tally.moderated, tally.agreed) == (1, 1, 0)
    assert AccessLogEntry.objects.get(pk=rows.access_log_entry).case == case
    assert LogEntry.objects.get(object_id=str(case.pk)).get_edited_object() == case


def assert_the_grants_still_reach_their_cases(rows):
    from cases.models import Case, Episode
    from processes.models import Process

    chair, worker = User.objects.get(pk=rows.chair), User.objects.get(pk=rows.worker)
    granted_to_chair = Case.objects.get(pk=rows.case_granted_to_chair)
    granted_to_team = Case.objects.get(pk=rows.case_granted_to_team)
    view_case = Permission.objects.get(content_type__app_label="cases", codename="view_case")
    assert view_case.pk == rows.view_case_permission

    # The app's own scoping, for a chair (assigned scope) and a team member (team scope).
    assert list(Case.objects.for_user(chair)) == [granted_to_chair]
    assert list(Case.objects.for_user(worker)) == [granted_to_team]
    assert list(Case.objects.for_user(worker, shape="exists")) == [granted_to_team]
    assert Case.objects.count_for_user(chair) == 1

    # guardian agrees, through the direct-foreign-key tables and the generic ones.
    assert get_perms(chair, granted_to_chair) == ["view_case"]
    assert get_perms(chair, granted_to_team) == []
    assert ObjectPermissionChecker(worker).has_perm("view_case", granted_to_team)
    assert not ObjectPermissionChecker(worker).has_perm("view_case", granted_to_chair)
    assert chair.has_perm("cases.view_case", granted_to_chair)
    assert get_perms(Group.objects.get(pk=rows.team_group), granted_to_team) == ["view_case"]
    episode = Episode.objects.get(pk=rows.episode)
    assert get_perms(chair, episode) == ["change_episode"]
    assert ObjectPermissionChecker(worker).has_perm("change_episode", episode)
    assert get_perms(worker, Process.objects.get(pk=rows.process)) == ["record_process"]
    # The team's group kept its model-wide permission, now under the cases app.
    assert User.objects.get(pk=rows.worker).has_perm("cases.add_case")


def assert_the_database_triggers_still_work(rows):
    """The tally triggers (both databases) count a new submitted audit; on PostgreSQL the access log
    still refuses an UPDATE."""
    from audits.models import Audit, CaseAuditTally
    from cases.models import AccessLogEntry, Case

    case = Case.objects.get(pk=rows.case_granted_to_team)
    assert not CaseAuditTally.objects.filter(case=case).exists()
    Audit.objects.create(
        process_id=rows.process, case=case, team=case.team, carried_out_by_id=rows.worker, status="submitted"
    )
    assert CaseAuditTally.objects.values_list("audits", "moderated", "agreed").get(case=case) == (1, 0, 0)

    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=rows.access_log_entry).update(path="/elsewhere/")
        assert AccessLogEntry.objects.get(pk=rows.access_log_entry).path.startswith("/cases/")
