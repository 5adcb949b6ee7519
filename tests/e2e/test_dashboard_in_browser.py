"""Desktop: the bupati's office opens the dashboard, switches the map metric, drills down
to a desa and a UMKM, and exports the kecamatan table."""

import csv
import io

import pytest
from playwright.sync_api import expect

from mapping.services.facts import facts_changed
from purbalingga_umkm.roles import Role
from mapping.models import Assessment, Desa, Rubric
from tests.conftest import user_with_role
from tests.factories import ProductFactory, UMKMFactory
from tests.e2e.conftest import log_in


@pytest.fixture
def registry(live_wilayah):
    user_with_role("pimpinan", Role.PIMPINAN)
    assessor = user_with_role("pendamping.x", Role.PENDAMPING)
    desa = Desa.objects.get(code="33.03.14.2008")
    umkm = UMKMFactory(desa=desa, name="Rambut Indah <b>Jaya</b>", location=desa.centre)
    product = ProductFactory(umkm=umkm, name="Bulu mata")
    rubric = Rubric.objects.current()
    Assessment.objects.create(
        product=product, rubric=rubric, status=Assessment.Status.VERIFIED, is_current=True,
        weighted_score=80, mpe_total=500, assessed_by=assessor,
    )
    mewek = Desa.objects.get(code="33.03.06.1011")
    UMKMFactory.create_batch(3, desa=mewek, location=mewek.centre)
    facts_changed(everything=True)


def test_pimpinan_reads_the_dashboard_and_drills_down(live_server, registry, desktop_page):
    page = desktop_page
    log_in(page, live_server.url, "pimpinan")

    expect(page.get_by_test_id("headline-umkm")).to_have_text("4")
    frame = page.locator("#dashboard-map-frame")
    expect(frame).to_have_attribute("data-loaded", "18")
    expect(frame).to_have_attribute("data-metric", "umkm")
    expect(frame).to_have_attribute("data-aggregated", "true")  # one circle per desa
    expect(frame.locator("path.leaflet-interactive")).to_have_count(18 + 2)
    page.get_by_label("Warnai peta menurut").select_option("surveyed_share")
    expect(frame).to_have_attribute("data-metric", "surveyed_share")
    expect(page.locator("#map-legend")).to_contain_text("Desa disurvei (%)")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert {row[1]: row[2] for row in rows[1:]}["Kalimanah"] == "3"

    page.locator("#kecamatan-figures").get_by_role("link", name="Bojongsari").click()
    expect(page.get_by_role("heading", name="Kecamatan Bojongsari")).to_be_visible()
    expect(page.locator("#dashboard-map-frame")).to_have_attribute("data-loaded", "13")
    page.locator("#desa-figures").get_by_role("link", name="Karangbanjar").click()
    expect(page.get_by_role("heading", name="Desa Karangbanjar")).to_be_visible()
    expect(page.locator("#desa-dashboard-map-frame")).to_have_attribute("data-points", "1")
    expect(page.locator("#desa-ranking")).to_contain_text("Bulu mata")
    # The map popup of a UMKM named with HTML shows the name as text.
    page.locator("#desa_map path.leaflet-interactive").last.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text("Rambut Indah <b>Jaya</b>")
    expect(tooltip.locator("b")).to_have_count(0)
    # The business name is shown as text, never as HTML.
    page.locator("#desa-products").get_by_role("link", name="Rambut Indah <b>Jaya</b>").click()
    expect(page.get_by_role("heading", name="Rambut Indah <b>Jaya</b>")).to_be_visible()
    page.get_by_role("link", name="Riwayat penilaian dan kunjungan").click()
    expect(page.locator("#assessment-history")).to_contain_text("Bulu mata")
    expect(page.locator("#score-chart")).to_be_visible()
    assert page.js_errors == []


def test_the_dashboard_prints_on_at_most_two_a4_pages_with_its_filters(live_server, registry, desktop_page):
    page = desktop_page
    log_in(page, live_server.url, "pimpinan")
    page.goto(live_server.url + "/dasbor/?sektor=kerajinan")
    expect(page.locator("#dashboard-map-frame .leaflet-container")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-filters")).to_contain_text("Sektor: Kerajinan")
    expect(page.locator(".leaflet-control-zoom")).to_be_hidden()
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, pages
