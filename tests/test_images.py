"""Every uploaded image — a product photo, a visit photo, in the portal or the admin —
goes through one cleaning path: checked by content and pixel count before it is decoded,
re-encoded as JPEG without EXIF."""

import io
import struct
import uuid
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from mapping.models import Product, Sector
from mentoring.models import Topic, Visit

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825


def jpeg_with_gps(size=(800, 600)) -> bytes:
    """A phone photo: JPEG with the GPS position of the owner's home in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "HP Murah"  # camera make
    exif[GPS_TAG] = {1: "S", 2: (7.0, 22.0, 5.0), 3: "E", 4: (109.0, 20.0, 12.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 140, 60)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bomb(width=13_000, height=13_000) -> bytes:
    """A tiny PNG whose header claims width × height pixels (all zeros, so it compresses to KBs)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * ((width + 1) * height), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def gif_with_script() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return buffer.getvalue() + b"<script>alert(document.cookie)</script>"


def product_data(**extra):
    return {"name": "Sapu glagah", "sector": Sector.objects.get(code="kerajinan").pk, "description": "",
            "monthly_capacity": "", "capacity_unit": "pcs", "price": "", "market_reach": "lokal",
            "local_material_pct": "", "is_active": "on", "version": "", "submission_token": str(uuid.uuid4()), **extra}


def visit_data(world, **extra):
    return {"umkm": world.umkm["X"].pk, "date": timezone.localdate().isoformat(),
            "topics": [Topic.objects.get(code="kemasan").pk], "notes": "foto uji", "submission_token": str(uuid.uuid4()),
            "tindak-TOTAL_FORMS": "0", "tindak-INITIAL_FORMS": "0", "tindak-MIN_NUM_FORMS": "0",
            "tindak-MAX_NUM_FORMS": "5", **extra}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("width, height", [(13_000, 13_000), (8_000, 6_000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, world, media, monkeypatch, width, height):
    bomb = png_bomb(width, height)
    assert len(bomb) < 300_000
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self, *a: decoded.append(self.size))
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mapping:product-create", args=[world.umkm["X"].pk]),
                           product_data(photo=SimpleUploadedFile("bom.png", bomb, content_type="image/png")))

    assert response.status_code == 200
    assert any("Gambar terlalu besar" in e and "40 megapiksel" in e for e in response.context["form"].errors["photo"])
    assert decoded == []  # refused from the header alone
    assert not Product.objects.filter(name="Sapu glagah").exists()


def test_a_visit_photo_is_stored_as_a_jpeg_without_its_gps_position(client, world, media):
    client.force_login(world.users["pendamping_a"])
    photo = SimpleUploadedFile("IMG_2026.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get(GPS_TAG) is not None

    response = client.post(reverse("mentoring:visit-create"), visit_data(world, photo=photo))

    assert response.status_code == 302
    stored = Image.open(Visit.objects.get(notes="foto uji").photo.path)
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}


@pytest.mark.parametrize("name, content, message", [
    ("kunjungan.gif", gif_with_script(), "Format GIF tidak diterima"),
    ("kunjungan.jpg", b"\xff\xd8\xff\xe0 bukan gambar", "bukan gambar yang dapat dibaca"),
])
def test_a_visit_photo_that_is_not_a_jpeg_png_or_webp_by_content_is_refused(client, world, media, name, content, message):
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mentoring:visit-create"),
                           visit_data(world, photo=SimpleUploadedFile(name, content, content_type="image/jpeg")))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["photo"])
    assert not Visit.objects.filter(notes="foto uji").exists()


def test_a_photo_uploaded_in_the_admin_is_cleaned_the_same_way(client, world, media):
    client.force_login(world.users["admin"])
    product = world.product["X"]
    url = reverse("admin:mapping_product_change", args=[product.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photo"}
    data.update({"umkm": product.umkm_id, "sector": product.sector_id, "edit_version": product.version,
                 "photo": SimpleUploadedFile("dari-hp.jpg", jpeg_with_gps((3000, 2000)), content_type="image/jpeg")})

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    stored = Image.open(Product.objects.get(pk=product.pk).photo.path)
    assert stored.format == "JPEG" and max(stored.size) == 1600
    assert dict(stored.getexif()) == {}
