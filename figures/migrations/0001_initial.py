"""DataVersion, which lived in the `thuisgevers` package until the apps were split.

A database migrated before the split already has the table `thuisgevers_dataversion` (and a row in
django_migrations for `thuisgevers.0001_initial`); a new database has neither. The state always
gains the model; the table is created only where it is missing, so both databases end up the same
and no data moves.
"""

from django.db import migrations, models


def create_table_if_missing(apps, schema_editor):
    model = apps.get_model("figures", "DataVersion")
    if model._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("figures", "DataVersion"))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("value", models.BigIntegerField(default=0, verbose_name="version")),
                    ],
                    options={
                        "verbose_name": "data version",
                        "verbose_name_plural": "data versions",
                        "db_table": "thuisgevers_dataversion",
                    },
                ),
            ],
        ),
        migrations.RunPython(create_table_if_missing, drop_table),
    ]
