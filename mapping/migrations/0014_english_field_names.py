from django.db import migrations, models


class Migration(migrations.Migration):
    """Field names are English (code, name) on every model, as on UMKM and Product.

    The unique constraints naming the old fields are dropped first and made again on
    the new names, so the migration also runs backwards (SQLite rebuilds tables).
    """

    dependencies = [("mapping", "0013_stable_fact_bits")]

    operations = [
        migrations.RemoveConstraint(
            model_name="criterion",
            name="criterion_kode_unique_per_rubric",
        ),
        migrations.RemoveConstraint(
            model_name="desa",
            name="desa_nama_unique_per_kecamatan",
        ),
        migrations.RemoveConstraint(
            model_name="kecamatan",
            name="kecamatan_nama_unique",
        ),
        migrations.RenameField("kecamatan", "kode", "code"),
        migrations.RenameField("kecamatan", "nama", "name"),
        migrations.RenameField("desa", "kode", "code"),
        migrations.RenameField("desa", "nama", "name"),
        migrations.RenameField("sector", "kode", "code"),
        migrations.RenameField("sector", "nama", "name"),
        migrations.RenameField("criterion", "kode", "code"),
        migrations.RenameField("umkm", "kode", "code"),
        migrations.AlterModelOptions(
            name="assessmentscore",
            options={"ordering": ["criterion__order", "criterion__code"]},
        ),
        migrations.AlterModelOptions(
            name="criterion",
            options={"ordering": ["order", "code"], "verbose_name": "kriteria", "verbose_name_plural": "kriteria"},
        ),
        migrations.AlterModelOptions(
            name="desa",
            options={"ordering": ["code"], "permissions": [("import_desa", "Dapat mengimpor desa/kelurahan dari spreadsheet"), ("export_desa", "Dapat mengekspor desa/kelurahan ke spreadsheet")], "verbose_name": "desa/kelurahan", "verbose_name_plural": "desa/kelurahan"},
        ),
        migrations.AlterModelOptions(
            name="kecamatan",
            options={"ordering": ["code"], "permissions": [("import_kecamatan", "Dapat mengimpor kecamatan dari spreadsheet"), ("export_kecamatan", "Dapat mengekspor kecamatan ke spreadsheet")], "verbose_name": "kecamatan", "verbose_name_plural": "kecamatan"},
        ),
        migrations.AlterModelOptions(
            name="sector",
            options={"ordering": ["order", "name"], "permissions": [("import_sector", "Dapat mengimpor sektor dari spreadsheet"), ("export_sector", "Dapat mengekspor sektor ke spreadsheet")], "verbose_name": "sektor", "verbose_name_plural": "sektor"},
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.UniqueConstraint(fields=("rubric", "code"), name="criterion_code_unique_per_rubric"),
        ),
        migrations.AddConstraint(
            model_name="desa",
            constraint=models.UniqueConstraint(fields=("kecamatan", "name"), name="desa_name_unique_per_kecamatan", violation_error_message="Nama desa ini sudah ada di kecamatan yang sama."),
        ),
        migrations.AddConstraint(
            model_name="kecamatan",
            constraint=models.UniqueConstraint(fields=("name",), name="kecamatan_name_unique"),
        ),
    ]
