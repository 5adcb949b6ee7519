from django.db import migrations


def sync_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The role groups get the permissions of the rating models."""

    dependencies = [("mentoring", "0002_roles_and_topics"), ("mapping", "0003_rubric_v1")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
