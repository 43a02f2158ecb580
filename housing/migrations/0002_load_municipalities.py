from django.db import migrations


def load(apps, schema_editor):
    from housing.loaders import load_municipalities

    load_municipalities(apps.get_model("housing", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
