"""Pendamping register and update UMKM and products in the field."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mapping import selectors
from mapping.models import UMKM, Desa, Permit, Product, Sector
from tests.factories import PermitFactory, ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def umkm_data(world, side="X", **overrides):
    desa = world.desa[side]
    lng, lat = desa.centre["coordinates"]
    data = {
        "name": "Gula Semut Makmur", "owner_name": "Suparmi", "nik": "", "phone": "081234567890",
        "address": "Dusun Krajan RT 02", "kecamatan": desa.kecamatan_id, "desa": desa.pk, "nib": "",
        "founded_year": 2018, "workers": 4, "capital": 30_000_000, "annual_turnover": 150_000_000,
        "is_active": "on", "latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}",
        "version": "", "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def mentor(client, world):
    client.force_login(world.users["pendamping_a"])
    return client


def test_pendamping_registers_a_umkm_with_its_location(mentor, world):
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world))
    umkm = UMKM.objects.get(name="Gula Semut Makmur")
    assert response.status_code == 302 and response.url == reverse("mapping:umkm-detail", args=[umkm.pk])
    assert umkm.desa == world.desa["X"] and umkm.created_by == world.users["pendamping_a"]
    assert umkm.location["coordinates"] == world.desa["X"].centre["coordinates"]


def test_the_same_registration_sent_twice_creates_one_umkm(mentor, world):
    data = umkm_data(world)
    first = mentor.post(reverse("mapping:umkm-create"), data)
    assert first.status_code == 302
    again = mentor.post(reverse("mapping:umkm-create"), data)
    assert again.status_code == 302 and again.url == first.url
    assert UMKM.objects.filter(name="Gula Semut Makmur").count() == 1


def opened_version(client, url):
    """The version an edit form carries when opened."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"].initial["version"]


def form_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_point_in_the_neighbouring_desa_is_refused_naming_that_desa(mentor, world):
    neighbour = Desa.objects.get(code="33.03.14.2001")
    lng, lat = neighbour.centre["coordinates"]
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, latitude=lat, longitude=lng))
    assert response.status_code == 200
    assert form_errors(response, "latitude") == [
        f"Titik lokasi berada di Desa {neighbour.name} (Kec. Bojongsari), bukan di Karangbanjar. "
        "Pilih desa yang benar atau geser pin."
    ]
    assert not UMKM.objects.filter(name="Gula Semut Makmur").exists()


def test_a_point_outside_the_regency_is_refused(mentor, world):
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, latitude="-6.990000", longitude="110.420000"))
    assert response.status_code == 200
    assert form_errors(response, "latitude") == ["Titik lokasi berada di luar Kabupaten Purbalingga."]


def test_swapped_latitude_and_longitude_are_explained(mentor, world):
    lng, lat = world.desa["X"].centre["coordinates"]
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, latitude=f"{lng:.6f}", longitude=f"{lat:.6f}"))
    assert response.status_code == 200
    assert any("tertukar" in e for e in form_errors(response, "latitude"))
    assert not UMKM.objects.filter(name="Gula Semut Makmur").exists()


def test_a_gps_fix_worse_than_the_limit_is_refused(mentor, world):
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, location_accuracy_m=350))
    assert response.status_code == 200
    assert "Akurasi GPS 350 m lebih buruk dari batas 100 m" in form_errors(response, "latitude")[0]


def test_desa_must_belong_to_the_chosen_kecamatan_and_to_the_mentor(mentor, world):
    other_kecamatan_desa = world.desa["Y"]
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, desa=other_kecamatan_desa.pk, latitude="", longitude=""))
    assert response.status_code == 200
    assert form_errors(response, "desa") == ["Desa ini bukan wilayah tugas Anda."]
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, kecamatan=world.kecamatan["Y"].pk))
    assert response.status_code == 200
    assert form_errors(response, "kecamatan") == ["Kecamatan ini bukan wilayah tugas Anda."]


def test_the_form_offers_only_the_mentors_kecamatan_and_desa(mentor, world):
    response = mentor.get(reverse("mapping:umkm-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["kecamatan"].queryset) == [world.kecamatan["X"]]
    assert {d.kecamatan_id for d in form.fields["desa"].queryset} == {world.kecamatan["X"].pk}
    assert 'data-kecamatan="%s"' % world.kecamatan["X"].pk in response.content.decode()


def test_two_people_editing_the_same_umkm_never_overwrite_silently(client, world):
    umkm = world.umkm["X"]
    url = reverse("mapping:umkm-update", args=[umkm.pk])
    client.force_login(world.users["admin"])
    opened_by_admin = opened_version(client, url)
    client.force_login(world.users["pendamping_a"])
    opened_by_mentor = opened_version(client, url)

    first = client.post(url, umkm_data(world, name="Nama dari pendamping", version=opened_by_mentor, latitude="", longitude=""))
    assert first.status_code == 302
    client.force_login(world.users["admin"])
    second = client.post(url, umkm_data(world, name="Nama dari staf", version=opened_by_admin, latitude="", longitude=""))
    assert second.status_code == 200
    content = second.content.decode()
    assert "Data ini sudah diubah orang lain sejak Anda membukanya." in content
    assert "Nama dari pendamping" in content and "Nama dari staf" in content
    assert UMKM.objects.get(pk=umkm.pk).name == "Nama dari pendamping"
    # Saving again after reading the conflict deliberately replaces the stored value.
    third = client.post(url, second.context["form"].data)
    assert third.status_code == 302
    assert UMKM.objects.get(pk=umkm.pk).name == "Nama dari staf"


def test_sending_the_same_edit_twice_is_not_a_conflict(mentor, world):
    url = reverse("mapping:umkm-update", args=[world.umkm["X"].pk])
    version = opened_version(mentor, url)
    data = umkm_data(world, name="Sekali saja", version=version, latitude="", longitude="")
    assert mentor.post(url, data).status_code == 302
    assert mentor.post(url, data).status_code == 302
    assert UMKM.objects.get(pk=world.umkm["X"].pk).version == version + 1


def png_bytes(size=(2400, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def product_data(**overrides):
    data = {
        "name": "Gula semut organik", "sector": Sector.objects.get(code="pertanian-olahan").pk,
        "description": "", "monthly_capacity": "500", "capacity_unit": "kg", "price": "35000",
        "market_reach": "nasional", "local_material_pct": "90", "is_active": "on",
        "version": "", "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_product_photo_is_resized_to_jpeg(mentor, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    response = mentor.post(reverse("mapping:product-create", args=[world.umkm["X"].pk]), {**product_data(), "photo": upload})
    assert response.status_code == 302
    product = Product.objects.get(name="Gula semut organik")
    stored = Image.open(product.photo.path)
    assert stored.format == "JPEG" and max(stored.size) == 1600


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: SimpleUploadedFile("foto.jpg", b"bukan gambar", content_type="image/jpeg"), "gambar"),
        (lambda: SimpleUploadedFile("besar.png", png_bytes((400, 400)), content_type="image/png"), "Foto terlalu besar"),
    ],
)
def test_a_photo_that_is_not_an_image_or_too_large_is_refused(mentor, world, settings, upload, message):
    settings.PRODUCT_PHOTO_MAX_BYTES = 1000  # the 400×400 PNG is larger than this
    upload = upload()
    response = mentor.post(reverse("mapping:product-create", args=[world.umkm["X"].pk]), {**product_data(), "photo": upload})
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["photo"])
    assert not Product.objects.filter(name="Gula semut organik").exists()


def test_product_update_conflict_is_reported(client, world):
    product = world.product["X"]
    url = reverse("mapping:product-update", args=[product.pk])
    client.force_login(world.users["pendamping_a"])
    version = opened_version(client, url)
    assert client.post(url, product_data(name="Versi A", version=version)).status_code == 302
    stale = client.post(url, product_data(name="Versi B", version=version))
    assert stale.status_code == 200 and 'data-testid="edit-conflict"' in stale.content.decode()
    assert Product.objects.get(pk=product.pk).name == "Versi A"


def test_food_product_readiness_lists_missing_halal_with_the_2026_obligation(world):
    umkm = UMKMFactory(desa=world.desa["X"])
    product = ProductFactory(umkm=umkm, sector=Sector.objects.get(code="makanan-minuman"))
    PermitFactory(umkm=umkm, kind=Permit.Kind.PIRT, valid_until="2020-01-01")
    readiness = {r.label: r for r in selectors.product_readiness(product=product, permits=list(umkm.permits.all()))}
    assert readiness["NIB"].status == "kurang"
    assert readiness["SPP-IRT / PIRT atau BPOM MD"].status == "kedaluwarsa"
    assert readiness["Sertifikat halal"].status == "kurang"
    assert "17 Oktober 2026" in readiness["Sertifikat halal"].note
    assert readiness["Merek / HKI"].status == "dianjurkan"


def test_readiness_is_complete_when_every_required_permit_is_held(world):
    umkm = world.umkm["X"]
    UMKM.objects.filter(pk=umkm.pk).update(nib="1234567890123")
    umkm.refresh_from_db()
    product = ProductFactory(umkm=umkm, sector=Sector.objects.get(code="makanan-minuman"))
    PermitFactory(umkm=umkm, kind=Permit.Kind.PIRT)
    PermitFactory(umkm=umkm, product=product, kind=Permit.Kind.HALAL)
    items = selectors.umkm_products_with_readiness(umkm=umkm, permits=list(umkm.permits.all()))
    assert next(i for i in items if i.product == product).ready


def test_umkm_detail_shows_products_readiness_and_edit_links_only_to_editors(client, world):
    url = reverse("mapping:umkm-detail", args=[world.umkm["X"].pk])
    client.force_login(world.users["pimpinan"])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Produk X" in page and "Nilai potensi" not in page
    client.force_login(world.users["pendamping_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Nilai potensi" in response.content.decode()


def test_pendamping_records_a_pirt_and_its_five_year_validity_is_filled_in(mentor, world):
    url = reverse("mapping:permit-create", args=[world.umkm["X"].pk])
    data = {"kind": "pirt", "product": world.product["X"].pk, "number": "P-IRT 2063303010123-27",
            "issued_on": "2024-02-29", "valid_until": ""}
    assert mentor.post(url, data).status_code == 302
    assert mentor.post(url, data).status_code == 302  # sent twice
    permits = Permit.objects.filter(number="P-IRT 2063303010123-27")
    assert permits.count() == 1
    assert permits.get().valid_until.isoformat() == "2029-02-28"


def test_permit_form_refuses_nib_and_a_product_of_another_umkm(mentor, world):
    url = reverse("mapping:permit-create", args=[world.umkm["X"].pk])
    response = mentor.post(url, {"kind": "nib", "number": "1234567890123"})
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    response = mentor.post(url, {"kind": "halal", "number": "ID123", "product": world.product["Y"].pk})
    assert response.status_code == 200
    assert "product" in response.context["form"].errors
    assert not Permit.objects.filter(number__in=["1234567890123", "ID123"]).exists()


def test_permit_dates_in_the_wrong_order_are_refused(mentor, world):
    url = reverse("mapping:permit-create", args=[world.umkm["X"].pk])
    response = mentor.post(url, {"kind": "halal", "number": "ID1", "issued_on": "2026-05-01", "valid_until": "2025-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"] == ["Tanggal berlaku sampai tidak boleh sebelum tanggal terbit."]


@pytest.mark.parametrize("capital, turnover, stored", [
    ("25.000.000", "Rp 150 juta", (25_000_000, 150_000_000)),
    ("Rp25.000.000,00", "1,5 M", (25_000_000, 1_500_000_000)),
])
def test_rupiah_typed_as_people_write_them_are_read_like_a_spreadsheet_cell(mentor, world, capital, turnover, stored):
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, capital=capital, annual_turnover=turnover))
    assert response.status_code == 302
    umkm = UMKM.objects.get(name="Gula Semut Makmur")
    assert (umkm.capital, umkm.annual_turnover) == stored


def test_a_rupiah_that_cannot_be_read_is_refused_naming_the_field_and_keeping_the_text(mentor, world):
    response = mentor.post(reverse("mapping:umkm-create"), umkm_data(world, capital="dua puluh juta"))
    assert response.status_code == 200
    assert "Bukan jumlah rupiah: dua puluh juta" in form_errors(response, "capital")[0]
    assert 'value="dua puluh juta"' in response.content.decode()
    assert not UMKM.objects.filter(name="Gula Semut Makmur").exists()
