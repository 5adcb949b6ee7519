"""A visitor and a staff member see the real Purbalingga map in a browser, without tiles."""

import re

from playwright.sync_api import expect

from mapping.models import Desa


def test_visitor_sees_the_18_kecamatan_on_the_landing_map(live_server, live_wilayah, any_page):
    page = any_page
    page.goto(live_server.url + "/")
    expect(page.locator("#kabupaten-map-frame")).to_have_attribute("data-loaded", "18")
    expect(page.locator("#kabupaten_map path.leaflet-interactive")).to_have_count(18)
    expect(page.locator("#kecamatan-table tbody tr")).to_have_count(18)
    page.locator("#kecamatan-table").scroll_into_view_if_needed()
    expect(page.get_by_role("cell", name="Kertanegara", exact=True)).to_be_visible()
    assert page.js_errors == []


def test_visitor_reads_a_kecamatan_name_by_hovering_it(live_server, live_wilayah, desktop_page):
    page = desktop_page
    page.goto(live_server.url + "/")
    expect(page.locator("#kabupaten-map-frame")).to_have_attribute("data-loaded", "18")
    page.locator('#kabupaten_map path[data-kode="33.03.05"]').hover()
    tooltip = page.locator(".leaflet-tooltip").filter(has_text=re.compile(r"^Purbalingga13 desa"))
    expect(tooltip).to_have_text("Purbalingga13 desa/kel. · 0 UMKM")


def test_staff_sees_a_desa_inside_its_kecamatan_in_the_back_office(
    live_server, live_wilayah, staff_user, desktop_page
):
    page = desktop_page
    desa = Desa.objects.get(code="33.03.14.2008")
    page.goto(live_server.url + f"/admin/mapping/desa/{desa.pk}/change/")
    page.fill("#id_username", "staf.dinas")
    page.fill("#id_password", "kata-sandi-uji-123")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#id_code")).to_have_value("33.03.14.2008")
    # The editable desa polygon and, dashed in red, the kecamatan outline around it.
    boundary_map = page.locator("#id_boundary-map, #id_boundary_map").first
    expect(boundary_map.locator('path[stroke="#cc0000"]')).to_have_count(1)
    expect(boundary_map.locator('path.leaflet-interactive:not([stroke="#cc0000"])').first).to_be_visible()
    assert page.js_errors == []
