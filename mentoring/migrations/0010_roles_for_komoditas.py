from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Komoditas and sentra: Admin Dinas keep them, the others read them."""

    dependencies = [("mentoring", "0009_field_checks"), ("mapping", "0016_komoditas_and_sentra")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
