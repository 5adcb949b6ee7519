from django.db import migrations

TOPICS = [
    ("produksi", "Produksi", 1),
    ("kemasan", "Kemasan", 2),
    ("pemasaran-digital", "Pemasaran / digital", 3),
    ("perizinan-legalitas", "Perizinan / legalitas", 4),
    ("keuangan", "Keuangan", 5),
    ("sdm", "SDM", 6),
    ("protokol-kesehatan", "Protokol kesehatan", 7),
    ("akses-bantuan", "Akses bantuan", 8),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("mentoring", "Topic")
    for kode, nama, order in TOPICS:
        Topic.objects.update_or_create(kode=kode, defaults={"nama": nama, "order": order})


def create_roles(apps, schema_editor):
    from mentoring.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_initial"),
        ("mapping", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(create_topics, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
