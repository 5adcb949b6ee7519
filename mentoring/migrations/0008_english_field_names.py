from django.db import migrations


class Migration(migrations.Migration):
    """Field names are English (code, name) on every model."""

    dependencies = [("mentoring", "0007_roles_after_infrastructure_moves"), ("mapping", "0014_english_field_names")]

    operations = [
        migrations.RenameField("topic", "kode", "code"),
        migrations.RenameField("topic", "nama", "name"),
        migrations.AlterModelOptions(
            name="assignment",
            options={"ordering": ["kecamatan__code", "-start_date"], "permissions": [("import_assignment", "Dapat mengimpor penugasan dari spreadsheet"), ("export_assignment", "Dapat mengekspor penugasan ke spreadsheet")], "verbose_name": "penugasan", "verbose_name_plural": "penugasan"},
        ),
        migrations.AlterModelOptions(
            name="topic",
            options={"ordering": ["order", "name"], "verbose_name": "topik pendampingan", "verbose_name_plural": "topik pendampingan"},
        ),
    ]
