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


def naive_spread(ranked, eligible, places):
    """The rule written plainly: judge everyone, then take the best remaining of each desa in turn,
    the desa in the order of their best eligible candidates."""
    queues = {}
    for pk, desa_id in ranked:
        if pk in eligible:
            queues.setdefault(desa_id, []).append(pk)
    chosen = []
    while len(chosen) < places and any(queues.values()):
        for queue in queues.values():
            if queue and len(chosen) < places:
                chosen.append(queue.pop(0))
    return chosen


@pytest.mark.parametrize("seed", range(40))
def test_the_spread_asks_about_few_and_chooses_as_if_it_had_judged_everyone(seed):
    import random

    rng = random.Random(seed)
    desa_count, per_desa = rng.randint(1, 12), rng.randint(0, 60)
    ranked = [(pk, rng.randrange(desa_count)) for pk in range(desa_count * per_desa)]  # best first
    eligible = {pk for pk, _desa in ranked if rng.random() < rng.choice([0.05, 0.5, 1.0])}
    places = rng.randint(1, 40)
    asked = []

    def judge(ids):
        asked.extend(ids)
        return {pk: shortlist.Candidate(umkm=None, kelompok=FakeGroup(pk), points=Decimal(-pk)) if pk in eligible else None
                for pk in ids}

    chosen = [c.kelompok.pk for c in shortlist._spread(ranked, judge, places)]

    assert chosen == naive_spread(ranked, eligible, places)
    assert len(asked) == len(set(asked))  # nobody judged twice
    if eligible == {pk for pk, _d in ranked} and places < len(ranked) // 4:
        assert len(asked) < len(ranked) // 2  # the many below the places are never read


class FakeGroup:
    def __init__(self, pk):
        self.pk = pk


RULE_SETS = [
    {"ukuran": ["mikro"]}, {"ukuran": ["kecil", "menengah"]}, {"sektor": ["kerajinan"]},
    {"komoditas": ["sapu-glagah"]}, {"skor_minimal": 70}, {"dokumen": ["nib"]}, {"dokumen": ["pirt", "halal"]},
    {"pengecualian": ["kur"]}, {"pengecualian": ["kur", "asn"], "desil_maks": 4}, {"desil_maks": 3},
    {"ukuran": ["mikro"], "sektor": ["makanan-minuman"], "skor_minimal": 50, "dokumen": ["pirt"]},
]


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda rules: "+".join(rules))
def test_what_sql_narrows_never_leaves_out_an_eligible_umkm(today, world, rules):
    """The SQL narrowing before the judge is a second form of the rules: every UMKM that
    eligibility_failures accepts must pass it, and it must narrow (some that fail are gone)."""
    from datetime import date

    from django.db.models import OuterRef

    from bantuan.models import PersonStatus
    from bantuan.rules import best_score_of, eligibility_failures, umkm_narrowed
    from mapping.models import UMKM, Komoditas, Permit, Sector
    from tests.factories import PermitFactory

    program = program_make(rules=rules)
    sapu, kerajinan = Komoditas.objects.get(code="sapu-glagah"), Sector.objects.get(code="kerajinan")
    for n in range(24):
        umkm = UMKMFactory(desa=world.desa["X"], nik=f"33031441018002{n:02d}",
                           capital=[50_000_000, 2_000_000_000, 8_000_000_000][n % 3],
                           annual_turnover=[300_000_000, 3_000_000_000][n % 2 if n % 5 else 0],
                           nib=f"12345678901{n:02d}" if n % 4 == 0 else "")
        product = ProductFactory(umkm=umkm, **({"sector": kerajinan, "komoditas": sapu} if n % 3 == 1 else {}))
        if n % 2:
            Assessment.objects.create(product=product, rubric=Rubric.objects.current(), is_current=True,
                                      status=Assessment.Status.VERIFIED, weighted_score=Decimal(40 + n * 2))
        if n % 4 == 1:
            PermitFactory(umkm=umkm, kind=[Permit.Kind.PIRT, Permit.Kind.HALAL, Permit.Kind.NIB][n % 3])
        if n % 6 == 2:
            PermitFactory(umkm=umkm, kind=Permit.Kind.PIRT, valid_until=date(2025, 1, 1))  # held, expired
        if n % 3 == 0:
            PersonStatus.objects.create(nik=umkm.nik, kind="desil", decile=n % 10 + 1, as_of=date(2025, 1, 1), source="P3KE")
        if n % 7 == 3:
            PersonStatus.objects.create(nik=umkm.nik, kind="desil", decile=9, as_of=date(2026, 6, 1), source="DTSEN")
        if n % 5 == 0:
            PersonStatus.objects.create(nik=umkm.nik, kind=["kur", "asn"][n // 5 % 2], as_of=date(2026, 1, 1),
                                        ends_on=date(2026, 3, 1) if n == 10 else None, source="SIKP")
    everyone = UMKM.objects.filter(desa=world.desa["X"]).annotate(verified_best_score=best_score_of(OuterRef("pk")))
    eligible = {u.pk for u in everyone.prefetch_related("products__sector", "products__komoditas", "permits")
                if not eligibility_failures(program, umkm=u, on=today)}
    narrowed = set(umkm_narrowed(everyone, rules, on=today).values_list("pk", flat=True))

    assert eligible <= narrowed
    assert len(narrowed) < everyone.count()


def test_groups_aided_before_weigh_less_and_the_group_list_costs_the_same_for_more_groups(today, staff, world):
    """Groups never aided weigh more (with their reason); the shortlist of 3 groups and of 9
    reads as many queries: nothing is asked group by group."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bantuan.conftest import kelompok_make

    earlier = program_make(name="Bantuan KUB 2025", recipient_type="kelompok", year=2025)
    program = program_make(name="Bantuan KUB 2026", recipient_type="kelompok", quota=20)
    desa = Desa.objects.filter(kecamatan=world.kecamatan["X"]).order_by("code")
    counts = []
    for batch in (3, 6):
        for n in range(batch):
            group = kelompok_make(name=f"KUB {batch}-{n}", desa=desa[n % 3], members=6)
            if n == 0:
                propose(earlier, staff, kelompok=group)
        with CaptureQueriesContext(connection) as read:
            listed = shortlist.shortlist(program)
        counts.append(len(read.captured_queries))
    assert counts[0] == counts[1], counts
    assert len(listed) == 9
    aided = {c.kelompok.name for c in listed if "belum pernah menerima bantuan" not in c.explanation}
    assert aided == {"KUB 3-0", "KUB 6-0"}
    points = {c.kelompok.name: c.points for c in listed}
    assert max(points[name] for name in aided) < min(p for name, p in points.items() if name not in aided)
