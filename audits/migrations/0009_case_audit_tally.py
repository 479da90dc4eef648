"""Per-case tallies of audits (not drafts), moderations and agreements, kept by triggers.

Triggers rather than code in the services: bulk writes (synthetic data), the admin and any later write
path keep the tally right without remembering to. Each trigger adds or takes away the row's share: an
audit counts while it has a case and is not a draft, with the moderations it has at that moment, so the
order in which an audit and its moderation change does not matter. The rows are built from the data at
migration time. TRUNCATE (the test runner's way of emptying tables) fires no row trigger; it empties the
tally with the rest.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audits_tally_add(p_case bigint, p_audits integer, p_moderated integer, p_agreed integer)
RETURNS void AS $$
BEGIN
    IF p_case IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO audits_caseaudittally (case_id, audits, moderated, agreed)
    VALUES (p_case, p_audits, p_moderated, p_agreed)
    ON CONFLICT (case_id) DO UPDATE SET
        audits = audits_caseaudittally.audits + EXCLUDED.audits,
        moderated = audits_caseaudittally.moderated + EXCLUDED.moderated,
        agreed = audits_caseaudittally.agreed + EXCLUDED.agreed;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audits_audit_tally() RETURNS trigger AS $$
DECLARE
    moderated integer;
    agreed integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.case_id IS NOT NULL AND OLD.status <> 'draft' THEN
        SELECT count(*), count(*) FILTER (WHERE m.agreed) INTO moderated, agreed
        FROM audits_moderation m WHERE m.audit_id = OLD.id;
        PERFORM audits_tally_add(OLD.case_id, -1, -moderated, -agreed);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.case_id IS NOT NULL AND NEW.status <> 'draft' THEN
        SELECT count(*), count(*) FILTER (WHERE m.agreed) INTO moderated, agreed
        FROM audits_moderation m WHERE m.audit_id = NEW.id;
        PERFORM audits_tally_add(NEW.case_id, 1, moderated, agreed);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audits_moderation_tally() RETURNS trigger AS $$
DECLARE
    counted_case bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT case_id INTO counted_case FROM audits_audit
        WHERE id = OLD.audit_id AND case_id IS NOT NULL AND status <> 'draft';
        PERFORM audits_tally_add(counted_case, 0, -1, CASE WHEN OLD.agreed THEN -1 ELSE 0 END);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT case_id INTO counted_case FROM audits_audit
        WHERE id = NEW.audit_id AND case_id IS NOT NULL AND status <> 'draft';
        PERFORM audits_tally_add(counted_case, 0, 1, CASE WHEN NEW.agreed THEN 1 ELSE 0 END);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audits_audit_tally_insert_delete AFTER INSERT OR DELETE ON audits_audit
    FOR EACH ROW EXECUTE FUNCTION audits_audit_tally();
CREATE TRIGGER audits_audit_tally_update AFTER UPDATE ON audits_audit
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION audits_audit_tally();
CREATE TRIGGER audits_moderation_tally_insert_delete AFTER INSERT OR DELETE ON audits_moderation
    FOR EACH ROW EXECUTE FUNCTION audits_moderation_tally();
CREATE TRIGGER audits_moderation_tally_update AFTER UPDATE ON audits_moderation
    FOR EACH ROW WHEN (OLD.agreed IS DISTINCT FROM NEW.agreed OR OLD.audit_id IS DISTINCT FROM NEW.audit_id)
    EXECUTE FUNCTION audits_moderation_tally();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audits_audit_tally_insert_delete ON audits_audit;
DROP TRIGGER IF EXISTS audits_audit_tally_update ON audits_audit;
DROP TRIGGER IF EXISTS audits_moderation_tally_insert_delete ON audits_moderation;
DROP TRIGGER IF EXISTS audits_moderation_tally_update ON audits_moderation;
DROP FUNCTION IF EXISTS audits_audit_tally();
DROP FUNCTION IF EXISTS audits_moderation_tally();
DROP FUNCTION IF EXISTS audits_tally_add(bigint, integer, integer, integer);
"""


def _sqlite_add(case: str, audits: str, moderated: str, agreed: str) -> str:
    # SQLite has no functions in triggers: each trigger repeats this upsert ("WHERE true" lets SQLite
    # read ON CONFLICT after a SELECT).
    return f"""
    INSERT INTO audits_caseaudittally (case_id, audits, moderated, agreed)
    SELECT {case}, {audits}, {moderated}, {agreed} WHERE {case} IS NOT NULL
    ON CONFLICT (case_id) DO UPDATE SET
        audits = audits + excluded.audits,
        moderated = moderated + excluded.moderated,
        agreed = agreed + excluded.agreed;"""


def _sqlite_audit_share(row: str, sign: str) -> str:
    moderations = f"(SELECT count(*) FROM audits_moderation WHERE audit_id = {row}.id)"
    agreements = f"(SELECT count(*) FROM audits_moderation WHERE audit_id = {row}.id AND agreed)"
    return _sqlite_add(f"{row}.case_id", f"{sign}1", f"{sign}{moderations}", f"{sign}{agreements}")


def _sqlite_moderation_share(row: str, sign: str) -> str:
    case = (
        f"(SELECT case_id FROM audits_audit WHERE id = {row}.audit_id AND case_id IS NOT NULL AND status <> 'draft')"
    )
    return _sqlite_add(case, "0", f"{sign}1", f"{sign}(CASE WHEN {row}.agreed THEN 1 ELSE 0 END)")


COUNTED = "{row}.case_id IS NOT NULL AND {row}.status <> 'draft'"
SQLITE_CREATE = [
    f"""CREATE TRIGGER audits_audit_tally_insert AFTER INSERT ON audits_audit
    WHEN {COUNTED.format(row="NEW")} BEGIN {_sqlite_audit_share("NEW", "")} END;""",
    f"""CREATE TRIGGER audits_audit_tally_delete AFTER DELETE ON audits_audit
    WHEN {COUNTED.format(row="OLD")} BEGIN {_sqlite_audit_share("OLD", "-")} END;""",
    f"""CREATE TRIGGER audits_audit_tally_update_old AFTER UPDATE OF status, case_id ON audits_audit
    WHEN {COUNTED.format(row="OLD")} BEGIN {_sqlite_audit_share("OLD", "-")} END;""",
    f"""CREATE TRIGGER audits_audit_tally_update_new AFTER UPDATE OF status, case_id ON audits_audit
    WHEN {COUNTED.format(row="NEW")} BEGIN {_sqlite_audit_share("NEW", "")} END;""",
    f"""CREATE TRIGGER audits_moderation_tally_insert AFTER INSERT ON audits_moderation
    BEGIN {_sqlite_moderation_share("NEW", "")} END;""",
    f"""CREATE TRIGGER audits_moderation_tally_delete AFTER DELETE ON audits_moderation
    BEGIN {_sqlite_moderation_share("OLD", "-")} END;""",
    f"""CREATE TRIGGER audits_moderation_tally_update_old AFTER UPDATE OF agreed, audit_id ON audits_moderation
    BEGIN {_sqlite_moderation_share("OLD", "-")} END;""",
    f"""CREATE TRIGGER audits_moderation_tally_update_new AFTER UPDATE OF agreed, audit_id ON audits_moderation
    BEGIN {_sqlite_moderation_share("NEW", "")} END;""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "audits_audit_tally_insert",
        "audits_audit_tally_delete",
        "audits_audit_tally_update_old",
        "audits_audit_tally_update_new",
        "audits_moderation_tally_insert",
        "audits_moderation_tally_delete",
        "audits_moderation_tally_update_old",
        "audits_moderation_tally_update_new",
    )
]

BACKFILL = """
INSERT INTO audits_caseaudittally (case_id, audits, moderated, agreed)
SELECT a.case_id, count(*), count(m.id), sum(CASE WHEN m.agreed THEN 1 ELSE 0 END)
FROM audits_audit a LEFT JOIN audits_moderation m ON m.audit_id = a.id
WHERE a.case_id IS NOT NULL AND a.status <> 'draft'
GROUP BY a.case_id
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"the audit tally triggers are written for PostgreSQL and SQLite, not {vendor}")
    schema_editor.execute(BACKFILL, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [POSTGRES_DROP] if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audits", "0008_dashboard_rollups")]

    operations = [
        migrations.CreateModel(
            name="CaseAuditTally",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audits.case",
                    ),
                ),
                ("audits", models.IntegerField(default=0)),
                ("moderated", models.IntegerField(default=0)),
                ("agreed", models.IntegerField(default=0)),
            ],
            options={"default_permissions": ()},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
