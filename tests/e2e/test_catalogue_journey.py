"""Phone: a buyer from Jakarta searches the catalogue for sapu glagah, opens the commodity,
then a product; sees its QR code, and a WhatsApp button only where the owner consented."""

from datetime import date

import pytest
from playwright.sync_api import expect

from mapping.models import Desa, Komoditas
from mapping.models.catalogue import CatalogueEntry, Consent
from mapping.services.catalogue import catalogue_publish, consent_record
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.e2e.conftest import open_page
from tests.factories import ProductFactory, UMKMFactory


@pytest.fixture
def sapu_makers(live_wilayah):
    staff = user_with_role("admin.katalog", Role.ADMIN_DINAS, staff=True)
    sapu = Komoditas.objects.get(code="sapu-glagah")
    kajongan = Desa.objects.filter(kecamatan__code="33.03.14").order_by("code").first()
    makers = {}
    for name, owner, consented in (("Sapu Jaya Kajongan", "Kusnadi Rahasia", True),
                                   ("Sapu Mandiri", "Waginah Rahasia", False)):
        umkm = UMKMFactory(desa=kajongan, name=name, owner_name=owner, phone="0899-1234-5678")
        ProductFactory(umkm=umkm, name=f"Sapu glagah {name.split()[1]}", sector=sapu.sector, komoditas=sapu,
                       komoditas_confirmed=True, price=27_500, description="Sapu glagah ikat rotan.")
        catalogue_publish(umkm=umkm, by=staff)
        CatalogueEntry.objects.filter(umkm=umkm).update(business_phone="0281-555-0101")
        if consented:
            consent_record(consent=Consent(umkm=umkm, contact=True, given_on=date(2026, 11, 20),
                                           evidence="Formulir bertanda tangan"), by=staff)
        makers[consented] = umkm
    return makers


def test_a_buyer_finds_sapu_glagah_on_a_phone_and_contacts_only_who_agreed(live_server, browser, sapu_makers):
    context, page = open_page(browser, "phone")
    page.goto(live_server.url + "/katalog/")
    page.get_by_label("Cari produk, usaha atau komoditas").fill("sapu glagah")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#katalog-jumlah")).to_contain_text("2 produk")

    page.get_by_role("link", name="Sapu glagah Jaya").click()
    page.get_by_role("link", name="Sapu glagah", exact=True).first.click()  # the commodity, from the breadcrumb
    expect(page.locator("#katalog-produk")).to_contain_text("Sapu glagah Mandiri")
    page.goto(live_server.url + "/unggulan/komoditas/sapu-glagah/")
    expect(page.locator("#katalog-komoditas")).to_contain_text("Sapu glagah Jaya")
    page.locator("#katalog-komoditas").get_by_role("link", name="Sapu glagah Jaya").click()

    expect(page.locator("h1")).to_have_text("Sapu glagah Jaya")
    expect(page.locator("#qr-produk svg")).to_be_visible()
    expect(page.locator("#kontak-wa")).to_have_attribute("href", "https://wa.me/622815550101")
    assert "Rahasia" not in page.content() and "0899" not in page.content()

    page.goto(live_server.url + f"/katalog/produk/{sapu_makers[False].products.get().pk}/")
    expect(page.locator("#qr-produk svg")).to_be_visible()
    expect(page.locator("#tanpa-kontak")).to_be_visible()
    expect(page.locator("#kontak-wa")).to_have_count(0)
    assert "0281-555-0101" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    assert page.js_errors == []
    context.close()
