"""Turning one spreadsheet cell into a value, or a clear Indonesian message why not.

Cells arrive as text (CSV), or as text, float, bool or date (XLSX). Offices send
numbers stored as text and text stored as numbers; both are accepted where the value
survives, and refused with an explanation where Excel has already destroyed it (a
16-digit NIK cannot survive a float).
"""

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

from purbalingga_umkm import numbers
from purbalingga_umkm.tables import FORMULA_TRIGGERS

SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")


class CellError(Exception):
    """The cell's value is refused; the message says why."""


# What offices write in a cell that has nothing to say: read as empty everywhere.
EMPTY_WORDS = frozenset({"-", "--", "---", "—", "–", "n/a", "na", "#n/a", "tidak ada", "tdk ada", "belum ada",
                         "blm ada", "kosong"})
_EMPTY_FIRST = frozenset("-—–nN#tTbBkK")


def _says_nothing(stripped: str) -> bool:
    return len(stripped) <= 9 and stripped[:1] in _EMPTY_FIRST and stripped.lower() in EMPTY_WORDS


def is_blank(value) -> bool:
    if value is None or value == "":
        return True
    if type(value) is str:
        stripped = value.strip()
        return not stripped or _says_nothing(stripped)
    return False


def row_is_blank(cells) -> bool:
    """A row with nothing in it (Excel keeps formatted empty rows below the data)."""
    for value in cells:
        if value is None or value == "":
            continue
        if type(value) is str and (not value.strip() or _says_nothing(value.strip())):
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
        if _says_nothing(stripped):
            return ""
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


def digits_id(label: str, length: int, *, when_damaged: str = ""):
    """NIK (16 digits), NIB (13 digits), exactly `length` digits. As text (a leading
    apostrophe, Excel's "keep as text" mark, is dropped); as a number only when it cannot
    have been damaged: Excel keeps 15 significant digits, so a 13-digit NIB typed as a
    number survives and a 16-digit NIK does not. `when_damaged` is added to the messages
    about digits Excel destroyed: what else the user can do (e.g. delete the column)."""

    def damaged(message: str) -> CellError:
        return CellError(f"{message} {when_damaged}".strip())

    def parse(value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if length <= 15 and float(value).is_integer() and value >= 0:
                digits = str(int(value))
                if len(digits) == length:
                    return digits
                raise damaged(
                    _("%(label)s harus tepat %(n)s digit angka (tertulis %(value)s, %(d)s digit). Bila aslinya diawali "
                      "0, Excel menghapus angka 0 itu karena kolomnya berformat Angka: format kolom %(label)s sebagai "
                      "Teks dan ketik ulang.") % {"label": label, "n": length, "value": digits, "d": len(digits)})
            raise damaged(
                _("%(label)s tersimpan sebagai angka oleh Excel, sehingga digitnya bisa berubah (angka lebih "
                  "dari 15 digit dibulatkan). Format kolom %(label)s sebagai Teks, ketik ulang dari dokumen "
                  "aslinya, lalu unggah lagi.") % {"label": label}
            )
        result = text(value).replace(" ", "").lstrip("'")
        if SCIENTIFIC.match(result):
            raise damaged(
                _("%(label)s tertulis dalam notasi ilmiah (%(value)s): Excel sudah membulatkannya dan digit "
                  "aslinya hilang. Format kolom sebagai Teks dan ketik ulang dari dokumen aslinya.")
                % {"label": label, "value": result}
            )
        if result and not (result.isdigit() and len(result) == length):
            raise CellError(_("%(label)s harus tepat %(n)s digit angka.") % {"label": label, "n": length})
        return result
    return parse


PHONE_SPLIT = re.compile(r"\s*(?:/|;|,|\bdan\b|\batau\b|\bor\b|\n)\s*", re.IGNORECASE)
PHONE_NOISE = re.compile(r"[\s.\-()]")


def phone_numbers(value) -> list[str]:
    """Every phone number in the cell, written one way: digits, a leading 0 for Indonesian
    numbers ("+62 812…", "62812…", "812…" and (0281) 891… all become 0…). A number stored
    by Excel lost its leading zero; a text one may have lost it too: both are treated alike."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    numbers = []
    for part in PHONE_SPLIT.split(text(value)):
        digits = PHONE_NOISE.sub("", part)
        if not digits:
            continue
        if digits.startswith("+62"):
            digits = "0" + digits[3:]
        elif digits.startswith("62") and len(digits) >= 10:
            digits = "0" + digits[2:]
        elif digits.startswith("8") and len(digits) >= 9:
            digits = "0" + digits
        numbers.append(digits)
    return numbers


class Phones(str):
    """The first phone number of a cell, carrying the cell's other numbers (`others`)."""

    others: tuple = ()


def phone(validator):
    """The first phone number of the cell (phone_numbers), checked by the model's
    `validator` (a RegexValidator), so a file and a form accept the same numbers. The other
    numbers of the cell ride along as `.others`, checked the same way: a spec keeps them."""
    def parse(value) -> str:
        numbers = phone_numbers(value)
        if not numbers:
            return ""
        for number in numbers:
            if not validator.regex.match(number):
                raise CellError(validator.message)
        first = Phones(numbers[0])
        first.others = tuple(numbers[1:])
        return first
    return parse


# --- numbers: one reading for every column that holds one (purbalingga_umkm.numbers) ----------

def number_read(raw: str) -> Decimal:
    try:
        return numbers.number_read(raw)
    except numbers.NumberError as error:
        raise CellError(str(error)) from None


def _cell_number(value) -> Decimal | None:
    """The cell as a Decimal (None when empty), read by number_read when it is text."""
    if type(value) is not float and type(value) is not int and is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Bukan angka: %(value)s.") % {"value": text(value)})
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(_("Bukan angka: %(value)s.") % {"value": value})
        return Decimal(str(value))
    raw = text(value).replace(" ", "")
    return number_read(raw)


def _limits(number, minimum, maximum):
    if minimum is not None and number < minimum:
        raise CellError(_("Tidak boleh kurang dari %(min)s.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Tidak boleh lebih dari %(max)s.") % {"max": maximum})


def _whole(number: Decimal, value) -> int:
    if number != number.to_integral_value():
        raise CellError(_("Harus bilangan bulat (tertulis %(value)s).") % {"value": text(value)})
    return int(number)


def integer(*, minimum: int | None = 0, maximum: int | None = None):
    def parse(value):
        if type(value) is str and value.isdigit():  # the common case: plain digits
            number = int(value)
        elif type(value) is int:
            number = value
        else:
            found = _cell_number(value)
            if found is None:
                return None
            number = _whole(found, value)
        _limits(number, minimum, maximum)
        return number
    return parse


def decimal(*, places: int = 2):
    def parse(value):
        number = _cell_number(value)
        if number is None:
            return None
        if number < 0:
            raise CellError(_("Tidak boleh negatif."))
        return number.quantize(Decimal(1).scaleb(-places))
    return parse


def money(*, minimum: int | None = 0):
    """Rupiah as people write it (purbalingga_umkm.numbers.money_read): 25.000.000,
    Rp25.000.000,00, 25.000.000,-, Rp 25 juta, 25 jt, 1,5 M. Whole rupiah."""
    def parse(value):
        if type(value) is str and value.isdigit():
            number = int(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number = _whole(Decimal(str(value)), value)
        else:
            if is_blank(value):
                return None
            try:
                number = numbers.money_read(text(value))
            except numbers.NumberError as error:
                raise CellError(str(error)) from None
        _limits(number, minimum, None)
        return number
    return parse


def percent(value):
    """A share 0–100 written as 80%, 80 or 0,8 (a fraction below 1 is read as its
    percentage: 0,8 = 80 %, but 1 = 1 %), rounded to a whole percent."""
    if is_blank(value) and type(value) is not float and type(value) is not int:
        return None
    if type(value) is str and value.strip().endswith("%"):
        number = number_read(text(value)[:-1].replace(" ", ""))
    else:
        number = _cell_number(value)
        if number is not None and 0 < number < 1:
            number *= 100
    number = int(number.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    _limits(number, 0, 100)
    return number


EXCEL_EPOCH = date(1899, 12, 30)


def year(*, minimum: int = 1900, maximum=None):
    """A year written as 2015, as a date cell, as an Excel date serial (42233) or as a date
    in text (17/08/2015, 2015-08-17). `maximum` is a number or a function returning one."""
    def parse(value):
        if is_blank(value) and type(value) is not float and type(value) is not int:
            return None
        if isinstance(value, datetime):
            found = value.year
        elif isinstance(value, date):
            found = value.year
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > 3000:
            try:  # an Excel date serial: days since 30 December 1899
                found = (EXCEL_EPOCH + timedelta(days=int(value))).year
            except OverflowError:
                raise CellError(_("Tahun tidak dikenal: %(value)s.") % {"value": value}) from None
        else:
            raw = text(value)
            if raw.isdigit() or isinstance(value, (int, float)):
                found = integer(minimum=None)(value)
            else:
                found = a_date(raw).year
        top = maximum() if callable(maximum) else maximum
        if found < minimum:
            raise CellError(_("Tahun tidak boleh sebelum %(min)s.") % {"min": minimum})
        if top is not None and found > top:
            raise CellError(_("Tahun tidak boleh setelah %(max)s.") % {"max": top})
        return found
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


def choice_key(value) -> str:
    """How a choice is compared: no case, '&' as 'dan', no punctuation or trailing dot."""
    words = re.sub(r"[^0-9a-z]+", " ", str(value).lower().replace("&", " dan "))
    return " ".join(words.split())


def choice(options: dict[str, str], synonyms: dict[str, str] | None = None):
    """One of `options` (value → label), written as the value, the label, one part of a
    label with a slash ("bungkus" for "paket/bungkus") or a common synonym (word → value),
    in any case and punctuation ("Kg.", "Makanan dan Minuman")."""
    lookup = {}
    for key, label in options.items():
        for written in (key, str(label), *str(label).split("/")):
            lookup.setdefault(choice_key(written), key)
    for written, key in (synonyms or {}).items():
        lookup.setdefault(choice_key(written), key)

    def parse(value):
        if is_blank(value):
            return None
        found = lookup.get(choice_key(text(value)))
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
