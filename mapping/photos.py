"""Uploaded photos: checked to be an image under the size limit, resized, EXIF removed.

EXIF is dropped because phone photos carry the GPS position of the owner's home.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_prepare(upload):
    """A resized JPEG copy of `upload`, or ValidationError naming the problem."""
    limit = settings.PRODUCT_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Foto terlalu besar (%(size)s MB); maksimal %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("Berkas ini bukan gambar yang dapat dibaca (JPEG, PNG atau WebP)."))
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Format %(format)s tidak diterima; unggah JPEG, PNG atau WebP.") % {"format": image_format})
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    name = Path(upload.name).stem[:80] + ".jpg"
    return InMemoryUploadedFile(buffer, "photo", name, "image/jpeg", buffer.getbuffer().nbytes, None)
