"""The access log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on its table.

TRUNCATE stays possible: it is how the test runner empties tables between tests, and no app code path
issues it. SQLite (the zero-install development default) has no trigger; the app never updates or
deletes entries there either.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audits_accesslogentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audits_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON audits_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audits_accesslogentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audits_accesslogentry_append_only ON audits_accesslogentry;
DROP FUNCTION IF EXISTS audits_accesslogentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_cases_episodes_access_log")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
