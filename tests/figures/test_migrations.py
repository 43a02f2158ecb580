"""A database migrated before the apps were split keeps its data version under the new code.

Until the split, `DataVersion` was the model of the `thuisgevers` app (migration
`thuisgevers.0001_initial`, table `thuisgevers_dataversion`). The test rebuilds that state — the
table with a row, the old migration recorded, no `figures` migration — and runs `migrate`.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from figures import cache
from figures.models import DataVersion


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrate_adopts_the_table_of_the_pre_split_app_and_keeps_its_row():
    call_command("migrate", "figures", "0001", verbosity=0)  # what the split concerns: before the summary
    recorder = MigrationRecorder(connection)
    with connection.schema_editor() as editor:
        editor.delete_model(DataVersion)
        editor.create_model(DataVersion)  # the same columns the old migration created
    DataVersion.objects.create(pk=1, value=41)
    recorder.migration_qs.filter(app="figures").delete()
    recorder.record_applied("thuisgevers", "0001_initial")
    try:
        call_command("migrate", verbosity=0)

        assert recorder.migration_qs.filter(app="figures", name="0001_initial").exists()
        assert list(DataVersion.objects.values_list("pk", "value")) == [(1, 41)]
        assert cache.version() == 41
    finally:
        recorder.record_unapplied("thuisgevers", "0001_initial")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_table_on_a_database_without_it():
    call_command("migrate", "figures", "0001", verbosity=0)
    recorder = MigrationRecorder(connection)
    with connection.schema_editor() as editor:
        editor.delete_model(DataVersion)
    recorder.migration_qs.filter(app="figures").delete()

    call_command("migrate", verbosity=0)

    assert DataVersion._meta.db_table in connection.introspection.table_names()
    cache.bump()
    assert cache.version() == 1
