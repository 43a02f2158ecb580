"""A resident's placements never overlap: an exclusion constraint on PostgreSQL.

Half-open ranges `[start_date, end_date)` so a move on the same day is no overlap; an open end is
infinite. SQLite has no exclusion constraints; there Placement.clean() and the placement service
enforce the same rule. btree_gist needs a superuser (or a pre-installed extension) on first migrate.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "placement_resident_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE residents_placement ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (resident_id WITH =, daterange(start_date, end_date, '[)') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE residents_placement DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class BtreeGistExtensionOnPostgres(BtreeGistExtension):
    """Django skips creating the extension on other databases but not dropping it: reversing this
    migration on SQLite would query pg_extension. Skip there too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]

    operations = [
        BtreeGistExtensionOnPostgres(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
