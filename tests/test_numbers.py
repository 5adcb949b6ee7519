"""Numbers printed for Indonesian readers: '.' between thousands, ',' before decimals."""

from decimal import Decimal

import pytest

from purbalingga_umkm.numbers import format_number


@pytest.mark.parametrize("value, shown", [
    (Decimal("2.170"), "2,17"), ("2.170", "2,17"), (1113, "1.113"), ("1113.00", "1.113"),
    (Decimal("30.700"), "30,7"), (25_000_000, "25.000.000"), (Decimal("1234567.5"), "1.234.567,5"),
    (Decimal("-0.5"), "-0,5"), (0, "0"), (None, ""), ("", ""), ("—", "—"), (Decimal("0.0004"), "0"),
])
def test_numbers_are_written_the_indonesian_way(value, shown):
    assert format_number(value) == shown


def test_places_can_be_limited():
    assert format_number(Decimal("43511.6"), 0) == "43.512"


@pytest.mark.parametrize("typed, read", [("0,75", Decimal("0.75")), ("1.500", Decimal("1500")),
                                         ("1.500,5", Decimal("1500.5")), ("2", Decimal("2")), ("", None)])
def test_a_form_reads_numbers_as_people_type_them(typed, read):
    from purbalingga_umkm.numbers import NumberFormField

    assert NumberFormField(required=False, decimal_places=3).clean(typed) == read


def test_a_form_refuses_an_ambiguous_number_with_the_reason():
    from django import forms

    from purbalingga_umkm.numbers import NumberFormField

    with pytest.raises(forms.ValidationError, match="bisa berarti 1500 atau 1,5"):
        NumberFormField(decimal_places=3).clean("1,500")
