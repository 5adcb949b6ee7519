"""Staff upload a desa office's recap with its own headers: they map two columns, save the
mapping, answer that one business is the same as one already registered, and import."""

import pytest
from playwright.sync_api import expect

from mapping.models import UMKM, Desa
from purbalingga_umkm.roles import Role
from spreadsheets.models import ImportBatch, MappingProfile
from tests.conftest import user_with_role
from tests.factories import UMKMFactory
from tests.sheets import xlsx_bytes
from tests.e2e.conftest import log_in

HEADERS = ["No.", "Nama Pelaku UMKM", "Nama Usahanya", "Alamat", "Desa/Kelurahan", "Kecamatan", "Omset Sebulan"]


@pytest.fixture
def office(live_wilayah, job_worker):
    user_with_role("staf.impor", Role.ADMIN_DINAS, staff=True)
    return UMKMFactory(desa=Desa.objects.get(code="33.03.14.2008"), name="Gula Semut Manis Jaya",
                       owner_name="Darsono")


def recap(path) -> str:
    rows = [{"No.": 1, "Nama Pelaku UMKM": "Waginah", "Nama Usahanya": "Lanting Waginah", "Alamat": "Dusun I",
             "Desa/Kelurahan": "Karangbanjar", "Kecamatan": "Bojongsari", "Omset Sebulan": "Rp 1.000.000"},
            {"No.": 2, "Nama Pelaku UMKM": "Darsono", "Nama Usahanya": "Gula Semut Manis Jaya Abadi",
             "Alamat": "Dusun II", "Desa/Kelurahan": "Karangbanjar", "Kecamatan": "Bojongsari",
             "Omset Sebulan": "2,5 jt"}]
    path.write_bytes(xlsx_bytes(rows, headers=HEADERS))
    return str(path)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_map_save_confirm_a_near_match_and_import(live_server, office, browser, tmp_path, viewport):
    from tests.e2e.conftest import open_page

    context, page = open_page(browser, viewport)
    log_in(page, live_server.url, "staf.impor")
    page.goto(live_server.url + "/data/")

    card = page.locator("#impor-umkm")
    card.get_by_label("Berkas CSV, XLSX, XLS atau ODS").set_input_files(recap(tmp_path / "rekap-karangbanjar.xlsx"))
    card.get_by_role("button", name="Unggah dan periksa").click()

    expect(page.locator("#import-status")).to_contain_text("Perlu pemetaan kolom")
    expect(page.locator("#mapping-problems")).to_contain_text("Nama Usaha")
    page.get_by_label("Nama Pelaku UMKM").select_option(label="Nama Pemilik *")
    page.get_by_label("Nama Usahanya").select_option(label="Nama Usaha *")
    page.get_by_label("Omset Sebulan").select_option(label="Omzet per bulan (dikali 12 menjadi omzet tahunan)")
    page.get_by_label("Simpan pemetaan ini").check()
    page.get_by_label("Nama pemetaan").fill("Rekap Desa Karangbanjar")
    page.get_by_role("button", name="Terapkan pemetaan dan periksa").click()

    expect(page.locator("#import-status")).to_contain_text("Siap diimpor")
    near = page.locator("#near-form")
    expect(near).to_contain_text("Gula Semut Manis Jaya (Darsono)")
    expect(page.locator("#import-confirm")).to_have_count(0)
    near.locator("label", has_text="Sama: perbarui UMKM itu").click()
    expect(near.get_by_label("Sama: perbarui UMKM itu")).to_be_checked()
    near.get_by_role("button", name="Simpan jawaban dan periksa ulang").click()

    expect(page.locator("#import-status")).to_contain_text("Siap diimpor")
    expect(page.locator("[data-count=new]")).to_have_text("1")
    expect(page.locator("[data-count=updated]")).to_have_text("1")
    page.get_by_role("button", name="Impor 2 baris").click()
    expect(page.locator("#import-status")).to_contain_text("Selesai diimpor")

    office.refresh_from_db()
    assert (office.name, office.annual_turnover) == ("Gula Semut Manis Jaya Abadi", 30_000_000)
    assert UMKM.objects.get(name="Lanting Waginah").annual_turnover == 12_000_000
    assert MappingProfile.objects.get().name == "Rekap Desa Karangbanjar"
    assert ImportBatch.objects.get().status == ImportBatch.Status.DONE
    assert page.js_errors == []
    context.close()
