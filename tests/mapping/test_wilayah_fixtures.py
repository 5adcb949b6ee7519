"""The committed reference geography is complete, well formed and geometrically sound."""

import re

import pytest
from django.core.management import call_command
from shapely.geometry import MultiPolygon, Polygon

from mapping import geometry
from mapping.models import Desa, Kecamatan, Sector

pytestmark = pytest.mark.django_db

# Published counts per kecamatan (desa, kelurahan), Kepmendagri via cahyadsn/wilayah;
# see fixtures/README.md. 224 desa + 15 kelurahan = 239.
EXPECTED_COUNTS = {
    "Kemangkon": (19, 0), "Bukateja": (14, 0), "Kejobong": (13, 0), "Kaligondang": (18, 0),
    "Purbalingga": (2, 11), "Kalimanah": (14, 3), "Kutasari": (14, 0), "Mrebet": (19, 0),
    "Bobotsari": (16, 0), "Karangreja": (7, 0), "Karanganyar": (13, 0), "Karangmoncol": (11, 0),
    "Rembang": (12, 0), "Bojongsari": (13, 0), "Padamara": (13, 1), "Pengadegan": (9, 0),
    "Karangjambu": (6, 0), "Kertanegara": (11, 0),
}


def test_there_are_exactly_18_kecamatan_with_their_official_names():
    assert Kecamatan.objects.count() == 18
    assert set(Kecamatan.objects.values_list("name", flat=True)) == set(EXPECTED_COUNTS)


def test_every_kecamatan_has_its_published_number_of_desa_and_kelurahan():
    assert Desa.objects.count() == 239
    assert Desa.objects.desa_only().count() == 224
    assert Desa.objects.kelurahan().count() == 15
    for kecamatan in Kecamatan.objects.all():
        desa = Desa.objects.filter(kecamatan=kecamatan)
        counts = (desa.desa_only().count(), desa.kelurahan().count())
        assert counts == EXPECTED_COUNTS[kecamatan.name], kecamatan.name


def test_every_code_is_well_formed_and_nested_in_its_kecamatan():
    for kecamatan in Kecamatan.objects.all():
        assert re.fullmatch(r"33\.03\.\d{2}", kecamatan.code)
    for desa in Desa.objects.select_related("kecamatan"):
        assert re.fullmatch(r"33\.03\.\d{2}\.[12]\d{3}", desa.code)
        assert desa.code.startswith(desa.kecamatan.code + ".")
        desa.full_clean()


def test_every_boundary_is_a_valid_polygon_or_multipolygon():
    for region in [*Kecamatan.objects.all(), *Desa.objects.all()]:
        shape = geometry.to_shape(region.boundary)
        assert isinstance(shape, (Polygon, MultiPolygon)), region.code
        assert shape.is_valid and not shape.is_empty, region.code


def test_every_centre_lies_inside_its_own_boundary():
    for region in [*Kecamatan.objects.all(), *Desa.objects.all()]:
        assert geometry.covers(region.boundary, region.centre), region.code


def test_every_desa_lies_inside_its_kecamatan():
    kecamatan_shapes = {k.pk: geometry.to_shape(k.boundary) for k in Kecamatan.objects.all()}
    for desa in Desa.objects.all():
        shape = geometry.to_shape(desa.boundary)
        inside = shape.intersection(kecamatan_shapes[desa.kecamatan_id]).area / shape.area
        assert inside > 0.999, desa.code


def test_desa_names_shared_by_two_kecamatan_are_distinct_rows():
    # Penaruban exists in Bukateja and in Kaligondang: always join on kode, never on nama.
    penaruban = Desa.objects.filter(name="Penaruban").values_list("kecamatan__name", flat=True)
    assert sorted(penaruban) == ["Bukateja", "Kaligondang"]


def test_kelurahan_and_desa_are_told_apart_by_their_code():
    assert Desa.objects.get(code="33.03.06.1011").jenis == Desa.Jenis.KELURAHAN  # Mewek
    assert Desa.objects.get(code="33.03.14.2008").jenis == Desa.Jenis.DESA  # Karangbanjar


def test_loading_the_reference_data_twice_changes_nothing():
    before = list(Desa.objects.order_by("code").values_list("pk", "code", "name", "kecamatan_id"))
    call_command("load_wilayah", verbosity=0)
    after = list(Desa.objects.order_by("code").values_list("pk", "code", "name", "kecamatan_id"))
    assert after == before
    assert Kecamatan.objects.count() == 18
    assert Sector.objects.filter(code="makanan-minuman").exists()


def test_load_wilayah_dry_run_saves_nothing():
    Desa.objects.filter(code="33.03.14.2008").update(name="Diubah")
    call_command("load_wilayah", "--dry-run", verbosity=0)
    assert Desa.objects.get(code="33.03.14.2008").name == "Diubah"
    call_command("load_wilayah", verbosity=0)
    assert Desa.objects.get(code="33.03.14.2008").name == "Karangbanjar"
