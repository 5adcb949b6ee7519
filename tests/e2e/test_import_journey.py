"""Staff download the UMKM template, upload it with a bad row, fix it and import."""

import io

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from playwright.sync_api import expect

from purbalingga_umkm.roles import Role
from mapping.models import UMKM
from spreadsheets.models import ImportBatch
from tests.conftest import user_with_role
from tests.e2e.conftest import log_in


@pytest.fixture
def dinas_staff(live_wilayah, job_worker):
    """As in production, the check and the import are queued jobs a worker takes while the
    page polls their progress."""
    return user_with_role("staf.impor", Role.ADMIN_DINAS, staff=True)


def filled(template: bytes, *, bad: bool, path) -> str:
    """The template with its example row replaced by two UMKM, the second perhaps with a bad desa."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["Data"]
    headers = [c.value for c in sheet[1]]
    for n, desa in ((1, "Karangbanjar"), (2, "Karangbanjer" if bad else "Karangbanjar")):
        row = {"Kode UMKM": f"BJS-E2E-{n}", "Nama Usaha": f"Gula Semut {n}", "Nama Pemilik": "Rukmini",
               "Alamat": "Dusun Kalitengah", "Kecamatan": "Bojongsari", "Desa/Kelurahan": desa,
               "Modal Usaha (Rp)": 15000000, "Omzet Tahunan (Rp)": 90000000, "Aktif": "ya"}
        for column, header in enumerate(headers, start=1):  # over the example row, as a user types
            sheet.cell(row=n + 1, column=column).value = row.get(header)
    book.save(path)
    return str(path)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_staff_fix_a_row_error_and_import(live_server, dinas_staff, browser, tmp_path, viewport):
    from tests.e2e.conftest import open_page

    context, page = open_page(browser, viewport)
    log_in(page, live_server.url, "staf.impor")
    page.goto(live_server.url + "/data/")

    card = page.locator("#impor-umkm")
    with page.expect_download() as download:
        card.get_by_role("link", name="Unduh templat XLSX").click()
    template = open(download.value.path(), "rb").read()

    card.get_by_label("Berkas CSV, XLSX, XLS atau ODS").set_input_files(filled(template, bad=True, path=tmp_path / "umkm.xlsx"))
    card.get_by_role("button", name="Unggah dan periksa").click()

    expect(page.locator("#import-status")).to_contain_text("Ada galat")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("3")
    expect(errors).to_contain_text("Desa/Kelurahan")
    expect(errors).to_contain_text("Mungkin maksud Anda: Karangbanjar")
    expect(page.get_by_role("button", name="Impor")).to_have_count(0)
    assert not UMKM.objects.filter(code__startswith="BJS-E2E").exists()

    page.get_by_label("Berkas CSV, XLSX, XLS atau ODS").set_input_files(filled(template, bad=False, path=tmp_path / "umkm2.xlsx"))
    page.get_by_role("button", name="Unggah dan periksa").click()

    expect(page.locator("#import-status")).to_contain_text("Siap diimpor")
    expect(page.locator("[data-count=new]")).to_have_text("2")
    page.get_by_role("button", name="Impor 2 baris").click()

    expect(page.locator("#import-status")).to_contain_text("Selesai diimpor")
    assert set(UMKM.objects.filter(code__startswith="BJS-E2E").values_list("desa__name", flat=True)) == {"Karangbanjar"}
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 1
    # two checks and one import, each a job the worker took from the queue
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("spreadsheets.imports.import_check_job", "SUCCESSFUL")] * 2 + [
        ("spreadsheets.imports.import_commit_job", "SUCCESSFUL")]
    assert page.js_errors == []
    context.close()
