"""The database table of the `imports` cache (settings.CACHES, housing/imports.py)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "import_upload", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('import_upload')}")


class Migration(migrations.Migration):
    dependencies = [("housing", "0004_load_population_and_sum_trigger")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
