"""A pendamping, on a phone, finds a UMKM, logs a visit with a follow-up and sees it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from purbalingga_umkm.roles import Role
from mapping.models import Desa, Kecamatan
from mentoring.models import FollowUp, Visit
from tests.conftest import user_with_role
from tests.factories import AssignmentFactory, PendampingFactory, UMKMFactory
from tests.e2e.conftest import log_in


@pytest.fixture
def mentor_in_kalimanah(live_wilayah):
    user = user_with_role("pendamping.kalimanah", Role.PENDAMPING)
    AssignmentFactory(pendamping=PendampingFactory(user=user, full_name="Sri Lestari"),
                      kecamatan=Kecamatan.objects.get(code="33.03.06"))
    desa = Desa.objects.get(code="33.03.06.1011")
    UMKMFactory(desa=desa, name="Bulu Mata Mewek Jaya", owner_name="Tarsini")
    UMKMFactory(desa=desa, name="Knalpot Karangmanyar")
    UMKMFactory(desa=Desa.objects.get(code="33.03.14.2008"), name="Rambut Karangbanjar")  # not hers
    return user


def test_pendamping_logs_a_visit_on_a_phone(live_server, mentor_in_kalimanah, browser):
    from tests.e2e.conftest import open_page

    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.kalimanah")

    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    expect(page.get_by_test_id("assigned-kecamatan")).to_have_text("Kec. Kalimanah")
    expect(page.locator("#desa-map-frame")).to_have_attribute("data-loaded", "17")
    expect(page.locator("#umkm-list")).not_to_contain_text("Rambut Karangbanjar")

    page.get_by_placeholder("Nama usaha, pemilik, atau NIB").fill("tarsini")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#umkm-list li")).to_have_count(1)
    expect(page.locator("#umkm-list")).to_be_in_viewport()  # the results come into view, not the top of the page
    page.get_by_role("link", name="Catat kunjungan").click()

    expect(page.get_by_test_id("visit-umkm")).to_contain_text("Bulu Mata Mewek Jaya")
    page.get_by_label("Kemasan").check()
    page.get_by_label("Pemasaran / digital").check()
    page.get_by_label("Catatan").fill("Foto produk untuk lokapasar.")
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    page.locator("#id_tindak-0-description").fill("Daftar NIB lewat OSS")
    page.locator("#id_tindak-0-due_date").fill(due)
    page.get_by_role("button", name="Simpan kunjungan").click()

    expect(page.get_by_role("alert")).to_contain_text("Kunjungan ke Bulu Mata Mewek Jaya tercatat.")
    expect(page.locator("#recent-visits")).to_contain_text("Bulu Mata Mewek Jaya")
    expect(page.locator("#recent-visits")).to_contain_text("Kemasan, Pemasaran / digital")
    expect(page.locator("#recent-visits")).to_contain_text("Daftar NIB lewat OSS")
    expect(page.locator("#follow-ups")).to_contain_text("Daftar NIB lewat OSS")
    assert page.js_errors == []
    context.close()

    visit = Visit.objects.get(umkm__name="Bulu Mata Mewek Jaya")
    assert visit.notes == "Foto produk untuk lokapasar."
    assert FollowUp.objects.get(visit=visit).due_date.isoformat() == due


def test_pendamping_is_told_what_is_missing_on_a_desktop(live_server, mentor_in_kalimanah, desktop_page):
    page = desktop_page
    log_in(page, live_server.url, "pendamping.kalimanah")
    page.get_by_role("link", name="Catat kunjungan").first.click()
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_text("Pilih minimal satu topik.")).to_be_visible()
    assert Visit.objects.count() == 0
