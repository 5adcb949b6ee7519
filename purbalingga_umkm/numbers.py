"""Numbers as Indonesian readers write them: '.' between thousands, ',' before decimals.

The one formatter for figures printed in sentences and on pages where Django's localised
filters don't reach (text built in Python, values kept as strings in JSON snapshots).
"""

from decimal import Decimal, InvalidOperation


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
