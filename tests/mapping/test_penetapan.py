"""Issue 12, item 4: a determination round (penetapan produk unggulan) of a kecamatan.

The Dinas opens "Penetapan produk unggulan Kecamatan Kemangkon 2027": the commodities
made in Kemangkon are its candidates, each with the registry's evidence and, for the
criteria with an objective measure, a proposed score with its thresholds. The team
scores, records who took part, submits; another Admin Dinas adopts it by decree.
"""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from mapping import rating, selectors, services
from mapping.models import (
    Candidate, CandidateScore, Desa, Kecamatan, Komoditas, Participant, Penetapan, Product, Sector,
)
from purbalingga_umkm.models import AuditEntry
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.factories import ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db

KEMANGKON = "33.03.01"
JT = 1_000_000


def producer(desa_code, komoditas, *, workers, turnover=100 * JT, capital=10 * JT, reach="lokal", material=None,
             active=True):
    umkm = UMKMFactory(desa=Desa.objects.get(code=desa_code), workers=workers, annual_turnover=turnover,
                       capital=capital, is_active=active)
    product = ProductFactory(umkm=umkm, sector=komoditas.sector if komoditas else Sector.objects.get(
        code="makanan-minuman"), komoditas=komoditas, market_reach=reach, local_material_pct=material)
    return umkm, product


@pytest.fixture
def kemangkon(world):
    """Sapu glagah in Kemangkon, hand-countable.

    Kemangkon, LQ base (active UMKM with an active product): U1, U2, U3 (sapu glagah) and
    U4 (food, no commodity): 4 UMKM, 25 workers, turnover Rp1.000 jt.
    Kabupaten LQ base: those 4, U7 (sapu, Bojongsari), U8 (sapu, Kalimanah), and the
    world's UMKM X and Y (2 workers each): 8 UMKM, 37 workers.
    Sapu glagah: Kemangkon 3 producers (U5 is closed), 20 workers; kabupaten 5 producers,
    28 workers.
    """
    sapu = Komoditas.objects.get(code="sapu-glagah")
    u1, _p = producer("33.03.01.2001", sapu, workers=4, turnover=100 * JT, capital=10 * JT, material=80)
    u2, _p = producer("33.03.01.2002", sapu, workers=6, turnover=200 * JT, capital=30 * JT, reach="nasional",
                      material=60)
    u3, _p = producer("33.03.01.2003", sapu, workers=10, turnover=300 * JT, capital=20 * JT, reach="ekspor")
    ProductFactory(umkm=u3, sector=sapu.sector, komoditas=sapu, local_material_pct=90)  # a second sapu product
    producer("33.03.01.2004", None, workers=5, turnover=400 * JT)  # U4
    producer("33.03.01.2005", sapu, workers=50, active=False)  # U5, closed
    closed_product = UMKMFactory(desa=Desa.objects.get(code="33.03.01.2006"), workers=7)  # U6: no active product
    ProductFactory(umkm=closed_product, sector=sapu.sector, komoditas=sapu, is_active=False)
    producer("33.03.14.2007", sapu, workers=5)  # U7
    producer("33.03.06.2006", sapu, workers=3)  # U8
    return {"sapu": sapu, "kecamatan": Kecamatan.objects.get(code=KEMANGKON)}


def second_admin():
    return user_with_role("admin.kedua", Role.ADMIN_DINAS, staff=True)


def new_round(world, kemangkon, **kwargs):
    return services.penetapan_create(kecamatan=kemangkon["kecamatan"], desa=None, year=2027,
                                     top_n=kwargs.get("top_n", 3), by=world.users["admin"])


# --- Evidence and proposals, computed by hand -------------------------------------------------

def test_the_evidence_of_a_commodity_in_its_kecamatan_equals_a_hand_count(kemangkon):
    m = selectors.komoditas_area_measures(kecamatan=kemangkon["kecamatan"])[kemangkon["sapu"].pk]
    assert m.producers == 3 and m.workers == 4 + 6 + 10
    assert m.turnover_share == Decimal("60.0")  # 600 of 1.000 jt
    assert m.outside_province_share == Decimal("66.7")  # U2 national, U3 export: 2 of 3
    assert m.export == 1
    assert m.local_material_avg == Decimal("76.7")  # products 80, 60, 90 (U3's first has none)
    assert m.median_capital == Decimal(20 * JT)  # 10, 20, 30 jt
    assert m.lq_producers == Decimal("1.200")  # (3/4) / (5/8)
    assert m.lq_workers == Decimal("1.057")  # (20/25) / (28/37) = 1.0571…
    assert m.ready_share == Decimal("0.0")


def test_a_desa_round_measures_the_desa_against_the_kabupaten(kemangkon):
    desa = Desa.objects.get(code="33.03.01.2003")
    m = selectors.komoditas_area_measures(kecamatan=kemangkon["kecamatan"], desa=desa)[kemangkon["sapu"].pk]
    assert (m.producers, m.workers, m.turnover_share) == (1, 10, Decimal("100.0"))
    assert m.lq_producers == Decimal("1.600")  # (1/1) / (5/8)


@pytest.mark.parametrize("code, measure, cuts", [
    ("a", "workers", ("5", "20", "50", "100")),
    ("b", "turnover_share", ("1", "5", "10", "20")),
    ("c", "lq_producers", ("0.5", "1.0", "1.5", "2.0")),
    ("f", "outside_province_share", ("5", "15", "30", "50")),
    ("g", "local_material_avg", ("1", "25", "50", "75")),
    ("h", "median_capital", ("5000000", "25000000", "100000000", "500000000")),
])
def test_each_proposal_changes_level_exactly_at_its_thresholds(code, measure, cuts):
    proposal = rating.AREA_PROPOSALS[code]
    assert proposal.measure == measure
    for level, cut in enumerate(cuts, start=2):
        cut = Decimal(cut)
        assert proposal.rule.level(cut) == level
        assert proposal.rule.level(cut - Decimal("0.001")) == level - 1
    assert proposal.rule.level(None) is None
    assert proposal.rule.level(Decimal(0)) == 1


def test_the_lq_criterion_of_a_round_and_of_a_product_follow_one_rule():
    for value in ("0.499", "0.5", "0.999", "1", "1.499", "1.5", "1.999", "2", "7"):
        assert rating.lq_score(Decimal(value)) == rating.AREA_PROPOSALS["c"].rule.level(Decimal(value))


def test_thresholds_are_written_as_people_read_them():
    assert services.thresholds_text(rating.AREA_PROPOSALS["a"]) == (
        "1: < 5 · 2: 5–< 20 · 3: 20–< 50 · 4: 50–< 100 · 5: ≥ 100 (orang)")
    assert services.thresholds_text(rating.AREA_PROPOSALS["c"]) == "1: < 0,5 · 2: 0,5–< 1 · 3: 1–< 1,5 · 4: 1,5–< 2 · 5: ≥ 2"
    assert services.thresholds_text(rating.AREA_PROPOSALS["h"]).startswith("1: < 5.000.000 · 2: 5.000.000–< 25.000.000")


def test_a_new_round_proposes_its_candidates_from_the_registry_and_the_sentra(world, kemangkon):
    penetapan = new_round(world, kemangkon)
    assert penetapan.title == "Penetapan produk unggulan Kecamatan Kemangkon 2027"
    candidates = {c.komoditas.code: c for c in penetapan.candidates.all()}
    # Sapu glagah from its producers; gurami from the known sentra in Kemangkon.
    assert set(candidates) == {"sapu-glagah", "gurami"}
    proposals = {s.criterion.code: (s.measure, s.proposed_score) for s in candidates["sapu-glagah"].scores.all()}
    assert proposals["a"] == (Decimal(20), 3)  # 20 workers: exactly the lower bound of level 3
    assert proposals["b"] == (Decimal("60.0"), 5)
    assert proposals["c"] == (Decimal("1.2"), 3)
    assert proposals["f"] == (Decimal("66.7"), 5)
    assert proposals["g"] == (Decimal("76.7"), 5)
    assert proposals["h"] == (Decimal(20 * JT), 2)
    for code in "deijkl":
        assert proposals[code] == (None, None)  # judged by the team
    assert all(s.score is None for s in candidates["sapu-glagah"].scores.all())
    assert candidates["sapu-glagah"].evidence["producers"] == 3
    gurami = {s.criterion.code: s.proposed_score for s in candidates["gurami"].scores.all()}
    assert gurami["a"] == 1 and gurami["c"] is None  # no producers: no LQ, the team judges


def test_a_product_of_an_ineligible_sector_never_becomes_a_candidate(world, kemangkon):
    trade = Sector.objects.get(code="perdagangan")
    kelontong = Komoditas.objects.create(code="kelontong", name="Kelontong", sector=trade)
    producer("33.03.01.2008", kelontong, workers=30)
    penetapan = new_round(world, kemangkon)
    assert not penetapan.candidates.filter(komoditas=kelontong).exists()
    with pytest.raises(services.PenetapanError) as refused:
        services.candidate_add(penetapan=penetapan, komoditas=kelontong, expected_version=penetapan.version,
                               by=world.users["admin"])
    assert "tidak dapat menjadi produk unggulan" in str(refused.value)


# --- Results: order, class, sensitivity ----------------------------------------------------------

def items(scores: dict[str, int], weights=None):
    weights = weights or {"a": 3, "b": 2, "c": 1}
    return [rating.ScoredCriterion(code, code, weights[code], 1, 5, score) for code, score in scores.items()]


def test_sensitivity_names_the_weight_changes_that_change_the_top():
    # Weights a3 b2 c1. P: a5 b1 c1 → (12+0+0)/24 = 50.00; Q: a1 b5 c5 → (0+8+4)/24 = 50.00;
    # R: a3 b3 c3 → 50.00. All tie on the weighted score; MPE decides: P 125+1+1 = 127,
    # Q 1+25+5 = 31, R 27+9+3 = 39: top 1 is P. Moving weight a down to 2 gives P 8/20=40,
    # Q 12/20=60, R 10/20=50: Q enters, P leaves.
    candidates = {"P": items({"a": 5, "b": 1, "c": 1}), "Q": items({"a": 1, "b": 5, "c": 5}),
                  "R": items({"a": 3, "b": 3, "c": 3})}
    changes = rating.top_n_changes(candidates, 1)
    a_down = next(c for c in changes if c["criterion"] == "a" and c["delta"] == -1)
    assert a_down["top"] == ["Q"] and a_down["enters"] == ["Q"] and a_down["leaves"] == ["P"]
    assert all(c["weight"] >= 1 for c in changes)
    # The top 3 of three candidates never changes.
    assert rating.top_n_changes(candidates, 3) == []


def score_all(penetapan, by, *, level_of=lambda candidate, row: row.proposed_score or 3, reason="uji"):
    for candidate in penetapan.candidates.prefetch_related("scores__criterion"):
        scores, reasons = {}, {}
        for row in candidate.scores.all():
            scores[row.criterion_id] = level_of(candidate, row)
            reasons[row.criterion_id] = reason if scores[row.criterion_id] != row.proposed_score else ""
        services.candidate_score(candidate=candidate, scores=scores, reasons=reasons,
                                 expected_version=Penetapan.objects.get(pk=penetapan.pk).version, by=by)


def adopt_round(penetapan, *, by, adopter, decree_number="100/7/2027"):
    """Score every candidate as proposed (3 where nothing is), record a team member and a
    kecamatan representative, submit, and let `adopter` adopt it."""
    score_all(penetapan, by)
    for name, role in (("Ir. Sulastri", Participant.Role.TEAM), ("Camat", Participant.Role.KECAMATAN)):
        services.participant_add(penetapan=penetapan, name=name, role=role, institution="",
                                 expected_version=Penetapan.objects.get(pk=penetapan.pk).version, by=by)
    penetapan = services.penetapan_submit(
        penetapan=penetapan, expected_version=Penetapan.objects.get(pk=penetapan.pk).version, by=by)
    return services.penetapan_adopt(penetapan=penetapan, decree_number=decree_number,
                                    decree_date=timezone.localdate(), expected_version=penetapan.version, by=adopter)


def test_results_are_ordered_by_the_measure_they_show_and_classed_by_it(world, kemangkon):
    for code in ("knalpot", "batik", "gula-kelapa"):
        komoditas = Komoditas.objects.get(code=code)
        producer("33.03.01.2009", komoditas, workers=2)
    penetapan = new_round(world, kemangkon, top_n=2)
    levels = {"sapu-glagah": 5, "gurami": 2, "knalpot": 4, "batik": 3, "gula-kelapa": 4}
    score_all(penetapan, world.users["admin"], level_of=lambda c, row: levels[c.komoditas.code])
    results = selectors.penetapan_results(penetapan=penetapan)
    shown = [(r.candidate.weighted_score, r.candidate.mpe_total, r.candidate.komoditas.name) for r in results.ranked]
    assert shown == sorted(shown, key=lambda s: (-s[0], -s[1], s[2]))
    assert [r.candidate.komoditas.code for r in results.ranked[:2]] == ["sapu-glagah", "gula-kelapa"]
    assert [r.is_top for r in results.ranked] == [True, True, False, False, False]
    for r in results.ranked:
        expected = next(c for c in sorted(selectors.RatingClass.objects.all(), key=lambda c: -c.min_score)
                        if r.candidate.weighted_score >= c.min_score)
        assert r.rating_class == expected
    assert results.ranked[0].candidate.weighted_score == Decimal("100.00")


# --- From draft to adoption -----------------------------------------------------------------------

def test_a_round_goes_from_draft_to_adoption_with_its_guards(client, world, kemangkon):
    admin, other = world.users["admin"], second_admin()
    penetapan = new_round(world, kemangkon)
    sapu = penetapan.candidates.get(komoditas__code="sapu-glagah")

    # A score against the proposal needs a reason.
    rows = {r.criterion.code: r for r in sapu.scores.select_related("criterion")}
    scores = {r.criterion_id: r.proposed_score or 3 for r in rows.values()}
    scores[rows["a"].criterion_id] = 5
    with pytest.raises(services.PenetapanError) as refused:
        services.candidate_score(candidate=sapu, scores=scores, reasons={}, expected_version=penetapan.version, by=admin)
    assert "berbeda dari usulan bukti (3)" in str(refused.value)

    # A criterion missing is refused by name.
    del scores[rows["k"].criterion_id]
    with pytest.raises(services.RatingError) as refused:
        services.candidate_score(candidate=sapu, scores=scores, reasons={rows["a"].criterion_id: "banyak perajin rumahan"},
                                 expected_version=penetapan.version, by=admin)
    assert "Kriteria (k) Manajemen usaha belum diberi skor." in str(refused.value)

    # Submitting with a candidate unscored and nobody recorded is refused, saying what is missing.
    with pytest.raises(services.PenetapanError) as refused:
        services.penetapan_submit(penetapan=penetapan, expected_version=Penetapan.objects.get(pk=penetapan.pk).version,
                                  by=admin)
    assert "Skor belum lengkap" in str(refused.value) and "Ikan gurami (kriteria a, b, c" in str(refused.value)
    assert "anggota tim penilai" in str(refused.value)

    score_all(penetapan, admin)
    for name, role in (("Ir. Sulastri", Participant.Role.TEAM), ("Camat Kemangkon", Participant.Role.KECAMATAN)):
        services.participant_add(penetapan=penetapan, name=name, role=role, institution="",
                                 expected_version=Penetapan.objects.get(pk=penetapan.pk).version, by=admin)
    penetapan = services.penetapan_submit(
        penetapan=penetapan, expected_version=Penetapan.objects.get(pk=penetapan.pk).version, by=admin)
    assert penetapan.status == Penetapan.Status.SUBMITTED

    # Frozen: no more scores, no new candidates.
    with pytest.raises(services.PenetapanError):
        services.candidate_add(penetapan=penetapan, komoditas=Komoditas.objects.get(code="batik"),
                               expected_version=penetapan.version, by=admin)

    # The person who scored may not adopt.
    with pytest.raises(services.PenetapanError) as refused:
        services.penetapan_adopt(penetapan=penetapan, decree_number="100/23/2027", decree_date=date(2027, 1, 4),
                                 expected_version=penetapan.version, by=admin)
    assert "harus disahkan orang lain" in str(refused.value)
    with pytest.raises(services.PenetapanError) as refused:
        services.penetapan_adopt(penetapan=penetapan, decree_number="", decree_date=timezone.localdate() + timedelta(days=1),
                                 expected_version=penetapan.version, by=other)
    assert set(refused.value.errors) == {"decree_number", "decree_date"}

    adopted = services.penetapan_adopt(penetapan=penetapan, decree_number="100/23/2027",
                                       decree_date=timezone.localdate(), expected_version=penetapan.version, by=other)
    assert adopted.status == Penetapan.Status.ADOPTED and adopted.adopted_by == other
    assert AuditEntry.objects.filter(model="mapping.penetapan", object_id=str(adopted.pk),
                                     action=AuditEntry.Action.VERIFY, user=other).exists()

    # The public kecamatan page names the adopted commodities first.
    page = client.get(reverse("mapping:ranking-kecamatan", args=[KEMANGKON])).content.decode()
    assert "100/23/2027" in page
    assert page.index("Sapu glagah") < page.index("Ikan gurami")


def test_an_old_form_cannot_overwrite_a_newer_change(world, kemangkon):
    penetapan = new_round(world, kemangkon)
    opened_at = penetapan.version
    services.participant_add(penetapan=penetapan, name="Pak Lurah", role=Participant.Role.DESA, institution="",
                             expected_version=opened_at, by=world.users["admin"])
    with pytest.raises(services.PenetapanError) as refused:
        services.participant_add(penetapan=penetapan, name="Bu Camat", role=Participant.Role.KECAMATAN,
                                 institution="", expected_version=opened_at, by=second_admin())
    assert "sudah diubah orang lain" in str(refused.value)
    assert list(penetapan.participants.values_list("name", flat=True)) == ["Pak Lurah"]


def test_one_round_per_area_and_year_and_a_desa_of_the_same_kecamatan(world, kemangkon):
    new_round(world, kemangkon)
    with pytest.raises(services.PenetapanError) as refused:
        new_round(world, kemangkon)
    assert "sudah ada" in str(refused.value)
    with pytest.raises(services.PenetapanError) as refused:
        services.penetapan_create(kecamatan=kemangkon["kecamatan"], desa=Desa.objects.get(code="33.03.14.2008"),
                                  year=2027, top_n=3, by=world.users["admin"])
    assert "tidak berada di Kecamatan Kemangkon" in str(refused.value)
    # The desa round of the same year is a round of its own.
    desa_round = services.penetapan_create(kecamatan=kemangkon["kecamatan"], desa=Desa.objects.get(code="33.03.01.2003"),
                                           year=2027, top_n=3, by=world.users["admin"])
    assert desa_round.title.endswith("2027") and "Desa" in desa_round.title


# --- Pages --------------------------------------------------------------------------------------

def test_staff_create_a_round_in_the_portal_and_bad_input_names_the_field(client, world, kemangkon):
    client.force_login(world.users["admin"])
    response = client.post(reverse("mapping:penetapan-create"), {"kecamatan": kemangkon["kecamatan"].pk,
                                                                  "year": "20x7", "top_n": "3"})
    assert response.status_code == 200 and "Tahun harus berupa angka." in response.content.decode()
    response = client.post(reverse("mapping:penetapan-create"), {"kecamatan": kemangkon["kecamatan"].pk,
                                                                  "year": "2027", "top_n": "3"})
    penetapan = Penetapan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("mapping:penetapan-detail", args=[penetapan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Sapu glagah" in page and "Ukur ulang bukti" in page and "Belum dapat diajukan" in page


def test_pimpinan_reads_a_round_but_cannot_change_it_and_other_mentors_do_not_see_it(client, world, kemangkon):
    penetapan = new_round(world, kemangkon)
    client.force_login(world.users["pimpinan"])
    assert client.get(reverse("mapping:penetapan-detail", args=[penetapan.pk])).status_code == 200
    response = client.post(reverse("mapping:penetapan-change", args=[penetapan.pk]),
                           {"aksi": "ukur-ulang", "version": penetapan.version})
    assert response.status_code == 403
    client.force_login(world.users["pendamping_a"])  # Bojongsari, not Kemangkon
    assert client.get(reverse("mapping:penetapan-detail", args=[penetapan.pk])).status_code == 404
    assert penetapan.pk not in [p.pk for p in client.get(reverse("mapping:penetapan-list")).context["page"]]
    client.logout()
    assert client.get(reverse("mapping:penetapan-detail", args=[penetapan.pk])).status_code == 302


def test_the_score_page_shows_each_proposal_with_its_measure_and_thresholds(client, world, kemangkon):
    penetapan = new_round(world, kemangkon)
    sapu = penetapan.candidates.get(komoditas__code="sapu-glagah")
    client.force_login(world.users["admin"])
    page = client.get(reverse("mapping:penetapan-candidate-score", args=[penetapan.pk, sapu.pk])).content.decode()
    assert "Tenaga kerja di UMKM produsen" in page and "1: &lt; 5 · 2: 5–&lt; 20" in page
    worker_fieldset = page.split('data-kode="a"')[1].split("</fieldset>")[0]
    assert re.search(r'<input type="radio"[^>]*value="3"[^>]*checked', worker_fieldset)  # the proposal, preset


def test_the_lampiran_downloads_as_the_ranked_table(client, world, kemangkon):
    penetapan = new_round(world, kemangkon)
    score_all(penetapan, world.users["admin"])
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mapping:penetapan-lampiran", args=[penetapan.pk]), {"unduh": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Peringkat", "Komoditas") and "(a) Penyerapan tenaga kerja ×3" in rows[0]
    results = selectors.penetapan_results(penetapan=Penetapan.objects.get(pk=penetapan.pk))
    assert [r[1] for r in rows[1:]] == [r.candidate.komoditas.name for r in results.ranked]
    assert client.get(reverse("mapping:penetapan-lampiran", args=[penetapan.pk])).status_code == 200


def test_the_round_page_query_count_does_not_grow_with_candidates(client, world, kemangkon,
                                                                   django_assert_num_queries):
    for code in ("knalpot", "batik", "gula-kelapa"):
        producer("33.03.01.2009", Komoditas.objects.get(code=code), workers=2)
    penetapan = new_round(world, kemangkon)
    score_all(penetapan, world.users["admin"])
    client.force_login(world.users["admin"])
    url = reverse("mapping:penetapan-detail", args=[penetapan.pk])
    # session, user, role, the round, candidates, their scores with criteria, the
    # criteria's levels, participants, rating classes, the adoption check (the role is
    # cached; a draft needs no scorer lookup), navigation permissions (user, groups), the
    # commodities of the "add candidate" choice: 12, whatever the number of candidates.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    assert Candidate.objects.filter(penetapan=penetapan).count() == 5
    assert CandidateScore.objects.filter(candidate__penetapan=penetapan).count() == 5 * 12
    assert Product.objects.filter(komoditas__isnull=False).count() >= 5
