"""UMKM size class per PP 7/2021 and the validation a staff member meets when typing data."""

import pytest
from django.core.exceptions import ValidationError

from mapping import geometry
from mapping.models import UMKM, Desa, Kecamatan, Permit, Product, SizeClass, size_class_for
from tests.factories import ProductFactory, UMKMFactory

JUTA = 1_000_000
MILIAR = 1_000_000_000


@pytest.mark.parametrize(
    "capital, turnover, expected",
    [
        (0, 0, SizeClass.MIKRO),
        (1 * MILIAR, 2 * MILIAR, SizeClass.MIKRO),  # both exactly at the micro limits
        (1 * MILIAR + 1, 0, SizeClass.KECIL),  # capital one rupiah over
        (0, 2 * MILIAR + 1, SizeClass.KECIL),  # turnover one rupiah over
        (5 * MILIAR, 15 * MILIAR, SizeClass.KECIL),
        (5 * MILIAR + 1, 0, SizeClass.MENENGAH),
        (0, 15 * MILIAR + 1, SizeClass.MENENGAH),
        (10 * MILIAR, 50 * MILIAR, SizeClass.MENENGAH),
        (10 * MILIAR + 1, 0, SizeClass.BESAR),
        (0, 50 * MILIAR + 1, SizeClass.BESAR),
        (100 * JUTA, 60 * MILIAR, SizeClass.BESAR),  # the larger criterion decides
    ],
)
def test_size_class_follows_pp_7_2021_at_every_threshold(capital, turnover, expected):
    assert size_class_for(capital, turnover) == expected
    assert UMKM(capital=capital, annual_turnover=turnover).size_class == expected


@pytest.mark.django_db
def test_size_class_database_filter_agrees_with_the_property(wilayah):
    cases = [
        (1 * MILIAR, 2 * MILIAR), (1 * MILIAR + 1, 0), (0, 2 * MILIAR + 1), (5 * MILIAR, 15 * MILIAR),
        (5 * MILIAR + 1, 0), (10 * MILIAR, 50 * MILIAR), (10 * MILIAR + 1, 0), (0, 50 * MILIAR + 1),
    ]
    for capital, turnover in cases:
        UMKMFactory(capital=capital, annual_turnover=turnover)
    for size_class in SizeClass:
        from_db = set(UMKM.objects.of_size_class(size_class).values_list("pk", flat=True))
        from_python = {u.pk for u in UMKM.objects.all() if u.size_class == size_class}
        assert from_db == from_python, size_class
    assert UMKM.objects.of_size_class(SizeClass.BESAR).count() == 2


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nik", ["123456789012345", "12345678901234567", "33030112345678AB", "3303 0112 3456 7890"]
)
def test_nik_must_be_exactly_16_digits(desa_bojongsari, nik):
    umkm = UMKMFactory.build(desa=desa_bojongsari, nik=nik)
    # Over-long input also gets Django's length message; ours must be there.
    assert "NIK harus tepat 16 digit angka." in errors_of(umkm)["nik"]


@pytest.mark.django_db
@pytest.mark.parametrize("nib", ["123456789012", "12345678901234", "12345678901X3", "1.23E+12"])
def test_nib_must_be_exactly_13_digits(desa_bojongsari, nib):
    umkm = UMKMFactory.build(desa=desa_bojongsari, nib=nib)
    assert "NIB harus tepat 13 digit angka." in errors_of(umkm)["nib"]


@pytest.mark.django_db
def test_valid_nik_and_nib_are_accepted(desa_bojongsari):
    UMKMFactory.build(desa=desa_bojongsari, nik="3303011207900001", nib="1234567890123").full_clean()


@pytest.mark.django_db
def test_nib_is_unique_when_given_but_many_umkm_may_have_none(desa_bojongsari):
    UMKMFactory(desa=desa_bojongsari, nib="1234567890123")
    UMKMFactory(desa=desa_bojongsari, nib="")
    UMKMFactory.build(desa=desa_bojongsari, nib="").full_clean()
    duplicate = UMKMFactory.build(desa=desa_bojongsari, nib="1234567890123")
    assert "NIB ini sudah terdaftar untuk UMKM lain." in str(errors_of(duplicate))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, message",
    [
        ("capital", "Modal usaha tidak boleh negatif."),
        ("annual_turnover", "Omzet tahunan tidak boleh negatif."),
        ("workers", "Jumlah tenaga kerja tidak boleh negatif."),
    ],
)
def test_negative_money_and_worker_counts_are_refused_naming_the_field(desa_bojongsari, field, message):
    umkm = UMKMFactory.build(desa=desa_bojongsari, **{field: -1})
    assert errors_of(umkm)[field] == [message]


@pytest.mark.django_db
def test_negative_price_and_material_share_over_100_are_refused(desa_bojongsari):
    umkm = UMKMFactory(desa=desa_bojongsari)
    product = ProductFactory.build(umkm=umkm, price=-5, local_material_pct=101)
    errors = errors_of(product)
    assert errors["price"] == ["Harga tidak boleh negatif."]
    assert errors["local_material_pct"] == ["Bahan baku lokal paling banyak 100%."]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_founded_year_in_the_future_is_refused(desa_bojongsari):
    umkm = UMKMFactory.build(desa=desa_bojongsari, founded_year=2999)
    assert errors_of(umkm)["founded_year"][0].startswith("Tahun berdiri tidak boleh setelah tahun")


@pytest.mark.django_db
def test_location_outside_the_chosen_desa_is_refused_naming_the_desa(desa_bojongsari):
    elsewhere = Desa.objects.get(code="33.03.06.1011")  # Mewek, Kalimanah
    umkm = UMKMFactory.build(desa=desa_bojongsari, location=elsewhere.centre)
    assert errors_of(umkm)["location"] == [
        "Titik lokasi berada di Kelurahan Mewek (Kec. Kalimanah), bukan di Karangbanjar. "
        "Pilih desa yang benar atau geser pin."
    ]
    UMKMFactory.build(desa=desa_bojongsari, location=desa_bojongsari.centre).full_clean()


@pytest.mark.django_db
def test_a_location_outside_the_regency_is_refused(desa_bojongsari):
    umkm = UMKMFactory.build(desa=desa_bojongsari, location=geometry.point(110.42, -6.99))  # Semarang
    assert errors_of(umkm)["location"] == ["Titik lokasi berada di luar Kabupaten Purbalingga."]


@pytest.mark.django_db
def test_swapped_latitude_and_longitude_are_detected_and_explained(desa_bojongsari):
    lng, lat = desa_bojongsari.centre["coordinates"]
    umkm = UMKMFactory.build(desa=desa_bojongsari, location={"type": "Point", "coordinates": [lat, lng]})
    assert "Lintang dan bujur tampaknya tertukar" in " ".join(errors_of(umkm)["location"])


@pytest.mark.django_db
def test_a_location_that_is_not_a_point_is_refused(desa_bojongsari):
    umkm = UMKMFactory.build(desa=desa_bojongsari, location=desa_bojongsari.boundary)
    assert "location" in errors_of(umkm)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["33.03.1", "33.04.01", "33.03.AB", "3303.01", "33.03.01.2001"])
def test_invalid_kecamatan_codes_are_refused(wilayah, code):
    kecamatan = Kecamatan.objects.get(code="33.03.14")
    kecamatan.pk, kecamatan.code, kecamatan.name = None, code, "Kecamatan Baru"
    assert "Kode kecamatan harus berformat 33.03.NN (contoh: 33.03.01)." in errors_of(kecamatan)["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["33.03.14.3001", "33.03.14.200", "33.03.14", "33.03.14.20a1"])
def test_invalid_desa_codes_are_refused(desa_bojongsari, code):
    desa = Desa(kecamatan=desa_bojongsari.kecamatan, code=code, name="Desa Baru",
                boundary=desa_bojongsari.boundary, centre=desa_bojongsari.centre)
    assert "Kode desa/kelurahan harus berformat" in errors_of(desa)["code"][0]


@pytest.mark.django_db
def test_desa_code_must_start_with_its_kecamatan_code(desa_bojongsari):
    desa = Desa(kecamatan=desa_bojongsari.kecamatan, code="33.03.01.2099", name="Desa Baru",
                boundary=desa_bojongsari.boundary, centre=desa_bojongsari.centre)
    assert errors_of(desa)["code"] == [
        "Kode desa 33.03.01.2099 tidak cocok dengan Kecamatan Bojongsari: "
        "kode desa harus diawali 33.03.14."
    ]
    assert not Desa.objects.filter(code="33.03.01.2099").exists()


@pytest.mark.django_db
def test_centre_outside_the_boundary_and_invalid_polygons_are_refused(desa_bojongsari):
    bowtie = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]]}
    desa = Desa(kecamatan=desa_bojongsari.kecamatan, code="33.03.14.2099", name="Desa Baru",
                boundary=bowtie, centre=geometry.point(0.5, 0.2))
    assert errors_of(desa)["boundary"][0].startswith("Batas wilayah tidak valid")
    desa.boundary = desa_bojongsari.boundary
    desa.centre = geometry.point(109.0, -7.0)
    assert errors_of(desa)["centre"] == ["Titik tengah harus berada di dalam batas wilayah."]


@pytest.mark.django_db
def test_nib_is_not_recorded_as_a_permit(desa_bojongsari):
    umkm = UMKMFactory(desa=desa_bojongsari)
    permit = Permit(umkm=umkm, kind=Permit.Kind.NIB, number="1234567890123")
    assert errors_of(permit)["kind"] == ["NIB dicatat pada isian NIB di data UMKM, bukan di sini."]


@pytest.mark.django_db
def test_holding_permit_filter_counts_nib_from_the_umkm_and_others_from_permits(desa_bojongsari):
    with_nib = UMKMFactory(desa=desa_bojongsari, nib="1234567890123")
    with_pirt = UMKMFactory(desa=desa_bojongsari)
    Permit.objects.create(umkm=with_pirt, kind=Permit.Kind.PIRT, number="1")
    Permit.objects.create(umkm=with_pirt, kind=Permit.Kind.PIRT, number="2")
    assert list(UMKM.objects.holding_permit(Permit.Kind.NIB)) == [with_nib]
    assert list(UMKM.objects.holding_permit(Permit.Kind.PIRT)) == [with_pirt]
