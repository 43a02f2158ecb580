"""On PostgreSQL the audit history refuses DELETE and UPDATE, like the access log. Two updates are
let through: nulling the actor when a user is deleted (nothing else changes), and the retention
purge's scrub of personal values, which announces itself with `SET LOCAL thuisgevers.scrubbing`
inside its own transaction (residents.services.anonymise_household)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_history_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('thuisgevers.scrubbing', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit history is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_history_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_history_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_history_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS audit_history_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_enrolment_codes"), ("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
