"""Rows written before the log kept only safe query parameters lose their query string: a search
for a name or V-number in an address must not stay in an append-only table forever. The trigger
that refuses changes is set aside for this one statement, by the migration's (owner) role."""

from django.db import migrations

TABLE = "accesslog_accesslogentry"


def strip(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accesslog_append_only")
    cut = (
        "split_part(request_path, '?', 1)"
        if postgresql
        else "substr(request_path, 1, instr(request_path, '?') - 1)"
    )
    schema_editor.execute(f"UPDATE {TABLE} SET request_path = {cut} WHERE request_path LIKE '%%?%%'")
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER accesslog_append_only")


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0004_actor_without_constraint")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=False)]
