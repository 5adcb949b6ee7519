"""Checks on values that every app's models share, so forms, the admin and imports
(which run the model fields' validators on each cell) refuse the same things."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Characters that change how text is shown without being text: bidi overrides and
# isolates (U+202A–U+202E, U+2066–U+2069, marks) can make "gpj.exe" read "exe.jpg", and
# control characters have no business in a name.
HIDDEN = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
                    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
LONG_TEXT_MAX = 2000  # notes and descriptions: a page of text, not a document


def validate_plain_text(value: str) -> None:
    """No bidi control or other invisible control character (line breaks are for text areas)."""
    found = HIDDEN.search(value or "")
    if found:
        raise ValidationError(
            _("Teks berisi karakter kendali tersembunyi (U+%(code)04X); ketik ulang teksnya."),
            params={"code": ord(found.group())}, code="control_character",
        )


validate_long_text = MaxLengthValidator(
    LONG_TEXT_MAX, message=_("Teks terlalu panjang: maksimal %(limit_value)d karakter (sekarang %(show_value)d)."),
)


def validate_not_in_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("Tanggal tidak boleh di masa depan."), code="future_date")


NIK_SHAPE = re.compile(r"\d{16}", re.ASCII)


def validate_nik(value: str) -> None:
    """A NIK as Dukcapil writes it: 16 digits, the 6-digit area code, the birth date as
    DDMMYY (women add 40 to the day), then a serial number that is never 0000."""
    if not NIK_SHAPE.fullmatch(value or ""):
        raise ValidationError(_("NIK harus tepat 16 digit angka."), code="invalid_nik")
    day, month, serial = int(value[6:8]), int(value[8:10]), int(value[12:16])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12 and serial > 0):
        raise ValidationError(
            _("NIK tidak sah: digit ke-7 sampai ke-12 harus tanggal lahir (HHBBTT, perempuan hari + 40) "
              "dan empat digit terakhir bukan 0000."), code="invalid_nik")


def nik_masked(value: str) -> str:
    """A NIK as it may be shown in public (a public recipient list): the kecamatan's area code
    and the last two digits only — 330314••••••••07; nothing when there is none."""
    value = (value or "").strip()
    if len(value) != 16 or not value.isdigit():
        return ""
    return value[:6] + "\u2022" * 8 + value[-2:]
