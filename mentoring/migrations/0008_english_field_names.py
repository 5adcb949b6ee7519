from django.db import migrations


class Migration(migrations.Migration):
    """Field names are English (code, name) on every model."""

    dependencies = [("mentoring", "0007_roles_after_infrastructure_moves")]

    operations = [
        migrations.RenameField("topic", "kode", "code"),
        migrations.RenameField("topic", "nama", "name"),
    ]
