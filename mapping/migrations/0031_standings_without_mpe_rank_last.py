"""Standings of assessments without an MPE total rank as 0, last among equal scores (as the
determination's ranking_key orders), not first as PostgreSQL sorts NULL in a descending order."""

from django.db import migrations


def zero(apps, schema_editor):
    apps.get_model("mapping", "ProductStanding").objects.filter(mpe_total__isnull=True).update(mpe_total=0)


class Migration(migrations.Migration):

    dependencies = [("mapping", "0030_catalogue_search_trigram_index")]

    operations = [migrations.RunPython(zero, migrations.RunPython.noop)]
