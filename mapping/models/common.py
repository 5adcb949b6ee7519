"""Validators and helpers the mapping models share; one definition of each rule."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm.validators import validate_nik  # noqa: F401  (the registry models use it from here)

KABUPATEN_KODE = "33.03"

validate_kecamatan_kode = RegexValidator(
    r"^33\.03\.\d{2}\Z",
    message=_("Kode kecamatan harus berformat 33.03.NN (contoh: 33.03.01)."),
    code="invalid_kode",
)
validate_desa_kode = RegexValidator(
    r"^33\.03\.\d{2}\.[12]\d{3}\Z",
    message=_(
        "Kode desa/kelurahan harus berformat 33.03.NN.XNNN dengan X = 1 untuk kelurahan "
        "atau 2 untuk desa (contoh: 33.03.01.2001)."
    ),
    code="invalid_kode",
)
validate_nib = RegexValidator(
    r"^\d{13}\Z", message=_("NIB harus tepat 13 digit angka."), code="invalid_nib"
)
validate_phone = RegexValidator(
    r"^\+?\d[\d\s\-]{5,18}\Z",
    message=_("Nomor telepon hanya boleh berisi angka, spasi, tanda hubung, dan + di depan."),
    code="invalid_phone",
)
validate_phones = RegexValidator(
    r"^\+?\d[\d\s\-]{5,18}(, \+?\d[\d\s\-]{5,18})*\Z",
    message=_("Tulis nomor telepon dipisah koma, mis. 0813-1111-2222, 0281-891234."),
    code="invalid_phones",
)


SWAPPED_COORDINATES_MESSAGE = _(
    "Lintang dan bujur tampaknya tertukar: di Purbalingga lintang sekitar −7,4 dan bujur sekitar 109,3."
)


def not_negative(label):
    """A validator refusing negative numbers, with a message naming the field."""
    return MinValueValidator(0, message=format_lazy(_("{} tidak boleh negatif."), label))


def non_negative_constraint(field: str, model: str) -> models.CheckConstraint:
    # Numeric fields are plain (not Positive*) integer fields so that the form shows our
    # message naming the field; the database still refuses negatives through this check.
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_not_negative",
    )



