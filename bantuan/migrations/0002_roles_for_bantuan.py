from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Admin Dinas run aid programs, Pimpinan read them, pendamping keep their groups and follow-ups."""

    dependencies = [("bantuan", "0001_initial"), ("mentoring", "0013_roles_for_held_submissions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
