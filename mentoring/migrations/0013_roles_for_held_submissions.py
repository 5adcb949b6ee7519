from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Admin Dinas read meetings, monthly reports and forms handed over from phones."""

    dependencies = [("mentoring", "0012_held_submission")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
