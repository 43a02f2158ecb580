from django.db import migrations

# On PostgreSQL the sum rule of art. 29(2) holds whatever writes the shares (the admin, SQL by
# hand): a deferred constraint trigger checks, at commit, that the agreed quotas of each touched
# agreement add up to its statutory ones. Deferred, so a transaction may move quota from one member
# to another in two statements.
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION housing_redistribution_sum_check() RETURNS trigger AS $$
DECLARE
    agreement_id bigint;
    agreed_sum bigint;
    statutory_sum bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        agreement_id := OLD.redistribution_id;
    ELSE
        agreement_id := NEW.redistribution_id;
    END IF;
    SELECT COALESCE(SUM(agreed), 0), COALESCE(SUM(statutory), 0) INTO agreed_sum, statutory_sum
        FROM housing_redistributionshare WHERE redistribution_id = agreement_id;
    IF agreed_sum <> statutory_sum THEN
        RAISE EXCEPTION 'redistribution % : agreed quotas add up to %, statutory ones to %',
            agreement_id, agreed_sum, statutory_sum USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER housing_redistribution_sum
    AFTER INSERT OR UPDATE OR DELETE ON housing_redistributionshare
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION housing_redistribution_sum_check();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS housing_redistribution_sum ON housing_redistributionshare;
DROP FUNCTION IF EXISTS housing_redistribution_sum_check();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


def load(apps, schema_editor):
    from housing.loaders import POPULATION_FILE, POPULATION_SOURCE, POPULATION_YEAR, load_population

    load_population(
        apps.get_model("housing", "Population"),
        apps.get_model("housing", "Municipality"),
        POPULATION_FILE,
        year=POPULATION_YEAR,
        source=POPULATION_SOURCE,
    )


def unload(apps, schema_editor):
    from housing.loaders import POPULATION_YEAR

    apps.get_model("housing", "Population").objects.filter(year=POPULATION_YEAR).delete()


class Migration(migrations.Migration):
    dependencies = [("housing", "0003_population_quota_law")]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
