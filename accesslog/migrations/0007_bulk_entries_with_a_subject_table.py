"""Bulk entries: one access-log entry per export (with `subject_count`) and a narrow table of the
records it names, instead of one full row per record. Existing entries stay as they are (one record
each, `subject_count` empty); the view `accesslog_record` (model AccessRecord) shows both shapes as
one row per record, so every reader answers the same for old and new entries. On PostgreSQL the new
table is append-only like the entries (migration 0002)."""

import django.db.models.deletion
from django.db import migrations, models

# Plain SQL both SQLite and PostgreSQL read. An entry about one record has no subject_count.
COLUMNS = (
    "e.occurred_at, e.request_id, e.actor_id, e.actor_username, e.action, e.subject_type, {id}, {ref}, "
    "e.result, e.purpose, e.client_address, e.request_method, e.request_path"
)
VIEW = f"""
CREATE VIEW accesslog_record AS
SELECT e.id AS entry_id, {COLUMNS.format(id="e.subject_id", ref="e.subject_reference")}
FROM accesslog_accesslogentry e
WHERE e.subject_count IS NULL
UNION ALL
SELECT e.id AS entry_id, {COLUMNS.format(id="CAST(s.subject_id AS VARCHAR(64))", ref="s.subject_reference")}
FROM accesslog_accesslogentry e
JOIN accesslog_accesslogsubject s ON s.entry_id = e.id
"""
DROP_VIEW = "DROP VIEW IF EXISTS accesslog_record"

TRIGGER = """
CREATE OR REPLACE FUNCTION accesslog_refuse_subject_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access log entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accesslog_subject_append_only
    BEFORE UPDATE OR DELETE ON accesslog_accesslogsubject
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_subject_change();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS accesslog_subject_append_only ON accesslog_accesslogsubject;
DROP FUNCTION IF EXISTS accesslog_refuse_subject_change();
"""


def create_view_and_trigger(apps, schema_editor):
    schema_editor.execute(VIEW, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_view_and_trigger(apps, schema_editor):
    schema_editor.execute(DROP_VIEW, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accesslog', '0006_seals'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessRecord',
            fields=[
                ('pk', models.CompositePrimaryKey('entry', 'subject_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('occurred_at', models.DateTimeField(verbose_name='time (UTC)')),
                ('request_id', models.UUIDField(verbose_name='request')),
                ('actor_username', models.CharField(max_length=150, verbose_name='user name')),
                ('action', models.CharField(choices=[('view', 'viewed'), ('list', 'listed'), ('export', 'exported'), ('print', 'printed'), ('subject_access', 'right of access export')], max_length=20, verbose_name='action')),
                ('subject_type', models.CharField(max_length=100, verbose_name='record type')),
                ('subject_id', models.CharField(max_length=64, verbose_name='record id')),
                ('subject_reference', models.CharField(max_length=40, verbose_name='pseudonymous reference')),
                ('result', models.CharField(choices=[('success', 'success'), ('refused', 'refused'), ('error', 'error')], max_length=10, verbose_name='result')),
                ('purpose', models.CharField(max_length=200, verbose_name='processing purpose')),
                ('client_address', models.GenericIPAddressField(null=True, verbose_name='IP address')),
                ('request_method', models.CharField(max_length=10, verbose_name='method')),
                ('request_path', models.CharField(max_length=500, verbose_name='address requested')),
            ],
            options={
                'verbose_name': 'access log record',
                'verbose_name_plural': 'access log records',
                'db_table': 'accesslog_record',
                'ordering': ['-occurred_at', '-entry_id'],
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='subject_count',
            field=models.PositiveIntegerField(blank=True, editable=False, help_text='For an entry about many records at once (an export): how many. They are listed with the entry (AccessLogSubject), not in the record id and reference fields.', null=True, verbose_name='records'),
        ),
        migrations.CreateModel(
            name='AccessLogSubject',
            fields=[
                ('pk', models.CompositePrimaryKey('entry', 'subject_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('subject_id', models.BigIntegerField(editable=False, verbose_name='record id')),
                ('subject_reference', models.CharField(blank=True, editable=False, max_length=40, verbose_name='pseudonymous reference')),
                ('entry', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='subjects', to='accesslog.accesslogentry')),
            ],
            options={
                'verbose_name': 'record of a bulk entry',
                'verbose_name_plural': 'records of bulk entries',
                'default_permissions': (),
                'indexes': [models.Index(fields=['subject_id'], name='accesslog_bulk_subject'), models.Index(fields=['subject_reference'], name='accesslog_bulk_reference')],
            },
        ),
        migrations.RunPython(create_view_and_trigger, drop_view_and_trigger, elidable=False),
    ]
