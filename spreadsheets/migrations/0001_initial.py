import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """Permissions on the import history keep their holders: the content types move."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("importbatch", "importchange"):
        if not ContentType.objects.filter(app_label="spreadsheets", model=model).exists():
            ContentType.objects.filter(app_label="mapping", model=model).update(app_label="spreadsheets")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("importbatch", "importchange"):
        ContentType.objects.filter(app_label="spreadsheets", model=model).update(app_label="mapping")


class Migration(migrations.Migration):
    """The import history moves from mapping to this app; its tables stay as they are."""

    initial = True
    dependencies = [
        ("mapping", "0011_history_batch_without_constraint"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatch",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20, verbose_name="jenis data")),
                        ("status", models.CharField(choices=[("checking", "Sedang diperiksa"), ("ready", "Siap diimpor"), ("invalid", "Ada galat"), ("importing", "Sedang diimpor"), ("done", "Selesai diimpor"), ("failed", "Gagal, tidak ada yang disimpan"), ("undone", "Dibatalkan")], default="checking", max_length=10, verbose_name="status")),
                        ("file_name", models.CharField(max_length=255, verbose_name="nama berkas")),
                        ("file_size", models.PositiveIntegerField(verbose_name="ukuran (byte)")),
                        ("checksum", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("content", models.BinaryField(editable=False, verbose_name="isi berkas")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="diunggah")),
                        ("imported_at", models.DateTimeField(blank=True, null=True, verbose_name="diimpor")),
                        ("undone_at", models.DateTimeField(blank=True, null=True, verbose_name="dibatalkan")),
                        ("progress", models.PositiveIntegerField(default=0, verbose_name="baris diproses")),
                        ("total_rows", models.PositiveIntegerField(default=0, verbose_name="jumlah baris")),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("counts", models.JSONField(blank=True, default=dict, verbose_name="ringkasan")),
                        ("refusal", models.TextField(blank=True, verbose_name="alasan berkas ditolak")),
                        ("notes", models.JSONField(blank=True, default=list, verbose_name="catatan pembacaan")),
                        ("errors", models.JSONField(blank=True, default=list, verbose_name="galat per baris")),
                        ("error_count", models.PositiveIntegerField(default=0, verbose_name="jumlah galat")),
                        ("sample", models.JSONField(blank=True, default=list, verbose_name="contoh baris")),
                        ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="diunggah oleh")),
                        ("undone_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="dibatalkan oleh")),
                    ],
                    options={
                        "db_table": "mapping_importbatch",
                        "verbose_name": "riwayat impor",
                        "verbose_name_plural": "riwayat impor",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ImportChange",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("row_number", models.PositiveIntegerField(verbose_name="baris")),
                        ("model", models.CharField(max_length=40, verbose_name="model")),
                        ("object_id", models.BigIntegerField(verbose_name="id objek")),
                        ("action", models.CharField(choices=[("new", "Baru"), ("updated", "Diperbarui")], max_length=8, verbose_name="tindakan")),
                        ("before", models.JSONField(blank=True, null=True, verbose_name="nilai sebelumnya")),
                        ("after", models.JSONField(verbose_name="nilai sesudah impor")),
                        ("batch", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name="changes", to="spreadsheets.importbatch")),
                    ],
                    options={
                        "db_table": "mapping_importchange",
                        "verbose_name": "perubahan oleh impor",
                        "verbose_name_plural": "perubahan oleh impor",
                        "ordering": ["batch", "row_number"],
                        "indexes": [models.Index(fields=["model", "object_id"], name="mapping_imp_model_a7d8cd_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
