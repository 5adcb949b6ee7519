"""Photos are seen, by those who may: product and visit photos (and their thumbnails) come
through access-checked views, never from a public folder."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def jpeg(size=(1200, 900)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 40)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="foto.jpg")


@pytest.fixture
def photos(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world.product["X"].photo.save("sapu.jpg", jpeg())
    world.visit["X"].photo.save("kunjungan.jpg", jpeg())
    return world


def test_a_product_photo_and_its_thumbnail_for_those_who_see_the_product(client, photos):
    client.force_login(photos.users["pendamping_a"])
    full = client.get(reverse("mapping:product-photo", args=[photos.product["X"].pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    assert "private" in full["Cache-Control"]
    small = client.get(reverse("mapping:product-photo", args=[photos.product["X"].pk]) + "?ukuran=kecil")
    assert Image.open(io.BytesIO(small.content)).size == (320, 240)

    client.force_login(photos.users["pendamping_b"])  # another kecamatan
    assert client.get(reverse("mapping:product-photo", args=[photos.product["X"].pk])).status_code == 404
    client.logout()
    assert client.get(reverse("mapping:product-photo", args=[photos.product["X"].pk])).status_code == 302


def test_a_visit_photo_is_seen_in_the_umkm_history_of_its_scope_only(client, photos):
    client.force_login(photos.users["pimpinan"])
    page = client.get(reverse("mentoring:umkm-history", args=[photos.umkm["X"].pk])).content.decode()
    assert reverse("mentoring:visit-photo", args=[photos.visit["X"].pk]) + "?ukuran=kecil" in page
    assert client.get(reverse("mentoring:visit-photo", args=[photos.visit["X"].pk])).status_code == 200
    client.force_login(photos.users["pendamping_b"])
    assert client.get(reverse("mentoring:visit-photo", args=[photos.visit["X"].pk])).status_code == 404


def test_the_umkm_page_and_the_verification_page_show_the_product_photo(client, photos):
    client.force_login(photos.users["admin"])
    umkm_page = client.get(reverse("mapping:umkm-detail", args=[photos.umkm["X"].pk])).content.decode()
    assert 'data-testid="product-thumbnail"' in umkm_page
    detail = client.get(reverse("mapping:assessment-detail", args=[photos.assessment["X"].pk])).content.decode()
    assert reverse("mapping:product-photo", args=[photos.product["X"].pk]) in detail
    assert "/media/" not in umkm_page + detail
