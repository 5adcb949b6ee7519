"""Who may import and export what, where rows land, and what the importer costs."""

import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from spreadsheets import imports
from mapping.models import UMKM, Product
from spreadsheets.models import ImportBatch
from mentoring.models import Assignment
from tests.spreadsheets.test_imports import confirm, upload
from tests.sheets import csv_bytes, umkm_row

pytestmark = pytest.mark.django_db


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def exported(client, kind="umkm", fmt="csv") -> bytes:
    """The portal's export of `kind`, which must answer 200."""
    response = client.get(reverse("spreadsheets:export-rows", args=[kind]) + f"?format={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- scope and permissions ---------------------------------------------------------------


def test_pendamping_imports_umkm_of_their_own_kecamatan(client, world):
    login(client, world, "pendamping_a")

    batch = confirm(client, upload(client, csv_bytes([umkm_row(1), umkm_row(2)])))

    assert batch.status == ImportBatch.Status.DONE
    assert UMKM.objects.filter(code__startswith="BJS-", created_by=world.users["pendamping_a"]).count() == 2


def test_a_pendamping_file_with_one_row_in_another_kecamatan_is_refused_whole(client, world):
    login(client, world, "pendamping_b")  # Kalimanah
    rows = [umkm_row(1, Kecamatan="Kalimanah", **{"Desa/Kelurahan": "Kel. Mewek"}), umkm_row(2)]

    batch = upload(client, csv_bytes(rows))

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.counts["error"] == 1 and batch.errors[0]["row"] == 3
    assert "Kecamatan Bojongsari, di luar kecamatan tugas Anda" in batch.errors[0]["message"]
    response = client.post(reverse("spreadsheets:import-confirm", args=[batch.pk]))
    assert response.status_code == 302 and response.url == reverse("spreadsheets:import-detail", args=[batch.pk])
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()


def test_a_pendamping_cannot_update_a_umkm_elsewhere_by_naming_its_code(client, world):
    login(client, world, "pendamping_b")
    row = umkm_row(1, Kecamatan="Kalimanah", **{"Desa/Kelurahan": "Mewek", "Kode UMKM": world.umkm["X"].code})

    batch = upload(client, csv_bytes([row]))

    assert "Kecamatan Bojongsari, di luar kecamatan tugas Anda" in batch.errors[0]["message"]
    world.umkm["X"].refresh_from_db()
    assert world.umkm["X"].desa == world.desa["X"]


def test_pendamping_exports_only_their_kecamatan(client, world):
    login(client, world, "pendamping_a")

    body = exported(client).decode("utf-8-sig")

    assert world.umkm["X"].code in body and world.umkm["Y"].code not in body


@pytest.mark.parametrize("role,kind,status", [
    ("pimpinan", "umkm", 403),  # reads and exports, never imports
    ("pendamping_a", "sektor", 403),  # reference data is the Dinas's
    ("pendamping_a", "penugasan", 403),
    ("admin", "penilaian", 404),  # assessments are export-only
])
def test_import_needs_the_models_import_permission(client, world, role, kind, status):
    login(client, world, role)

    assert client.get(reverse("spreadsheets:import-template", args=[kind])).status_code == status
    assert client.post(reverse("spreadsheets:import-upload", args=[kind])).status_code == status
    assert not ImportBatch.objects.exists()


def test_export_needs_the_export_permission(client, world):
    from django.contrib.auth.models import Group, Permission

    login(client, world, "pimpinan")
    assert client.get(reverse("spreadsheets:export-rows", args=["umkm"])).status_code == 200
    Group.objects.get(name="Pimpinan").permissions.remove(Permission.objects.get(codename="export_umkm"))
    world.users["pimpinan"] = type(world.users["pimpinan"]).objects.get(pk=world.users["pimpinan"].pk)
    login(client, world, "pimpinan")

    assert client.get(reverse("spreadsheets:export-rows", args=["umkm"])).status_code == 403


def test_another_users_import_is_hidden_but_staff_see_all(client, world):
    login(client, world, "pendamping_a")
    batch = upload(client, csv_bytes([umkm_row(1)]))

    login(client, world, "pendamping_b")
    assert client.get(reverse("spreadsheets:import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("spreadsheets:import-confirm", args=[batch.pk])).status_code == 404
    login(client, world, "admin")
    assert client.get(reverse("spreadsheets:import-detail", args=[batch.pk])).status_code == 200
    # Staff read it, but only its uploader imports exactly what they previewed.
    assert client.post(reverse("spreadsheets:import-confirm", args=[batch.pk])).status_code == 403


# --- export safety -------------------------------------------------------------------------


DANGEROUS = ["=1+2", "+62812", "-1+1", "@SUM(A1)", "\tTAB", "\rCR"]


def test_portal_export_neutralises_every_formula_trigger_and_keeps_nik_as_text(client, world):
    for index, name in enumerate(DANGEROUS):
        UMKM.objects.create(name=name, owner_name="x", address="x", desa=world.desa["X"], capital=1,
                            annual_turnover=1, code=f"BAHAYA-{index}", nik="3303014101800001")
    login(client, world, "admin")

    book = load_workbook(io.BytesIO(exported(client, fmt="xlsx")))

    rows = {r[0]: r for r in book.active.iter_rows(min_row=2, values_only=True)}
    names = [rows[f"BAHAYA-{i}"][2] for i in range(len(DANGEROUS))]
    # XML turns the carriage return into a line feed when read back; it stays neutralised.
    assert names[:5] == ["'" + d for d in DANGEROUS[:5]] and names[5] in ("'\rCR", "'\nCR")
    nik = next(row for row in book.active.iter_rows(min_row=2) if row[0].value == "BAHAYA-0")[4]
    assert nik.value == "3303014101800001" and nik.number_format == "@"


def test_admin_export_through_import_export_is_neutralised_too(client, world):
    world.umkm["X"].name = "=HYPERLINK(\"http://jahat\")"
    world.umkm["X"].save()
    login(client, world, "admin")

    response = client.post(reverse("admin:mapping_umkm_export"), {"format": "0", "resource": "0"})  # 0 = XLSX

    assert response.status_code == 200, response.content[:500]
    book = load_workbook(io.BytesIO(response.content))
    names = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://jahat\")" in names


def test_admin_export_needs_the_export_permission(client, world):
    login(client, world, "pendamping_a")  # staff, but no export permission for sektor

    assert client.get(reverse("admin:mapping_sector_export")).status_code == 403


# --- desa resolution -----------------------------------------------------------------------


@pytest.mark.parametrize("kecamatan,desa", [
    ("KEC. BOJONGSARI", "Desa  Karangbanjar"),
    ("bojongsari", "karangbanjar"),
    ("", ""),  # the Kode Desa column alone
])
def test_desa_is_found_by_code_or_by_normalised_names(client, world, kecamatan, desa):
    login(client, world, "admin")
    row = umkm_row(1, Kecamatan=kecamatan, **{"Desa/Kelurahan": desa,
                                               "Kode Desa": "" if desa else "33.03.14.2008"})

    batch = upload(client, csv_bytes([row]))

    assert batch.counts["new"] == 1, batch.errors


def test_a_desa_name_alone_never_decides_between_kecamatan(client, world):
    from mapping.models import Desa
    from mapping.spreadsheet_specs import place_key

    names = {}
    for name, kecamatan in Desa.objects.values_list("name", "kecamatan__name"):
        names.setdefault(place_key(name), []).append(kecamatan)
    twice = [n for n, k in names.items() if len(k) > 1]
    assert len(twice) == 8
    shared = Desa.objects.filter(name__iexact=twice[0]).first().name
    login(client, world, "admin")

    batch = upload(client, csv_bytes([umkm_row(1, Kecamatan="", **{"Desa/Kelurahan": shared})]))

    message = batch.errors[0]["message"]
    assert "Isi Kecamatan" in message
    assert all(k in message for k in names[place_key(shared)])


def test_an_unknown_desa_suggests_the_closest_names(client, world):
    login(client, world, "admin")

    batch = upload(client, csv_bytes([umkm_row(1, **{"Desa/Kelurahan": "Karangbanjer"})]))

    assert batch.errors[0]["message"].startswith(
        "Desa/kelurahan Karangbanjer tidak ada di Kecamatan Bojongsari. Mungkin maksud Anda: Karangbanjar")


def test_a_location_outside_the_chosen_desa_is_a_row_error(client, world):
    login(client, world, "admin")
    lng, lat = world.desa["Y"].centre["coordinates"]

    batch = upload(client, csv_bytes([umkm_row(1, Lintang=str(lat), Bujur=str(lng))]))

    assert "bukan di Karangbanjar" in batch.errors[0]["message"] and batch.errors[0]["column"] == "Lintang"


def test_the_same_umkm_twice_in_one_file_is_an_error_naming_the_first_row(client, world):
    login(client, world, "admin")

    batch = upload(client, csv_bytes([umkm_row(1), umkm_row(2), umkm_row(1)]))

    assert batch.errors[0]["row"] == 4 and "sama dengan baris 2" in batch.errors[0]["message"]


def office_row(n, **overrides):
    """A recap row with no NIB and no code, as most village businesses are."""
    return umkm_row(n, **{"Kode UMKM": "", "NIB": "", **overrides})


def test_a_row_without_nib_or_code_is_matched_by_name_owner_and_desa_and_never_duplicated(client, world):
    login(client, world, "admin")
    rows = [office_row(1, **{"Nama Usaha": "Keripik Sari Rasa", "Nama Pemilik": "Bu Siti Aminah"}),
            office_row(2, **{"Nama Usaha": "Batik Melati", "Nama Pemilik": "Sumiyati"})]

    first = confirm(client, upload(client, csv_bytes(rows)))
    assert first.status == ImportBatch.Status.DONE and first.counts["new"] == 2
    made = UMKM.objects.get(name="Keripik Sari Rasa")
    assert made.code  # generated

    # The same recap again, retyped: case, punctuation, a title, a new phone number.
    again = [office_row(1, **{"Nama Usaha": "KERIPIK SARI RASA.", "Nama Pemilik": "Siti Aminah", "Telepon": "0857-1111-2222"}),
             office_row(2, **{"Nama Usaha": "Batik Melati", "Nama Pemilik": "Sumiyati"})]
    second = confirm(client, upload(client, csv_bytes(again)))
    assert second.status == ImportBatch.Status.DONE, second.errors
    assert (second.counts["new"], second.counts["updated"], second.counts["unchanged"]) == (0, 1, 1)
    assert UMKM.objects.filter(name__istartswith="keripik sari rasa").count() == 1
    made.refresh_from_db()
    assert made.phone == "085711112222" and made.name == "KERIPIK SARI RASA."


def test_a_near_match_is_asked_and_the_answer_decides(client, world):
    login(client, world, "admin")
    confirm(client, upload(client, csv_bytes([office_row(1, **{"Nama Usaha": "Gula Semut Manis Jaya",
                                                                 "Nama Pemilik": "Darsono"})])))
    stored = UMKM.objects.get(name="Gula Semut Manis Jaya")

    near = upload(client, csv_bytes([office_row(1, **{"Nama Usaha": "Gula Semut Manis Jaya Abadi",
                                                      "Nama Pemilik": "Darsono"})]))
    assert near.status == ImportBatch.Status.READY and near.counts["near"] == 1
    assert near.columns["near"] == [{"row": 2, "label": "Gula Semut Manis Jaya Abadi — Karangbanjar", "pk": stored.pk,
                                     "match": "Gula Semut Manis Jaya (Darsono)"}]
    page = client.get(reverse("spreadsheets:import-detail", args=[near.pk])).content.decode()
    assert "Mungkin sama dengan" in page and 'id="import-confirm"' not in page
    # Importing before answering is refused; nothing is written.
    client.post(reverse("spreadsheets:import-confirm", args=[near.pk]))
    near.refresh_from_db()
    assert near.status == ImportBatch.Status.READY and UMKM.objects.count() == 3

    client.post(reverse("spreadsheets:import-decide", args=[near.pk]), {"sama-2": str(stored.pk)})
    near.refresh_from_db()
    assert near.status == ImportBatch.Status.READY and near.counts["updated"] == 1 and near.counts["near"] == 0
    confirm(client, near)
    stored.refresh_from_db()
    assert stored.name == "Gula Semut Manis Jaya Abadi" and UMKM.objects.count() == 3


def test_a_near_match_answered_as_new_becomes_a_new_umkm(client, world):
    login(client, world, "admin")
    confirm(client, upload(client, csv_bytes([office_row(1, **{"Nama Usaha": "Sapu Glagah Jaya",
                                                                 "Nama Pemilik": "Karsono"})])))
    near = upload(client, csv_bytes([office_row(1, **{"Nama Usaha": "Sapu Glagah Jaya 2", "Nama Pemilik": "Karsono"})]))
    client.post(reverse("spreadsheets:import-decide", args=[near.pk]), {"sama-2": "baru"})
    near.refresh_from_db()
    assert (near.counts["new"], near.counts["near"]) == (1, 0)
    confirm(client, near)
    assert UMKM.objects.filter(name__startswith="Sapu Glagah Jaya").count() == 2


def test_a_business_of_the_same_name_in_another_desa_is_another_umkm(client, world):
    login(client, world, "admin")
    confirm(client, upload(client, csv_bytes([office_row(1, **{"Nama Usaha": "Knalpot Mandiri", "Nama Pemilik": "Rusdi"})])))
    elsewhere = office_row(1, **{"Nama Usaha": "Knalpot Mandiri", "Nama Pemilik": "Rusdi", "Desa/Kelurahan": "Bojongsari"})
    batch = upload(client, csv_bytes([elsewhere]))
    assert (batch.counts["new"], batch.counts["near"]) == (1, 0)


# --- other kinds of data ---------------------------------------------------------------------


def test_products_are_imported_for_existing_umkm_and_matched_by_name(client, world):
    login(client, world, "admin")
    headers = ["Kode UMKM", "Nama Produk", "Sektor", "Harga (Rp)", "Jangkauan Pasar"]
    rows = [
        {"Kode UMKM": world.umkm["X"].code, "Nama Produk": "produk x", "Sektor": "kerajinan", "Harga (Rp)": "5000",
         "Jangkauan Pasar": "Provinsi"},
        {"Kode UMKM": world.umkm["X"].code, "Nama Produk": "Gula semut", "Sektor": "Makanan & minuman",
         "Harga (Rp)": "", "Jangkauan Pasar": ""},
        {"Kode UMKM": "TIDAK-ADA", "Nama Produk": "Apa saja", "Sektor": "Jasa", "Harga (Rp)": "", "Jangkauan Pasar": ""},
    ]

    batch = upload(client, csv_bytes(rows, headers=headers), kind="produk")

    assert batch.counts == {"new": 1, "updated": 1, "unchanged": 0, "error": 1, "total": 3, "near": 0}
    assert "Tidak ada UMKM dengan kode TIDAK-ADA" in batch.errors[0]["message"]
    batch = confirm(client, upload(client, csv_bytes(rows[:2], headers=headers), kind="produk"))
    world.product["X"].refresh_from_db()
    assert (world.product["X"].price, world.product["X"].market_reach, world.product["X"].sector.code) == (
        5000, "provinsi", "kerajinan")
    assert Product.objects.get(name="Gula semut").market_reach == "lokal"


def test_assignments_are_imported_and_overlaps_refused(client, world):
    login(client, world, "admin")
    headers = ["Username Pendamping", "Kecamatan", "Mulai", "Berakhir", "Catatan"]
    rows = [
        {"Username Pendamping": "pendamping.a", "Kecamatan": "Kutasari", "Mulai": "02/01/2026", "Catatan": "SK 1"},
        # Pendamping A already covers Bojongsari with an open-ended assignment.
        {"Username Pendamping": "pendamping.a", "Kecamatan": "33.03.14", "Mulai": "2020-01-01", "Berakhir": ""},
    ]

    batch = upload(client, csv_bytes(rows, headers=headers), kind="penugasan")

    assert batch.counts["new"] == 1 and batch.counts["error"] == 1
    assert batch.errors[0]["row"] == 3 and "bertumpang tindih" in batch.errors[0]["message"]
    confirm(client, upload(client, csv_bytes(rows[:1], headers=headers), kind="penugasan"))
    assert Assignment.objects.filter(pendamping__user__username="pendamping.a", kecamatan__name="Kutasari",
                                     note="SK 1").exists()


def test_sectors_can_be_added_and_renamed_by_staff(client, world):
    login(client, world, "admin")
    rows = [{"Kode Sektor": "jasa", "Nama Sektor": "Jasa & layanan", "Urutan": "9"},
            {"Kode Sektor": "batik", "Nama Sektor": "Batik", "Urutan": "12"}]

    batch = confirm(client, upload(client, csv_bytes(rows), kind="sektor"))

    assert batch.counts["new"] == 1 and batch.counts["updated"] == 1
    from mapping.models import Sector
    assert Sector.objects.get(code="jasa").name == "Jasa & layanan" and Sector.objects.filter(code="batik").exists()


def test_desa_names_are_updated_but_new_desa_are_not_created_from_a_sheet(client, world):
    login(client, world, "admin")
    rows = [{"Kode Kemendagri": "33.03.14.2008", "Nama Desa/Kelurahan": "Karangbanjar Baru"},
            {"Kode Kemendagri": "33.03.14.2999", "Nama Desa/Kelurahan": "Desa Khayalan"}]

    batch = upload(client, csv_bytes(rows), kind="desa")

    assert batch.counts["updated"] == 1 and batch.counts["error"] == 1
    assert "hanya memperbarui data yang sudah ada" in batch.errors[0]["message"]


# --- cost ----------------------------------------------------------------------------------


def _import_queries(django_assert_num_queries, world, rows, expected):
    spec = imports.SPECS["umkm"]
    user = type(world.users["admin"]).objects.get(pk=world.users["admin"].pk)  # role not yet cached
    batch = ImportBatch.objects.create(kind="umkm", file_name="x.csv", file_size=1, checksum="x", content=b"",
                                       created_by=user)
    content = csv_bytes(rows)
    with django_assert_num_queries(expected) as counted:
        plan = imports.plan_build(spec=spec, content=content, file_name="x.csv", user=user)
        imports.plan_write(spec=spec, plan=plan, batch=batch)
    assert len(plan.new) + len(plan.updated) == len(rows)
    return len(counted.captured_queries)


def test_import_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    existing = umkm_row(0, **{"Kode UMKM": world.umkm["X"].code})
    small = [existing] + [umkm_row(n) for n in range(1, 4)]
    large = [existing] + [umkm_row(n) for n in range(100, 180)]

    # The same on both databases (22): checking: role, kecamatan, desa, existing rows by
    # NIB and by code, code conflicts (6); writing: savepoint, version check of the updated
    # row (2); the audit entry of the batch (1); the dashboard figures: savepoint, cache
    # stamps (the regency's and every area's: an import's new rows are not read twice to
    # find their kecamatan), the desa of the updated row (of its row, of its fact) locked
    # before its facts are touched (3), old facts of the updated row deleted, rating classes, sector
    # bits, class bits, its products, permits, current assessments, assessments opened and
    # the UMKM row (12); release both savepoints (2).
    # The summaries of the one desa the rows are in (mapping.services.summaries): the desa
    # locked, its 7 tables' rows deleted, its facts, its kecamatan, its standings; its visit
    # months deleted and its visits read; its aid recipients whose kecamatan is not their
    # desa's (by UMKM, by group: 2 reads); the catalogue's list rows
    # of the updated UMKM deleted and its published products read (none: nothing written).
    # Their few rows are written with one INSERT each (figures, filtered figures, sector
    # pairs, LQ base, months).
    # The bulk writes differ by database (spreadsheets/bulk.py):
    # - SQLite, 60: ids taken 3 times (new UMKM, history of new rows, history of the updated
    #   row), one query each (the larger of sqlite_sequence and MAX(id)); insert of the new
    #   UMKM, update, 2 history inserts, 2 facts inserts (new rows, the refreshed row): one
    #   executemany each; the visit months' ids and insert.
    # - PostgreSQL, 54: ids taken with one nextval() query for the new UMKM and for the
    #   history of the updated row (the database numbers the history of new rows and the
    #   visit months); the update through a temporary table (create, UPDATE … FROM, drop).
    #   The COPY statements (UMKM, temporary table, 2 history, 2 facts, the visit months) run
    #   on the driver's cursor, which Django's query log does not see.
    expected = 54 if connection.vendor == "postgresql" else 60
    few = _import_queries(django_assert_num_queries, world, small, expected)
    UMKM.objects.filter(pk=world.umkm["X"].pk).update(name="lagi")
    many = _import_queries(django_assert_num_queries, world, large, expected)

    assert many == few == expected


def test_admin_export_page_names_the_template_columns_in_indonesian(client, world):
    login(client, world, "admin")

    page = client.get(reverse("admin:mapping_umkm_export"))

    assert page.status_code == 200
    page = page.content.decode()
    assert "Ekspor UMKM" in page and "Kode UMKM, NIB, Nama Usaha" in page and "Unduh" in page
    changelist = client.get(reverse("admin:mapping_umkm_changelist"))
    assert changelist.status_code == 200
    changelist = changelist.content.decode()
    assert reverse("admin:mapping_umkm_import") in changelist  # the library's import screens, engine behind
    assert "Impor di portal" in changelist and reverse("spreadsheets:transfers") + "#impor-umkm" in changelist


def test_import_history_and_detail_pages_run_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    # 3 users x 2 uploads (pendamping B's rows lie outside Kalimanah: checked, with errors).
    for role in ("pendamping_b", "pendamping_a", "admin"):
        login(client, world, role)
        for n in range(2):
            upload(client, csv_bytes([umkm_row(n), umkm_row(n + 10)], headers=None))
    batch = ImportBatch.objects.latest("pk")
    login(client, world, "admin")

    # session, user, navigation permissions (user, groups), role, the batch count, the page
    # of batches with their uploader: 7, never per batch.
    with django_assert_num_queries(7):
        history = client.get(reverse("spreadsheets:transfers"))
        assert history.status_code == 200
    # session, user, role, the batch with its uploader and undoer, navigation permissions
    # (user, groups): 6.
    with django_assert_num_queries(6):
        detail = client.get(reverse("spreadsheets:import-detail", args=[batch.pk]))
        assert detail.status_code == 200

    assert history.content.decode().count("umkm.csv") == 6
    assert "Siap diimpor" in detail.content.decode()


def test_a_file_full_of_rows_elsewhere_costs_no_query_per_row(client, world, django_assert_num_queries):
    login(client, world, "pendamping_b")
    few = csv_bytes([umkm_row(n) for n in range(2)])
    many = csv_bytes([umkm_row(n) for n in range(60)])
    counts = []
    for content in (few, many):
        user = type(world.users["pendamping_b"]).objects.get(pk=world.users["pendamping_b"].pk)  # role not cached
        # role, assigned kecamatan, kecamatan, desa, kecamatan names, existing rows by NIB
        # and by code, code conflicts: 8 for 2 rows and for 60.
        with django_assert_num_queries(8) as counted:
            plan = imports.plan_build(spec=imports.SPECS["umkm"], content=content, file_name="x.csv", user=user)
        counts.append(len(counted.captured_queries))
        assert plan.error_count == len(plan.error_rows) and "di luar kecamatan tugas Anda" in plan.errors[0]["message"]

    assert counts[0] == counts[1] == 8


def test_pimpinan_exports_umkm_without_nik(client, world):
    world.umkm["X"].nik = "3303014101800001"
    world.umkm["X"].save()

    login(client, world, "pimpinan")
    body = exported(client)
    login(client, world, "pendamping_a")
    own = exported(client)

    assert world.umkm["X"].code.encode() in body and b"3303014101800001" not in body
    assert b"3303014101800001" in own


def test_swapped_latitude_and_longitude_get_the_portals_own_message(client, world):
    from mapping.models import SWAPPED_COORDINATES_MESSAGE

    login(client, world, "admin")
    lng, lat = world.desa["X"].centre["coordinates"]

    batch = upload(client, csv_bytes([umkm_row(1, Lintang=str(lng), Bujur=str(lat))]))

    assert batch.errors[0]["message"] == str(SWAPPED_COORDINATES_MESSAGE)
