"""Phone: choosing the desa zooms the map to it; a pin outside the desa is flagged at once;
"Gunakan lokasi saya" draws the accuracy circle."""

import pytest
from playwright.sync_api import expect

from mapping.models import Desa, Kecamatan
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.e2e.conftest import VIEWPORTS, log_in
from tests.factories import AssignmentFactory, PendampingFactory


@pytest.fixture
def mentor(live_wilayah):
    user = user_with_role("pendamping.peta", Role.PENDAMPING)
    AssignmentFactory(pendamping=PendampingFactory(user=user), kecamatan=Kecamatan.objects.get(code="33.03.14"))
    return user


def tap(page, lat, lng):
    frame = page.locator("#location-map-frame")
    point = frame.evaluate("(el, ll) => el.leafletMap.latLngToContainerPoint(ll)", [lat, lng])
    box = page.locator("#location_map").bounding_box()
    page.touchscreen.tap(box["x"] + point["x"], box["y"] + point["y"])


def test_the_desa_is_zoomed_to_and_a_pin_outside_it_is_flagged(live_server, mentor, browser):
    karangbanjar = Desa.objects.get(code="33.03.14.2008")
    here_lng, here_lat = karangbanjar.centre["coordinates"]
    context = browser.new_context(locale="id-ID", geolocation={"latitude": here_lat, "longitude": here_lng,
                                                               "accuracy": 25},
                                  permissions=["geolocation"], **VIEWPORTS["phone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "pendamping.peta")
    page.goto(live_server.url + "/umkm/baru/")
    frame = page.locator("#location-map-frame")
    expect(frame).to_have_attribute("data-loaded", "13")
    zoom_before = frame.evaluate("el => el.leafletMap.getZoom()")
    page.get_by_label("Desa/kelurahan").select_option(label="Karangbanjar")
    page.wait_for_function("() => document.getElementById('location-map-frame').leafletMap.getZoom() > %d" % zoom_before)
    page.locator("#location_map").scroll_into_view_if_needed()

    # A corner of the zoomed map is outside the desa: tap near the north-east corner (the zoom
    # buttons are in the north-west one).
    corner = frame.evaluate("el => { const b = el.leafletMap.getBounds(); const h = b.getNorth() - b.getSouth(),"
                            " w = b.getEast() - b.getWest(); return [b.getNorth() - 0.08 * h, b.getEast() - 0.08 * w]; }")
    tap(page, *corner)
    expect(frame).to_have_attribute("data-outside", "1")
    expect(page.locator("#location-status")).to_contain_text("di luar Desa Karangbanjar")

    tap(page, here_lat, here_lng)
    expect(frame).to_have_attribute("data-outside", "0")
    expect(page.locator("#location-status")).to_contain_text("di dalam Desa Karangbanjar")

    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(frame).to_have_attribute("data-accuracy-circle", "25")
    assert page.locator("#location_map path.leaflet-interactive, #location_map path").count() >= 2
    context.close()
