"""Potensi usaha (the rating of one business's product): criteria proposed from the
product's own facts, scores that contradict the facts flagged to the verifier, and returned
assessments on the pendamping's 'Tugas saya'."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mapping import rating, services
from mapping.models import Assessment, Product
from tests.factories import ProductFactory, UMKMFactory


def proposed(**facts):
    values = {"workers": None, "market_reach": None, "local_material_pct": None, "lq": None, **facts}
    return {code: p["score"] for code, p in rating.product_proposals(**values).items()}


@pytest.mark.parametrize("workers, level", [(0, 1), (1, 1), (2, 2), (4, 2), (5, 3), (9, 3), (10, 4), (19, 4), (20, 5), (250, 5)])
def test_a_is_proposed_from_the_workers_of_the_business(workers, level):
    assert proposed(workers=workers) == {"a": level}


@pytest.mark.parametrize("reach, level", [("lokal", 1), ("kabupaten", 2), ("provinsi", 3), ("nasional", 4), ("ekspor", 5)])
def test_f_is_proposed_from_market_reach(reach, level):
    assert proposed(market_reach=reach) == {"f": level}


@pytest.mark.parametrize("share, level", [(0, 1), (1, 2), (24, 2), (25, 3), (49, 3), (50, 4), (74, 4), (75, 5), (100, 5)])
def test_g_is_proposed_from_the_local_raw_material_share(share, level):
    assert proposed(local_material_pct=share) == {"g": level}


def test_c_is_proposed_from_the_sector_lq_by_the_one_lq_rule():
    for lq in ("0.499", "0.5", "1.0", "1.5", "2.0"):
        assert proposed(lq=Decimal(lq)) == {"c": rating.lq_score(Decimal(lq))}


def test_an_unknown_fact_proposes_nothing():
    assert proposed() == {}
    assert proposed(market_reach="") == {}


def test_a_score_two_levels_from_its_proposal_contradicts_the_facts():
    proposals = {"g": {"score": 5, "value": "90", "unit": "%"}, "a": {"score": 3, "value": "7", "unit": "orang"}}
    assert rating.contradictions(scores={"g": 2, "a": 4}, proposals=proposals) == {"g": 5}
    assert rating.contradictions(scores={"g": 3, "a": 1}, proposals=proposals) == {"g": 5, "a": 3}
    assert rating.contradictions(scores={"g": 4, "a": 2}, proposals=proposals) == {}


@pytest.fixture
def batik(world):
    """A batik product of a business in Bojongsari with 7 workers, sold in the province,
    90 % of its raw material local."""
    Assessment.objects.all().delete()
    umkm = UMKMFactory(desa=world.desa["X"], name="Batik Sekar", workers=7)
    return ProductFactory(umkm=umkm, name="Batik tulis", market_reach=Product.MarketReach.PROVINSI,
                          local_material_pct=90)


def scores_of(rubric, default=3, **by_code):
    return {c.pk: by_code.get(c.code, default) for c in rubric.criteria.all()}


def rate(product, mentor, *, submit, **by_code):
    """Pendamping `mentor` rates `product`: 3 everywhere, (c) as the LQ proposes, `by_code` over it."""
    draft = services.assessment_start(product=product, by=mentor)
    scores = {"c": draft.proposals.get("c", {}).get("score", 3), **by_code}
    return services.assessment_save(assessment=draft, scores=scores_of(draft.rubric, **scores), note="",
                                    lq_override_reason="", expected_version=0, by=mentor, submit=submit)


@pytest.mark.django_db
def test_the_form_opens_with_the_criteria_proposed_from_the_facts(world, batik, client):
    client.force_login(world.users["pendamping_a"])
    response = client.get(reverse("mapping:assessment-edit", args=[batik.pk]))
    form = response.context["form"]
    by_code = {c.code: c for c in form.criteria}
    assert form.initial[by_code["a"].field_name] == 3      # 7 workers: 5–9
    assert form.initial[by_code["f"].field_name] == 3      # provinsi
    assert form.initial[by_code["g"].field_name] == 5      # 90 % ≥ 75 %
    assert form.initial[by_code["d"].field_name] is None   # judged, not measured
    page = response.content.decode()
    assert "Saran dari fakta (tenaga kerja 7 orang): skor 3." in page
    assert "Saran dari fakta (bahan baku lokal 90%): skor 5." in page
    assert "Saran dari fakta (jangkauan pasar Provinsi): skor 3." in page


@pytest.mark.django_db
def test_a_score_against_the_facts_is_flagged_to_the_verifier(world, batik, client):
    submitted = rate(batik, world.users["pendamping_a"], submit=True, g=2, a=4)
    flags = submitted.contradicted_scores()
    assert [(f["criterion"].code, f["score"], f["proposed"]) for f in flags] == [("g", 2, 5)]

    client.force_login(world.users["admin"])
    listing = client.get(reverse("mapping:assessment-review-list")).content.decode()
    assert "1 skor bertentangan dengan fakta" in listing
    page = client.get(reverse("mapping:assessment-detail", args=[submitted.pk])).content.decode()
    assert "Skor bertentangan dengan fakta produk" in page
    assert "(g) Bahan baku: diberi skor 2, fakta menyarankan 5 (bahan baku lokal 90%)." in page
    assert 'data-testid="product-facts"' in page


@pytest.mark.django_db
def test_scores_that_follow_the_facts_raise_no_flag(world, batik, client):
    submitted = rate(batik, world.users["pendamping_a"], submit=True, g=4, a=3, f=4)
    assert submitted.contradicted_scores() == []
    client.force_login(world.users["admin"])
    assert "bertentangan" not in client.get(reverse("mapping:assessment-detail", args=[submitted.pk])).content.decode()


@pytest.mark.django_db
def test_proposals_are_frozen_with_the_facts_when_the_assessment_begins(world, batik):
    saved = rate(batik, world.users["pendamping_a"], submit=False)
    Product.objects.filter(pk=batik.pk).update(local_material_pct=10)
    saved.refresh_from_db()
    assert saved.proposals["g"] == {"score": 5, "value": "90", "unit": "%"}


@pytest.mark.django_db
def test_a_returned_assessment_is_on_the_mentors_tasks_with_the_comment(world, batik, client):
    mentor = world.users["pendamping_a"]
    submitted = rate(batik, mentor, submit=True)
    services.assessment_return(assessment=submitted, by=world.users["admin"], comment="Foto produk belum ada")

    client.force_login(mentor)
    page = client.get(reverse("mentoring:my-tasks")).content.decode()
    assert "Penilaian dikembalikan" in page and "Foto produk belum ada" in page
    assert reverse("mapping:assessment-edit", args=[batik.pk]) in page

    client.force_login(world.users["pendamping_b"])  # another kecamatan
    page = client.get(reverse("mentoring:my-tasks")).content.decode()
    assert "Foto produk belum ada" not in page
