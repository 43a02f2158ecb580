"""The references of bulk records get a table of their own (`AccessLogReference`, one row per
reference and record) instead of an index on `AccessLogSubject.subject_reference`, which took more
than half of writing an export's bulk entry (docs/performance.md). Filled here from the bulk
records already written, so a search by reference answers the same before and after. On PostgreSQL
append-only like the other log tables (the function of migration 0007)."""

from django.db import migrations, models

BACKFILL = """
INSERT INTO accesslog_accesslogreference (reference, subject_type, subject_id)
SELECT DISTINCT s.subject_reference, e.subject_type, s.subject_id
FROM accesslog_accesslogsubject s JOIN accesslog_accesslogentry e ON e.id = s.entry_id
WHERE s.subject_reference <> ''
"""
TRIGGER = """
CREATE TRIGGER accesslog_reference_append_only
    BEFORE UPDATE OR DELETE ON accesslog_accesslogreference
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_subject_change();
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS accesslog_reference_append_only ON accesslog_accesslogreference"


def backfill_and_protect(apps, schema_editor):
    schema_editor.execute(BACKFILL, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accesslog', '0007_bulk_entries_with_a_subject_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLogReference',
            fields=[
                ('pk', models.CompositePrimaryKey('reference', 'subject_type', 'subject_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('reference', models.CharField(editable=False, max_length=40, verbose_name='pseudonymous reference')),
                ('subject_type', models.CharField(editable=False, max_length=100, verbose_name='record type')),
                ('subject_id', models.BigIntegerField(editable=False, verbose_name='record id')),
            ],
            options={
                'verbose_name': 'reference of a logged record',
                'verbose_name_plural': 'references of logged records',
                'default_permissions': (),
            },
        ),
        migrations.RemoveIndex(
            model_name='accesslogsubject',
            name='accesslog_bulk_reference',
        ),
        migrations.RunPython(backfill_and_protect, unprotect, elidable=False),
    ]
