from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The role groups get the spreadsheet import/export permissions."""

    dependencies = [
        ("mentoring", "0005_assignment_transfer_permissions"),
        ("mapping", "0009_imports_and_umkm_kode"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
