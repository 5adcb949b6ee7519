from django.db import migrations


class Migration(migrations.Migration):
    """Field names are English (code, name) on every model, as on UMKM and Product."""

    dependencies = [("mapping", "0013_stable_fact_bits")]

    operations = [
        migrations.RenameField("kecamatan", "kode", "code"),
        migrations.RenameField("kecamatan", "nama", "name"),
        migrations.RenameField("desa", "kode", "code"),
        migrations.RenameField("desa", "nama", "name"),
        migrations.RenameField("sector", "kode", "code"),
        migrations.RenameField("sector", "nama", "name"),
        migrations.RenameField("criterion", "kode", "code"),
        migrations.RenameField("umkm", "kode", "code"),
    ]
