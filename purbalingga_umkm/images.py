"""Every uploaded image goes through one cleaning path: image_clean().

Checked by its content (JPEG, PNG or WebP, whatever its name says), its size in bytes and
its size in pixels *before* it is decoded (a 164 KB PNG can claim 13,000 × 13,000 pixels
and take a gigabyte to decode), then decoded at a reduced size where the format allows,
shrunk to at most MAX_SIDE pixels and stored as a fresh JPEG without EXIF: phone photos
carry the GPS position of the owner's home, and re-encoding drops anything appended to the
file. Models use CleanImageField, so every form of them — portal and admin — cleans.
"""

import io
import warnings
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import models
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # 40 Mpx: more than any phone camera, far less than a bomb
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}

# Pillow's own guard, as a second line: anything this large is refused on opening.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def validate_image_size(image):
    """The stored or uploaded image is not larger than the configured limit (bytes)."""
    limit = settings.PRODUCT_PHOTO_MAX_BYTES
    if image and image.size > limit:
        raise ValidationError(
            _("Foto terlalu besar (%(size)s MB); maksimal %(limit)s MB."),
            params={"size": round(image.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="photo_too_large",
        )


def image_clean(upload) -> InMemoryUploadedFile:
    """A resized JPEG copy of `upload` without EXIF, or ValidationError naming the problem."""
    validate_image_size(upload)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit follows
            image = Image.open(upload)  # reads the header only
        image_format = image.format
    except Image.DecompressionBombError:
        raise ValidationError(_("Gambar terlalu besar; maksimal %(mpx)s megapiksel.") % {
            "mpx": MAX_PIXELS // 1_000_000}, code="image_pixels")
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("Berkas ini bukan gambar yang dapat dibaca (JPEG, PNG atau WebP)."),
                              code="not_an_image")
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Format %(format)s tidak diterima; unggah JPEG, PNG atau WebP.") % {
            "format": image_format}, code="image_format")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("Gambar terlalu besar (%(width)s × %(height)s piksel); maksimal %(mpx)s megapiksel.") % {
                "width": width, "height": height, "mpx": MAX_PIXELS // 1_000_000},
            code="image_pixels",
        )
    try:
        if image_format == "JPEG":
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 scale: less memory
        image.load()
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)
        image = image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Berkas ini bukan gambar yang dapat dibaca (JPEG, PNG atau WebP)."),
                              code="not_an_image")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing of it is kept
    name = Path(upload.name or "foto").stem[:80] + ".jpg"
    return InMemoryUploadedFile(buffer, "photo", name, "image/jpeg", buffer.getbuffer().nbytes, None)


class CleanImageFormField(forms.FileField):
    """A file field whose new uploads come out of image_clean()."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "content_type"):
            return image_clean(value)
        return value


class CleanImageField(models.ImageField):
    """An ImageField whose forms (portal and admin alike) clean every upload."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanImageFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Stored like any ImageField: the cleaning happens in forms, the column is the same.
        return name, "django.db.models.ImageField", args, kwargs


THUMBNAIL_SIDE = 320
PHOTO_CACHE_SECONDS = 3600


def thumbnail_bytes(stored, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small JPEG of a stored photo (already cleaned: JPEG ≤ MAX_SIDE), for lists and pages
    a phone opens on a slow line; kept in the cache by file name and size."""
    from django.core.cache import cache

    key = f"thumb:{side}:{stored.name}"
    found = cache.get(key)
    if found is None:
        with stored.open("rb") as handle:
            image = Image.open(handle)
            image.draft("RGB", (side, side))
            image.load()
            image.thumbnail((side, side), reducing_gap=2.0)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
        found = buffer.getvalue()
        cache.set(key, found, timeout=None)
    return found


def photo_response(stored, *, thumbnail: bool):
    """A stored photo (or its thumbnail) for someone the caller has let see it: never cached
    by shared proxies, since photos of people's businesses are not all public."""
    from django.http import FileResponse, Http404, HttpResponse

    if not stored:
        raise Http404
    try:
        if thumbnail:
            response = HttpResponse(thumbnail_bytes(stored), content_type="image/jpeg")
        else:
            response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    except (FileNotFoundError, OSError, UnidentifiedImageError):
        raise Http404
    response["Cache-Control"] = f"private, max-age={PHOTO_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


GPS_IFD = 0x8825


def photo_gps(upload) -> tuple[float, float] | None:
    """(lat, lng) a camera wrote into the photo's EXIF, read before image_clean() drops it,
    for a record that keeps the point as data (a use check's evidence); None when there is
    none or it cannot be read."""
    if upload is None:
        return None
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            gps = Image.open(upload).getexif().get_ifd(GPS_IFD)
        upload.seek(0)

        def degrees(value, ref, negative):
            d, m, s = (float(part) for part in value)
            return (-1 if ref == negative else 1) * (d + m / 60 + s / 3600)

        if not {1, 2, 3, 4} <= set(gps):
            return None
        lat, lng = degrees(gps[2], gps[1], "S"), degrees(gps[4], gps[3], "W")
    except (UnidentifiedImageError, OSError, ValueError, TypeError, ZeroDivisionError, Image.DecompressionBombError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None
    return round(lat, 6), round(lng, 6)
