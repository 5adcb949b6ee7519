from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The import history now belongs to the spreadsheets app: roles follow it."""

    dependencies = [
        ("mentoring", "0006_roles_for_imports"),
        ("spreadsheets", "0001_initial"),
        ("mapping", "0013_stable_fact_bits"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
