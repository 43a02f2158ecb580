"""The header search: a normalised name column kept on save, filled here for existing residents,
and on PostgreSQL a GIN trigram index over it (extension pg_trgm), so a (misspelt) name is found
with an index scan at national scale. SQLite searches the same column without that index."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEX = "resident_search_trgm"
BATCH = 2000


def fill_search_text(apps, schema_editor):
    from residents.search import name_key

    Resident = apps.get_model("residents", "Resident")
    batch = []
    for resident in Resident.objects.only("pk", "given_name", "family_name").iterator(chunk_size=BATCH):
        resident.search_text = name_key(resident.given_name, resident.family_name)
        batch.append(resident)
        if len(batch) >= BATCH:
            Resident.objects.bulk_update(batch, ["search_text"])
            batch = []
    Resident.objects.bulk_update(batch, ["search_text"])


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON residents_resident USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class TrigramExtensionOnPostgres(TrigramExtension):
    """Like BtreeGistExtensionOnPostgres (0002): skip the reverse on other databases too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_placement_indexes")]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="search_text",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["birth_date"], name="resident_birth_date"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        TrigramExtensionOnPostgres(),
        migrations.RunPython(add_index, drop_index),
    ]
