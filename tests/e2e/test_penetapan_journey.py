"""Desktop: one Admin Dinas drafts the determination round of Kecamatan Bojongsari 2027,
scores its candidate commodities, records who took part and submits it; a second Admin
Dinas adopts it with the decree; the public kecamatan page then leads with the adopted
commodities."""

import pytest
from playwright.sync_api import expect

from mapping.models import Desa, Komoditas, Penetapan, Sector, Sentra
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.e2e.conftest import log_in
from tests.factories import ProductFactory, UMKMFactory


@pytest.fixture
def two_admins(live_wilayah):
    karangbanjar = Desa.objects.get(code="33.03.14.2008")
    sentra = Sentra.objects.filter(kecamatan__code="33.03.14").select_related("komoditas").first()
    assert sentra is not None, "the real sentra of Bojongsari load with the geography"
    for workers in (4, 9, 15):
        ProductFactory(umkm=UMKMFactory(desa=karangbanjar, workers=workers), komoditas=sentra.komoditas,
                       sector=sentra.komoditas.sector, local_material_pct=80)
    user_with_role("admin.satu", Role.ADMIN_DINAS, staff=True)
    user_with_role("admin.dua", Role.ADMIN_DINAS, staff=True)
    return sentra.komoditas


def score_every_open_criterion(page, level="3"):
    """Keep each proposal; choose `level` where the team has to judge."""
    for fieldset in page.locator("#candidate-score-form fieldset").all():
        if fieldset.locator("input[type=radio]:checked").count() == 0:
            fieldset.locator(f"input[type=radio][value='{level}']").check()
    page.get_by_role("button", name="Simpan skor").click()


def test_a_round_from_draft_to_adoption(live_server, browser, two_admins):
    from tests.e2e.conftest import open_page

    context, page = open_page(browser, "desktop")
    log_in(page, live_server.url, "admin.satu")
    page.goto(live_server.url + "/penetapan/")
    page.get_by_role("link", name="Penetapan baru").click()
    page.locator("#id_kecamatan").select_option(label="Bojongsari")
    page.locator("#id_year").fill("2027")
    page.get_by_role("button", name="Buat penetapan").click()
    expect(page.get_by_role("heading", name="Penetapan produk unggulan Kecamatan Bojongsari 2027")).to_be_visible()
    expect(page.locator("#candidates")).to_contain_text(two_admins.name)
    round_url = page.url

    candidates = page.locator("#candidates a", has_text="Nilai").count()
    assert candidates >= 1
    proposal_seen = False
    for index in range(candidates):
        page.locator("#candidates a", has_text="Nilai").nth(index).click()
        # (a) is measured: 28 workers in the area → level 3 (20 ≤ 28 < 50), proposed.
        if two_admins.name in page.locator("h1").inner_text():
            expect(page.get_by_test_id("proposal-a")).to_contain_text("usulan skor 3")
            proposal_seen = True
        score_every_open_criterion(page)
        expect(page).to_have_url(round_url)
    assert proposal_seen

    page.get_by_label("Nama").fill("Sri Wahyuni")
    page.get_by_label("Peran").select_option(label="Tim penilai")
    page.get_by_role("button", name="Catat").click()
    page.get_by_label("Nama").fill("Kepala Desa Karangbanjar")
    page.get_by_label("Peran").select_option(label="Perwakilan desa/kelurahan")
    page.get_by_role("button", name="Catat").click()
    expect(page.locator("#participants")).to_contain_text("Sri Wahyuni")
    page.get_by_role("button", name="Ajukan untuk ditetapkan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan untuk ditetapkan")
    # The one who scored may not adopt: no decree form for them.
    expect(page.locator("#adopt")).to_have_count(0)
    context.close()

    context, page = open_page(browser, "desktop")
    log_in(page, live_server.url, "admin.dua")
    page.goto(round_url)
    page.get_by_label("Nomor keputusan").fill("500/123/2027")
    page.get_by_label("Tanggal keputusan").fill("2026-11-30")
    page.get_by_role("button", name="Tetapkan").click()
    expect(page.get_by_test_id("status")).to_have_text("Ditetapkan")
    expect(page.locator("#results")).to_contain_text("produk unggulan")
    assert not page.js_errors

    penetapan = Penetapan.objects.get(kecamatan__code="33.03.14", year=2027)
    assert penetapan.status == Penetapan.Status.ADOPTED and penetapan.decree_number == "500/123/2027"

    page.goto(live_server.url + "/unggulan/kecamatan/33.03.14/")
    expect(page.locator("body")).to_contain_text("500/123/2027")
    expect(page.locator("body")).to_contain_text(two_admins.name)
    context.close()
