from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Admin Dinas read the catalogue's entries and the owners' consents in the back office."""

    dependencies = [("mentoring", "0014_desa_visit_months"), ("mapping", "0024_catalogue_listing")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
