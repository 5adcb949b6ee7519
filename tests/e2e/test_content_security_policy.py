"""Every page works under the Content-Security-Policy: maps, charts and admin widgets run,
and the browser reports no violation (no inline script without the response's nonce)."""

import pytest
from django.utils import timezone

from mentoring.models import Assignment, Pendamping
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.factories import UMKMFactory

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""
PASSWORD = "kata-sandi-uji-123"


@pytest.fixture
def people(live_wilayah):
    from mapping.models import Desa

    desa = Desa.objects.select_related("kecamatan").get(code="33.03.14.2008")
    umkm = UMKMFactory(desa=desa, name="Sapu Glagah Jaya", location=desa.centre)
    mentor = user_with_role("pendamping.csp", Role.PENDAMPING)
    Assignment.objects.create(pendamping=Pendamping.objects.create(user=mentor, full_name="Pendamping CSP"),
                              kecamatan=desa.kecamatan, start_date=timezone.localdate())
    user_with_role("pimpinan.csp", Role.PIMPINAN)
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_superuser("admin.csp", "admin@example.invalid", PASSWORD)
    return {"umkm": umkm, "desa": desa}


def sign_in(page, base, username):
    page.goto(base + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("networkidle")


def visit_all(page, base, paths) -> dict:
    seen = {}
    for path in paths:
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert response.status < 400, path
        assert "script-src" in response.headers["content-security-policy"]
        seen[path] = page.evaluate("window.__csp")
    return seen


def test_no_page_of_any_role_breaks_the_content_security_policy(live_server, people, desktop_page):
    page, base = desktop_page, live_server.url
    page.add_init_script(COLLECT_VIOLATIONS)
    umkm, desa = people["umkm"], people["desa"]
    violations = visit_all(page, base, ["/", "/unggulan/", f"/unggulan/kecamatan/{desa.kecamatan.code}/",
                                        "/unggulan/komoditas/sapu-glagah/", "/masuk/"])

    sign_in(page, base, "pendamping.csp")
    violations |= visit_all(page, base, ["/tugas-saya/", "/umkm/baru/", f"/umkm/{umkm.pk}/",
                                         f"/kunjungan/baru/?umkm={umkm.pk}", "/data/"])
    page.context.clear_cookies()

    sign_in(page, base, "pimpinan.csp")
    violations |= visit_all(page, base, ["/dasbor/", f"/dasbor/kecamatan/{desa.kecamatan.code}/",
                                         f"/dasbor/desa/{desa.code}/", "/laporan/cakupan/"])
    page.context.clear_cookies()

    sign_in(page, base, "admin.csp")
    violations |= visit_all(page, base, ["/admin/", f"/admin/mapping/umkm/{umkm.pk}/change/",
                                         f"/admin/mapping/desa/{desa.pk}/change/", "/admin/mapping/umkm/import/",
                                         "/admin/mapping/sector/add/"])

    assert {path: found for path, found in violations.items() if found} == {}
    assert page.js_errors == []
    # The maps really ran: Leaflet drew the boundaries on the last map page.
    page.goto(base + f"/admin/mapping/desa/{desa.pk}/change/")
    page.wait_for_selector(".leaflet-container")
