"""Phone: a pendamping registers a UMKM, drops a pin, adds a product, rates it and submits.
Desktop: staff verify it, and the product appears in the desa's flagship ranking."""

import pytest
from playwright.sync_api import expect

from purbalingga_umkm.roles import Role
from mapping.models import UMKM, Assessment, Desa, Kecamatan
from tests.conftest import user_with_role
from tests.e2e.conftest import log_in
from tests.factories import AssignmentFactory, PendampingFactory


@pytest.fixture
def people(live_wilayah):
    mentor = user_with_role("pendamping.bojongsari", Role.PENDAMPING)
    AssignmentFactory(pendamping=PendampingFactory(user=mentor, full_name="Rini Handayani"),
                      kecamatan=Kecamatan.objects.get(code="33.03.14"))
    user_with_role("staf.dinas", Role.ADMIN_DINAS, staff=True)
    return mentor


def test_register_rate_verify_and_rank(live_server, people, browser):
    from tests.e2e.conftest import open_page

    desa = Desa.objects.get(code="33.03.14.2008")  # Karangbanjar
    lng, lat = desa.centre["coordinates"]

    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.bojongsari")
    # "Daftarkan UMKM" is on Tugas saya itself, not only in the menu.
    page.locator("#task-actions").get_by_role("link", name="Daftarkan UMKM").click()

    page.get_by_label("Nama usaha").fill("Rambut Sambung Karangbanjar")
    page.get_by_label("Nama pemilik").fill("Sutinah")
    page.get_by_label("Alamat").fill("Dusun II RT 03")
    page.get_by_label("Desa/kelurahan").select_option(label="Karangbanjar")
    page.get_by_label("Jumlah tenaga kerja").fill("12")
    page.get_by_label("Modal usaha (Rp)").fill("150000000")
    page.get_by_label("Omzet tahunan (Rp)").fill("900000000")

    frame = page.locator("#location-map-frame")
    expect(frame).to_have_attribute("data-loaded", "13")
    # Tap the map at the desa's centre: the pin drops there and fills lat/lng.
    page.locator("#location_map").scroll_into_view_if_needed()
    point = frame.evaluate("(el, ll) => el.leafletMap.latLngToContainerPoint(ll)", [lat, lng])
    box = page.locator("#location_map").bounding_box()
    page.touchscreen.tap(box["x"] + point["x"], box["y"] + point["y"])
    expect(page.get_by_label("Lintang")).not_to_have_value("")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", name="Rambut Sambung Karangbanjar")).to_be_visible()
    umkm = UMKM.objects.get(name="Rambut Sambung Karangbanjar")
    assert umkm.desa == desa and umkm.location is not None

    page.get_by_role("link", name="Tambah produk").click()
    page.get_by_label("Nama produk").fill("Hair extension")
    page.get_by_label("Sektor").select_option(label="Rambut palsu & bulu mata")
    page.get_by_label("Jangkauan pasar").select_option(value="ekspor")
    page.get_by_label("Bahan baku lokal (%)").fill("80")
    page.get_by_role("button", name="Simpan produk").click()

    page.get_by_role("link", name="Nilai potensi").click()
    expect(page.locator("#assessment-form fieldset")).to_have_count(12)
    for code in "abdefghijkl":
        page.locator(f'input[name="c_{code}"][value="4"] + label').click()  # the card of score 4
    expect(page.locator('input[name="c_c"]:checked')).to_have_count(1)  # suggested from the LQ
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Diajukan")
    assert page.js_errors == []
    context.close()

    context, page = open_page(browser, "desktop")
    log_in(page, live_server.url, "staf.dinas")
    page.goto(live_server.url + "/penilaian/verifikasi/")
    page.get_by_role("link", name="Hair extension").click()
    page.get_by_role("button", name="Verifikasi").click()  # not yet: the statement is required
    expect(page.get_by_test_id("assessment-status")).to_have_text("Diajukan")
    page.get_by_label("Saya sudah memeriksa skor dan fakta produk", exact=False).check()
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Terverifikasi")

    page.goto(live_server.url + f"/unggulan/desa/{desa.code}/")
    expect(page.get_by_role("heading", name="Produk unggulan Desa Karangbanjar")).to_be_visible()
    expect(page.locator("#ranking li").first).to_contain_text("Hair extension")
    context.close()
    assert Assessment.objects.get().status == Assessment.Status.VERIFIED
