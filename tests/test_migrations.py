"""The structure changes of the "one house" release migrate a populated database without loss.

The import history moves from mapping to the spreadsheets app and the figures stamp to
the project package (state only: their tables stay), sectors and rating classes get
stored fact bits equal to the flags their facts already carry, and field names become
English. Data is written with the schema as it was before, then migrated forward.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mapping", "0011_history_batch_without_constraint"), ("mentoring", "0006_roles_for_imports")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_migrates_to_the_new_structure_without_loss(wilayah):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    Sector, RatingClass = old.get_model("mapping", "Sector"), old.get_model("mapping", "RatingClass")
    UMKM, Desa = old.get_model("mapping", "UMKM"), old.get_model("mapping", "Desa")
    ImportBatch, ImportChange = old.get_model("mapping", "ImportBatch"), old.get_model("mapping", "ImportChange")
    Stamp, Topic = old.get_model("mapping", "DashboardStamp"), old.get_model("mentoring", "Topic")

    sector_ranks = {kode: rank for rank, kode in enumerate(Sector.objects.order_by("pk").values_list("kode", flat=True))}
    class_ranks = {name: rank for rank, name in enumerate(RatingClass.objects.order_by("pk").values_list("name", flat=True))}
    desa = Desa.objects.get(kode="33.03.14.2008")
    umkm = UMKM.objects.create(kode="PBG-0001", name="Sapu Glagah Jaya", owner_name="Siti", address="Dusun 1",
                               desa=desa, capital=10_000_000, annual_turnover=50_000_000)
    batch = ImportBatch.objects.create(kind="umkm", status="done", file_name="rekap.xlsx", file_size=10,
                                       checksum="c" * 64, content=b"zz", counts={"new": 1})
    ImportChange.objects.create(batch=batch, row_number=2, model="mapping.umkm", object_id=umkm.pk, action="new",
                                after={"version": 1})
    Stamp.objects.update_or_create(pk=1, defaults={"version": 41})
    topic_names = dict(Topic.objects.values_list("kode", "nama"))

    new = migrate(latest)

    Sector, RatingClass = new.get_model("mapping", "Sector"), new.get_model("mapping", "RatingClass")
    assert dict(Sector.objects.values_list("code", "fact_bit")) == sector_ranks
    assert dict(RatingClass.objects.values_list("name", "fact_bit")) == class_ranks
    assert dict(new.get_model("mentoring", "Topic").objects.values_list("code", "name")) == topic_names
    moved = new.get_model("mapping", "UMKM").objects.get(pk=umkm.pk)
    assert (moved.code, moved.name, moved.desa.name) == ("PBG-0001", "Sapu Glagah Jaya", "Karangbanjar")
    kept = new.get_model("spreadsheets", "ImportBatch").objects.get(pk=batch.pk)
    assert (kept.file_name, bytes(kept.content), kept.counts) == ("rekap.xlsx", b"zz", {"new": 1})
    assert list(kept.changes.values_list("object_id", "row_number")) == [(umkm.pk, 2)]
    assert new.get_model("purbalingga_umkm", "FiguresStamp").objects.get(pk=1).version == 41
    ContentType = new.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="spreadsheets", model="importbatch").exists()
    admin_dinas = new.get_model("auth", "Group").objects.get(name="Admin Dinas")
    assert admin_dinas.permissions.filter(content_type__app_label="spreadsheets", codename="view_importbatch").exists()


FIRST_RELEASE = [("mapping", "0001_initial"), ("mentoring", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_the_first_releases_data_in_every_table_survives_every_migration_since(wilayah):
    from datetime import date

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(FIRST_RELEASE)
    User = old.get_model("auth", "User")
    M = {name: old.get_model("mapping", name) for name in ("Kecamatan", "Desa", "Sector", "UMKM", "Product", "Permit")}
    T = {name: old.get_model("mentoring", name) for name in ("Topic", "Pendamping", "Assignment", "Visit", "FollowUp")}
    staff = User.objects.create(username="staf.lama", password="!")
    desa = M["Desa"].objects.get(kode="33.03.14.2008")
    sector = M["Sector"].objects.get(kode="kerajinan")
    umkm = M["UMKM"].objects.create(name="Sapu Glagah Kajongan", owner_name="Bu Siti", nik="3303014101800001",
                                    phone="0812-1111-2222", address="Dusun 2", desa=desa, nib="9120001234567",
                                    capital=40_000_000, annual_turnover=300_000_000, workers=6, created_by=staff)
    product = M["Product"].objects.create(umkm=umkm, name="Sapu glagah", sector=sector, price=25_000,
                                          market_reach="nasional", local_material_pct=90)
    permit = M["Permit"].objects.create(umkm=umkm, kind="nib", number="9120001234567", issued_on=date(2024, 5, 2))
    topic = T["Topic"].objects.create(kode="pemasaran-uji", nama="Pemasaran uji", order=9)
    mentor = T["Pendamping"].objects.create(user=staff, full_name="Pendamping Lama", nip="")
    assignment = T["Assignment"].objects.create(pendamping=mentor, kecamatan=desa.kecamatan, start_date=date(2025, 1, 2))
    visit = T["Visit"].objects.create(pendamping=mentor, umkm=umkm, date=date(2025, 2, 3), notes="Kunjungan pertama")
    visit.topics.add(topic)
    follow_up = T["FollowUp"].objects.create(visit=visit, description="Urus PIRT", due_date=date(2025, 3, 1))

    new = migrate(latest)

    N = {name: new.get_model("mapping", name) for name in ("UMKM", "Product", "Permit", "Sector")}
    now_umkm = N["UMKM"].objects.get(pk=umkm.pk)
    assert (now_umkm.name, now_umkm.nik, now_umkm.nib, now_umkm.capital, now_umkm.desa.name) == (
        "Sapu Glagah Kajongan", "3303014101800001", "9120001234567", 40_000_000, "Karangbanjar")
    assert now_umkm.code  # every UMKM has a Kode UMKM since the import release
    assert N["Product"].objects.get(pk=product.pk).sector.code == "kerajinan"
    assert N["Permit"].objects.get(pk=permit.pk).issued_on == date(2024, 5, 2)
    assert N["Sector"].objects.filter(fact_bit__isnull=True).count() == 0
    assert new.get_model("mentoring", "Topic").objects.get(pk=topic.pk).name == "Pemasaran uji"
    assert new.get_model("mentoring", "Assignment").objects.get(pk=assignment.pk).kecamatan.code == "33.03.14"
    kept_visit = new.get_model("mentoring", "Visit").objects.get(pk=visit.pk)
    assert kept_visit.notes == "Kunjungan pertama" and list(kept_visit.topics.values_list("pk", flat=True)) == [topic.pk]
    assert new.get_model("mentoring", "FollowUp").objects.get(pk=follow_up.pk).description == "Urus PIRT"
