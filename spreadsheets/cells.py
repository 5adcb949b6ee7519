"""Turning one spreadsheet cell into a value, or a clear Indonesian message why not.

Cells arrive as text (CSV), or as text, float, bool or date (XLSX). Offices send
numbers stored as text and text stored as numbers; both are accepted where the value
survives, and refused with an explanation where Excel has already destroyed it (a
16-digit NIK cannot survive a float).
"""

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

from purbalingga_umkm.tables import FORMULA_TRIGGERS

SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
RUPIAH = re.compile(r"^rp\.?", re.IGNORECASE)
SEPARATORS = re.compile(r"[.,]")
WHOLE_DECIMAL = re.compile(r"^-?\d+[.,]0+$")
INTEGER = re.compile(r"^-?\d+$")


class CellError(Exception):
    """The cell's value is refused; the message says why."""


def is_blank(value) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def row_is_blank(cells) -> bool:
    """A row with nothing in it (Excel keeps formatted empty rows below the data)."""
    for value in cells:
        if value is None or value == "":
            continue
        if type(value) is str and not value.strip():
            continue
        return False
    return True


def text(value) -> str:
    """The cell as text: whole floats without '.0', neutralised formulas restored."""
    if type(value) is str:  # the common case first: most cells are text
        stripped = value.strip()
        if "  " in stripped or "\n" in stripped or "\t" in stripped or "\r" in stripped:
            stripped = " ".join(stripped.split())
        # Our exports prefix text that a spreadsheet would run as a formula with an apostrophe.
        if stripped[:1] == "'" and stripped[1:2] in FORMULA_TRIGGERS and len(stripped) > 1:
            stripped = stripped[1:]
        return stripped
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    value = " ".join(str(value).split())
    # Our exports prefix text that a spreadsheet would run as a formula with an apostrophe.
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS:
        value = value[1:]
    return value


def text_of(max_length: int):
    def parse(value) -> str:
        result = text(value)
        if len(result) > max_length:
            raise CellError(_("Terlalu panjang (%(n)s karakter); maksimal %(max)s.") % {
                "n": len(result), "max": max_length})
        return result
    return parse


def for_field(model, name: str, parse=None):
    """A cell read for the model field `name` (by `parse`, by default as text no longer
    than the field allows) and then checked by that field's own validators, so a file is
    held to the same rules as a form: length, hidden control characters, NIK structure."""
    field = model._meta.get_field(name)
    read = parse or (text_of(field.max_length) if field.max_length else text)
    # The length is checked by the reader already; the others run on every cell of a
    # 100,000-row file, so they are called directly rather than through run_validators().
    checks = tuple(v for v in field.validators if not (parse is None and isinstance(v, MaxLengthValidator)))

    def parse_checked(value):
        result = read(value)
        if result:
            try:
                for check in checks:
                    check(result)
            except ValidationError as error:
                raise CellError(" ".join(error.messages)) from None
        return result
    return parse_checked


def digits_id(label: str, length: int):
    """NIK (16 digits), NIB (13 digits): only as text, exactly `length` digits."""
    def parse(value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise CellError(
                _("%(label)s tersimpan sebagai angka oleh Excel, sehingga digitnya bisa berubah (angka lebih "
                  "dari 15 digit dibulatkan). Format kolom %(label)s sebagai Teks, ketik ulang dari dokumen "
                  "aslinya, lalu unggah lagi.") % {"label": label}
            )
        result = text(value).replace(" ", "")
        if SCIENTIFIC.match(result):
            raise CellError(
                _("%(label)s tertulis dalam notasi ilmiah (%(value)s): Excel sudah membulatkannya dan digit "
                  "aslinya hilang. Format kolom sebagai Teks dan ketik ulang dari dokumen aslinya.")
                % {"label": label, "value": result}
            )
        if result and not (result.isdigit() and len(result) == length):
            raise CellError(_("%(label)s harus tepat %(n)s digit angka.") % {"label": label, "n": length})
        return result
    return parse


def phone(validator):
    """A phone number checked by the model's `validator` (a RegexValidator), so a file
    and a form accept the same numbers."""
    def parse(value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # Excel drops the leading zero of 0812…; a number starting with 8 is a mobile number.
            digits = str(int(value))
            return "0" + digits if digits.startswith("8") else digits
        result = text(value)
        if result and not validator.regex.match(result):
            raise CellError(validator.message)
        return result
    return parse


def _number_text(value) -> str:
    return RUPIAH.sub("", text(value).replace(" ", ""))


def integer(*, minimum: int | None = 0, maximum: int | None = None):
    def parse(value):
        if type(value) is str and value.isdigit():  # the common case: plain digits
            number = int(value)
        elif type(value) is int:
            number = value
        elif type(value) is not float and is_blank(value):
            return None
        elif isinstance(value, float):
            if not value.is_integer():
                raise CellError(_("Harus bilangan bulat (tertulis %(value)s).") % {"value": value})
            number = int(value)
        else:
            raw = _number_text(value)
            if THOUSANDS.match(raw):
                raw = SEPARATORS.sub("", raw)
            elif WHOLE_DECIMAL.match(raw):
                raw = SEPARATORS.split(raw)[0]
            if not INTEGER.match(raw):
                raise CellError(_("Bukan bilangan bulat: %(value)s.") % {"value": text(value)})
            number = int(raw)
        if minimum is not None and number < minimum:
            raise CellError(_("Tidak boleh kurang dari %(min)s.") % {"min": minimum})
        if maximum is not None and number > maximum:
            raise CellError(_("Tidak boleh lebih dari %(max)s.") % {"max": maximum})
        return number
    return parse


def decimal(*, places: int = 2):
    def parse(value):
        if is_blank(value):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            raw = _number_text(value)
            if THOUSANDS.match(raw) and raw.count(raw[-4]) > 1:
                raw = re.sub(r"[.,]", "", raw)
            raw = raw.replace(",", ".")
            try:
                number = Decimal(raw)
            except InvalidOperation:
                raise CellError(_("Bukan angka: %(value)s.") % {"value": text(value)})
        if number < 0:
            raise CellError(_("Tidak boleh negatif."))
        return number.quantize(Decimal(1).scaleb(-places))
    return parse


def coordinate(value):
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Bukan koordinat desimal: %(value)s (contoh: -7,3881).") % {"value": text(value)})
    try:
        number = float(value) if isinstance(value, (int, float)) else float(text(value).replace(",", "."))
    except ValueError:
        raise CellError(_("Bukan koordinat desimal: %(value)s (contoh: -7,3881).") % {"value": text(value)})
    if not math.isfinite(number) or abs(number) > 180:
        raise CellError(_("Koordinat di luar rentang bujur/lintang: %(value)s.") % {"value": text(value)})
    return number


TRUE_WORDS = {"ya", "y", "aktif", "1", "true", "benar", "iya"}
FALSE_WORDS = {"tidak", "t", "n", "nonaktif", "tidak aktif", "0", "false", "salah", "no"}


def boolean(*, default: bool):
    def parse(value):
        if isinstance(value, bool):
            return value
        if is_blank(value):
            return default
        word = text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("Isi 'ya' atau 'tidak' (tertulis %(value)s).") % {"value": text(value)})
    return parse


def choice(options: dict[str, str]):
    """One of `options` (value → label), written as the value or the label, any case."""
    lookup = {k.lower(): k for k in options} | {str(v).lower(): k for k, v in options.items()}

    def parse(value):
        if is_blank(value):
            return None
        found = lookup.get(text(value).lower())
        if found is None:
            raise CellError(_("Pilihan tidak dikenal: %(value)s. Pilihan yang sah: %(options)s.") % {
                "value": text(value), "options": ", ".join(str(v) for v in options.values())})
        return found
    return parse


def a_date(value):
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Tanggal tidak dikenal: %(value)s (tulis 31/12/2026 atau 2026-12-31).") % {"value": raw})
