"""On PostgreSQL a trigger refuses UPDATE and DELETE of access-log rows, whatever the application
does. The one update let through is the one Django makes when a user is deleted: setting actor_id
to NULL and nothing else (the user name stays in actor_username). TRUNCATE is not a row operation
and stays possible for the database owner (test database flushes)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access log entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accesslog_append_only
    BEFORE UPDATE OR DELETE ON accesslog_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS accesslog_append_only ON accesslog_accesslogentry;
DROP FUNCTION IF EXISTS accesslog_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
