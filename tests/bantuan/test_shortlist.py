"""The shortlist: only the eligible, up to the free places, spread across desa, each place
explained — and the same list every time for the same data."""

from decimal import Decimal

import pytest

from bantuan import shortlist
from mapping.models import Assessment, Desa, Rubric
from tests.bantuan.conftest import program_make, propose, visited
from tests.factories import ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def rated(desa, name, score, **fields):
    umkm = visited(UMKMFactory(desa=desa, name=name, **fields))
    Assessment.objects.create(product=ProductFactory(umkm=umkm), rubric=Rubric.objects.current(), is_current=True,
                              status=Assessment.Status.VERIFIED, weighted_score=Decimal(score))
    return umkm


@pytest.fixture
def registry(world):
    karangbanjar, other = world.desa["X"], Desa.objects.get(code="33.03.14.2001")
    return {
        "a1": rated(karangbanjar, "A1", 90), "a2": rated(karangbanjar, "A2", 85), "a3": rated(karangbanjar, "A3", 80),
        "b1": rated(other, "B1", 60), "b2": rated(other, "B2", 55),
        "low": rated(karangbanjar, "Rendah", 20),
    }


def names(candidates):
    return [c.umkm.name for c in candidates]


def test_places_go_round_the_desa_and_never_beyond_the_free_quota(today, staff, registry):
    program = program_make(quota=4, rules={"kecamatan": ["33.03.14"], "skor_minimal": 50})
    propose(program, staff, umkm=registry["b2"])  # one place already taken

    chosen = shortlist.shortlist(program)

    # Best of each desa in turn: A1, B1, then A2 (B2 is already a recipient); 3 free places.
    assert names(chosen) == ["A1", "B1", "A2"]
    assert [c.position for c in chosen] == [1, 2, 3]
    assert "Rendah" not in names(shortlist.shortlist(program, limit=10))  # below skor_minimal: not eligible


def test_the_same_data_gives_the_same_list_with_its_reasons(today, registry):
    program = program_make(quota=5)
    first, second = shortlist.shortlist(program), shortlist.shortlist(program)
    assert names(first) == names(second)
    assert first[0].explanation.startswith("skor potensi 90; usaha mikro") and "belum pernah menerima bantuan" in first[0].explanation


def test_need_and_no_prior_aid_weigh_in(today, staff, world, registry):
    aided_before = program_make(name="Modal 2025", year=2025)
    propose(aided_before, staff, umkm=registry["a1"])
    program = program_make(name="Peralatan 2026", quota=10)
    chosen = shortlist.shortlist(program)
    points = {c.umkm.name: c.points for c in chosen}
    # Both micro (+10); A1 was aided in 2025, A2 never (+10): 90 + 10 = 100 against 85 + 10 + 10 = 105.
    assert (points["A1"], points["A2"]) == (100, 105)
    assert names(chosen).index("A2") < names(chosen).index("A1")


def test_fairness_lists_better_rated_umkm_left_out(today, staff, registry):
    program = program_make(quota=10, rules={"kecamatan": ["33.03.14"]})
    propose(program, staff, umkm=registry["low"])
    gaps = [c.umkm.name for c in shortlist.fairness_gaps(program)]
    assert gaps[:3] == ["A1", "A2", "A3"] and "Rendah" not in gaps
