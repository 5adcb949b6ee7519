from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Admin Dinas import and export recipient lists."""

    dependencies = [("bantuan", "0003_recipient_transfer_permissions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
