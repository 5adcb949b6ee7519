"""Numbers as Indonesian readers and writers write them: '.' between thousands, ',' before
decimals. The one reading of a number typed by a person (spreadsheet cells and form fields)
and the one formatter for figures printed where Django's localised filters don't reach.

Reading: Indonesian writing first (1.500 = 1500; 1.500,5 = 1500.5; 1,5 = 1.5).
Unambiguous English writing is read too (1,500,000 and 1,500.25 and 12.75). "1,500" could
be either (1500 or 1,5) and is refused, never guessed.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _


def format_number(value, max_places: int = 3) -> str:
    """1234567.5 → '1.234.567,5'; '2.170' (a Decimal's text) → '2,17'; trailing zeros go.
    Text that is not a number is returned as it is; None as ''."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = round(number, max_places)
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


class NumberError(ValueError):
    """The text is not a number (or not an unambiguous one); the message says why."""


ID_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
EN_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
DECIMAL_DOT = re.compile(r"^\d+\.\d+$")
PLAIN = re.compile(r"^\d+$")
MONEY_TAIL = re.compile(r"[,.]-+$|,-*$")
MONEY = re.compile(r"^(?:rp\.?)?([\d.,]+?)(rb|ribu|k|jt|juta|m|miliar|milyar|t|triliun)?\.?$")
MONEY_FACTORS = {None: 1, "rb": 10**3, "ribu": 10**3, "k": 10**3, "jt": 10**6, "juta": 10**6,
                 "m": 10**9, "miliar": 10**9, "milyar": 10**9, "t": 10**12, "triliun": 10**12}


def _ambiguous(raw: str) -> "NumberError":
    return NumberError(_("Angka %(value)s bisa berarti %(thousands)s atau %(decimal)s: tulis tanpa pemisah ribuan "
                       "(%(thousands)s) atau dengan koma desimal yang jelas (%(decimal)s).") % {
        "value": raw, "thousands": raw.replace(",", ""), "decimal": raw.rstrip("0").rstrip(",") or "0"})


def number_read(raw: str) -> Decimal:
    """A number written as text (no spaces, no currency), by the rules above."""
    negative = raw.startswith("-")
    body = raw[1:] if negative else raw
    if PLAIN.match(body):
        number = Decimal(body)
    elif ID_GROUPED.match(body):
        number = Decimal(body.replace(".", "").replace(",", "."))
    elif EN_GROUPED.match(body):
        if body.count(",") == 1 and "." not in body:
            raise _ambiguous(raw)
        number = Decimal(body.replace(",", ""))
    elif DECIMAL_COMMA.match(body):
        number = Decimal(body.replace(",", "."))
    elif DECIMAL_DOT.match(body):
        number = Decimal(body)
    else:
        raise NumberError(_("Bukan angka: %(value)s.") % {"value": raw})
    return -number if negative else number


def money_read(written: str) -> int:
    """Whole rupiah from text: 25000000, 25.000.000, Rp25.000.000,00, 25.000.000,-,
    Rp 25 juta, 25 jt, 1,5 M (miliar), 500 rb."""
    raw = MONEY_TAIL.sub("", written.strip().lower().replace(" ", ""))
    found = MONEY.match(raw)
    if not found:
        raise NumberError(_("Bukan jumlah rupiah: %(value)s (contoh: 25.000.000, Rp 25 juta, 1,5 M).") % {
            "value": written})
    amount = number_read(found.group(1)) * MONEY_FACTORS[found.group(2)]
    if amount != amount.to_integral_value():
        raise NumberError(_("Rupiah harus bilangan bulat (tertulis %(value)s).") % {"value": written})
    return int(amount)


class NumberFormField(forms.DecimalField):
    """A form's decimal field that reads numbers as people write them (number_read: "0,75",
    "1.500", "1.500,5"); an ambiguous one is refused with the reason, never guessed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)  # a text box: the bounds are checked on the server
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            try:
                value = number_read(value.strip().replace(" ", ""))
            except NumberError as error:
                raise forms.ValidationError(str(error), code="invalid") from None
        return super().to_python(str(value))


class MoneyFormField(forms.IntegerField):
    """A form's rupiah field read by money_read, as a spreadsheet cell is: 25000000,
    25.000.000, Rp 25 juta, 1,5 M. A text box with a numeric keypad (a number box would
    let the phone turn "1.500" into 1.5 before the portal sees it)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            try:
                value = money_read(value)
            except NumberError as error:
                raise forms.ValidationError(str(error), code="invalid") from None
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None), attrs.pop("max", None)  # a text box: the bounds are checked on the server
        return attrs
