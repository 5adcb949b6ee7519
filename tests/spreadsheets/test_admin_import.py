"""Staff import from the admin's familiar django-import-export screens; the engine checks
and writes behind them (row errors with row numbers, all rows or none, history, undo)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.models import UMKM, UMKMFact
from spreadsheets.models import ImportBatch
from tests.sheets import csv_bytes, umkm_row, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:mapping_umkm_import"


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["admin"])
    return client


def preview(client, content: bytes, name: str):
    response = client.post(reverse(IMPORT_URL), {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, content),
    })
    assert response.status_code == 200
    return response


def confirm(client, preview_response):
    form = preview_response.context["confirm_form"]
    return client.post(reverse("admin:mapping_umkm_process_import"), {
        name: form.initial.get(name, "") for name in ("import_file_name", "original_file_name", "format", "resource")
    })


def test_the_admin_import_page_lists_the_templates_columns_and_offers_the_template(staff):
    response = staff.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Berkas CSV atau XLSX" in content and "Kode UMKM" in content and "Omzet Tahunan (Rp)" in content
    assert reverse("spreadsheets:import-template", args=["umkm"]) in content


def test_the_preview_counts_rows_and_writes_nothing_then_confirm_writes_all_with_history(staff):
    content = xlsx_bytes([umkm_row(1), umkm_row(2), umkm_row(3)])

    shown = preview(staff, content, "rekap.xlsx")

    assert shown.context["confirm_form"] is not None
    assert shown.context["result"].totals["new"] == 3
    assert "Keripik Uji 1" in shown.content.decode()
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()

    done = confirm(staff, shown)

    assert done.status_code == 302 and done.url == reverse("admin:mapping_umkm_changelist")
    assert UMKM.objects.filter(code__startswith="BJS-").count() == 3
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE and batch.file_name == "rekap.xlsx"
    assert batch.changes.count() == 3
    assert UMKMFact.objects.filter(umkm__code__startswith="BJS-").count() == 3
    followed = staff.get(done.url)
    assert followed.status_code == 200
    assert "Impor selesai: 3 baru, 0 diperbarui, 0 tidak berubah." in followed.content.decode()
    assert reverse("spreadsheets:import-detail", args=[batch.pk]) in followed.content.decode()


def test_row_errors_are_shown_with_their_row_number_and_column_and_nothing_can_be_confirmed(staff):
    rows = [umkm_row(1), umkm_row(2, **{"Desa/Kelurahan": "Karangbanjarr"}), umkm_row(3, **{"Modal Usaha (Rp)": "banyak"})]

    shown = preview(staff, csv_bytes(rows), "rekap.csv")

    assert shown.context.get("confirm_form") is None
    invalid = {row.number: row.error_dict for row in shown.context["result"].invalid_rows}
    assert set(invalid) == {3, 4}  # rows as numbered in the file (header is row 1)
    assert "Mungkin maksud Anda: Karangbanjar" in " ".join(invalid[3]["Desa/Kelurahan"])
    assert list(invalid[4]) == ["Modal Usaha (Rp)"]
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()


def test_a_refused_file_says_why_without_a_traceback(staff):
    shown = preview(staff, b"NO,NAMA PEMILIK,ALAMAT\n1,Siti,Dusun 1\n", "rekap-kecamatan.csv")

    content = shown.content.decode()
    assert "Berkas tidak dapat diimpor" in content
    assert "Judul kolom" in content  # the engine's own message names what is missing
    assert "Traceback" not in content
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.DONE).exists()


def test_a_pendamping_in_the_admin_cannot_import_a_row_outside_their_kecamatan(client, world):
    client.force_login(world.users["pendamping_a"])
    outside = umkm_row(1, Kecamatan="Kalimanah", **{"Desa/Kelurahan": "Kalimanah Wetan"})

    shown = preview(client, csv_bytes([umkm_row(2), outside]), "rekap.csv")

    assert shown.context.get("confirm_form") is None
    messages = [m for row in shown.context["result"].invalid_rows for ms in row.error_dict.values() for m in ms]
    assert any("di luar kecamatan tugas Anda" in m for m in messages)
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()


def test_assessments_have_no_import_button_in_the_admin(staff):
    response = staff.get(reverse("admin:mapping_assessment_import"))

    assert response.status_code == 403
