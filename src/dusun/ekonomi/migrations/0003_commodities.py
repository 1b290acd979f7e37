"""Reference list of the commodities Bungo villages produce (see dusun/ekonomi/commodities.py)."""

from django.db import migrations

def load(apps, schema_editor):
    from dusun.ekonomi.commodities import ensure

    ensure(apps.get_model("ekonomi", "Commodity"))


class Migration(migrations.Migration):
    dependencies = [("ekonomi", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
