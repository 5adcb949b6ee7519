"""Potential rating: scoring, LQ, the workflow and the flagship rankings."""

from decimal import Decimal

import pytest

from mapping.services.facts import facts_changed
from django.urls import reverse

from mapping import rating, selectors, services
from mapping.models import Assessment, Criterion, Desa, Rubric, Sector
from tests.factories import ProductFactory, UMKMFactory

ScoredCriterion = rating.ScoredCriterion


def item(code, weight, score, low=1, high=5):
    return ScoredCriterion(code=code, name=code, weight=weight, min_score=low, max_score=high, score=score)


def test_weighted_score_and_mpe_match_a_hand_computed_example():
    items = [item("a", 2, 4), item("b", 3, 5), item("c", 1, 2)]
    # (2·3 + 3·4 + 1·1) / (2·4 + 3·4 + 1·4) × 100 = 19/24 × 100
    assert rating.weighted_score(items) == Decimal("79.17")
    # 4² + 5³ + 2¹
    assert rating.mpe_total(items) == 143


def test_lowest_levels_score_0_and_highest_100():
    assert rating.weighted_score([item("a", 3, 1), item("b", 1, 1)]) == Decimal("0.00")
    assert rating.weighted_score([item("a", 3, 5), item("b", 1, 5)]) == Decimal("100.00")


@pytest.mark.parametrize(
    "lq, level", [(None, None), ("0.49", 1), ("0.5", 2), ("0.999", 2), ("1.0", 3), ("1.499", 3), ("1.5", 4), ("2.0", 5)]
)
def test_lq_maps_to_the_level_of_criterion_c(lq, level):
    assert rating.lq_score(Decimal(lq) if lq else None) == level


def test_location_quotient_formula():
    lq = rating.location_quotient(sector_in_kecamatan=2, kecamatan_total=4, sector_in_kabupaten=3, kabupaten_total=10)
    assert lq == Decimal("1.667")
    assert rating.location_quotient(sector_in_kecamatan=0, kecamatan_total=0, sector_in_kabupaten=3, kabupaten_total=10) is None


@pytest.mark.django_db
def test_lq_of_a_small_constructed_registry(wilayah):
    food, craft = Sector.objects.get(code="makanan-minuman"), Sector.objects.get(code="kerajinan")
    in_a = Desa.objects.get(code="33.03.14.2008")  # Bojongsari
    elsewhere = Desa.objects.get(code="33.03.01.2001")  # Kemangkon
    # Bojongsari: 4 UMKM, 2 of them food. Kabupaten: 10 UMKM, 3 food.
    for sector in (food, food, craft, craft):
        ProductFactory(umkm=UMKMFactory(desa=in_a), sector=sector)
    for sector in (food, craft, craft, craft, craft, craft):
        ProductFactory(umkm=UMKMFactory(desa=elsewhere), sector=sector)
    UMKMFactory(desa=in_a, is_active=False)  # inactive UMKM do not count
    facts_changed(everything=True)  # factories write rows directly; the portal's writes keep the facts
    bojongsari, kemangkon = in_a.kecamatan, elsewhere.kecamatan
    assert selectors.sector_location_quotient(sector=food, kecamatan=bojongsari) == Decimal("1.667")
    assert selectors.sector_location_quotient(sector=craft, kecamatan=bojongsari) == Decimal("0.714")
    assert selectors.sector_location_quotient(sector=food, kecamatan=kemangkon) == Decimal("0.556")


@pytest.mark.django_db
def test_rubric_version_1_has_the_12_permendagri_criteria(wilayah):
    rubric = Rubric.objects.current()
    assert rubric.version == 1
    criteria = list(rubric.criteria.prefetch_related("levels"))
    assert [c.code for c in criteria] == list("abcdefghijkl")
    assert all([level.score for level in c.levels.all()] == [1, 2, 3, 4, 5] for c in criteria)
    assert criteria[2].auto_source == Criterion.AutoSource.LOCATION_QUOTIENT


# --- the workflow ---------------------------------------------------------------------


def all_scores(rubric, value=None, **by_kode):
    return {c.pk: by_kode.get(c.code, value) for c in rubric.criteria.all() if by_kode.get(c.code, value) is not None}


@pytest.fixture
def rated(world):
    """Product X with a draft assessment by pendamping A, all criteria at 3 except (c)."""
    Assessment.objects.all().delete()
    a = world.users["pendamping_a"]
    draft = services.assessment_start(product=world.product["X"], by=a)
    rubric = draft.rubric
    scores = all_scores(rubric, 3, c=draft.lq_suggested_score or 3)
    return services.assessment_save(assessment=draft, scores=scores, note="", lq_override_reason="",
                                    expected_version=0, by=a, submit=False)


@pytest.mark.django_db
def test_pendamping_submits_and_staff_verify_and_it_is_locked(world, rated):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    scores = all_scores(rated.rubric, 3, c=rated.lq_suggested_score or 3)
    submitted = services.assessment_save(assessment=rated, scores=scores, note="ok", lq_override_reason="",
                                         expected_version=rated.version, by=a, submit=True)
    assert submitted.status == Assessment.Status.SUBMITTED
    verified = services.assessment_verify(assessment=submitted, by=admin)
    assert verified.status == Assessment.Status.VERIFIED and verified.verified_by == admin
    with pytest.raises(services.RatingError, match="terkunci"):
        services.assessment_save(assessment=verified, scores=scores, note="", lq_override_reason="",
                                 expected_version=verified.version, by=a, submit=False)


@pytest.mark.django_db
def test_staff_return_with_a_comment_and_the_mentor_resubmits(world, rated):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    scores = all_scores(rated.rubric, 3, c=rated.lq_suggested_score or 3)
    rated = services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                     expected_version=rated.version, by=a, submit=True)
    with pytest.raises(services.RatingError, match="Tuliskan komentar"):
        services.assessment_return(assessment=rated, by=admin, comment="  ")
    returned = services.assessment_return(assessment=rated, by=admin, comment="Cek lagi skor bahan baku")
    assert returned.status == Assessment.Status.RETURNED
    again = services.assessment_save(assessment=returned, scores=scores, note="", lq_override_reason="",
                                     expected_version=returned.version, by=a, submit=True)
    assert again.status == Assessment.Status.SUBMITTED and again.pk == rated.pk


@pytest.mark.django_db
def test_a_pendamping_cannot_verify_and_staff_cannot_verify_their_own(world, rated, client):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    scores = all_scores(rated.rubric, 3, c=rated.lq_suggested_score or 3)
    rated = services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                     expected_version=rated.version, by=admin, submit=True)
    with pytest.raises(services.RatingError, match="Hanya admin Dinas"):
        services.assessment_verify(assessment=rated, by=a)
    with pytest.raises(services.RatingError, match="penilaiannya sendiri"):
        services.assessment_verify(assessment=rated, by=admin)
    client.force_login(a)
    assert client.post(reverse("mapping:assessment-verify", args=[rated.pk])).status_code == 403
    assert Assessment.objects.get(pk=rated.pk).status == Assessment.Status.SUBMITTED


@pytest.mark.django_db
def test_only_submitted_assessments_can_be_verified(world, rated):
    with pytest.raises(services.RatingError, match="berstatus diajukan"):
        services.assessment_verify(assessment=rated, by=world.users["admin"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        ({"a": 9}, "Skor 9 untuk kriteria (a) di luar skala 1–5."),
        ({"a": None}, "Kriteria (a) Penyerapan tenaga kerja belum diberi skor."),
    ],
)
def test_scores_outside_the_scale_or_missing_are_refused_and_nothing_saved(world, rated, change, message):
    scores = all_scores(rated.rubric, 3, c=rated.lq_suggested_score or 3)
    criterion = rated.rubric.criteria.get(code="a")
    if change["a"] is None:
        scores.pop(criterion.pk)
    else:
        scores[criterion.pk] = change["a"]
    with pytest.raises(services.RatingError) as caught:
        services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                 expected_version=rated.version, by=world.users["pendamping_a"], submit=True)
    assert caught.value.errors["a"] == message
    assert Assessment.objects.get(pk=rated.pk).status == Assessment.Status.DRAFT


@pytest.mark.django_db
def test_overriding_the_lq_suggestion_needs_a_reason(world, rated):
    Assessment.objects.filter(pk=rated.pk).update(lq_suggested_score=2)
    rated.refresh_from_db()
    scores = all_scores(rated.rubric, 3, c=4)
    with pytest.raises(services.RatingError, match="berbeda dari saran LQ"):
        services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                 expected_version=rated.version, by=world.users["pendamping_a"], submit=True)
    saved = services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="Sentra baru",
                                     expected_version=rated.version, by=world.users["pendamping_a"], submit=True)
    assert saved.lq_override_reason == "Sentra baru"


@pytest.mark.django_db
def test_a_stale_assessment_form_is_refused(world, rated):
    scores = all_scores(rated.rubric, 3, c=rated.lq_suggested_score or 3)
    with pytest.raises(services.RatingError, match="sudah diubah orang lain"):
        services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                 expected_version=rated.version - 1, by=world.users["pendamping_a"], submit=False)


@pytest.mark.django_db
def test_totals_stored_with_the_assessment_equal_the_scoring_functions(world, rated):
    rated.refresh_from_db()
    items = [
        item(s.criterion.code, s.criterion.weight, s.score) for s in rated.scores.select_related("criterion")
    ]
    assert rated.weighted_score == rating.weighted_score(items)
    assert rated.mpe_total == rating.mpe_total(items)


@pytest.mark.django_db
def test_a_new_rubric_version_leaves_past_assessments_untouched(world, rated, client):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    scores = all_scores(rated.rubric, 4, c=rated.lq_suggested_score or 4)
    old = services.assessment_save(assessment=rated, scores=scores, note="", lq_override_reason="",
                                   expected_version=rated.version, by=a, submit=True)
    old = services.assessment_verify(assessment=old, by=admin)
    before = (old.weighted_score, old.mpe_total, old.rubric_id)

    v2 = services.rubric_new_version(rubric=old.rubric)
    v2.criteria.filter(code="a").update(weight=10)
    Rubric.objects.filter(pk=old.rubric_id).update(is_active=False)
    Rubric.objects.filter(pk=v2.pk).update(is_active=True)

    old.refresh_from_db()
    assert (old.weighted_score, old.mpe_total, old.rubric_id) == before
    fresh = services.assessment_start(product=world.product["X"], by=a)
    assert fresh.rubric == v2
    # Staff can no longer change the used version 1 in the admin.
    client.force_login(admin)
    url = reverse("admin:mapping_criterion_change", args=[old.rubric.criteria.get(code="a").pk])
    assert client.post(url, {"code": "a", "name": "x", "weight": 9, "order": 1}).status_code == 403
    assert old.rubric.criteria.get(code="a").weight == 3


@pytest.mark.django_db
@pytest.mark.parametrize("weight, message", [("0", "Bobot harus bilangan bulat positif (minimal 1)."),
                                             ("1.5", "Masukkan keseluruhan angka bilangan.")])
def test_rubric_weights_must_be_positive_integers(world, client, weight, message):
    v2 = services.rubric_new_version(rubric=Rubric.objects.current())
    criterion = v2.criteria.get(code="a")
    client.force_login(world.users["admin"])
    levels = list(criterion.levels.all())
    data = {
        "rubric": v2.pk, "code": "a", "name": criterion.name, "description": "", "weight": weight, "order": 1,
        "auto_source": "", "levels-TOTAL_FORMS": len(levels), "levels-INITIAL_FORMS": len(levels),
    }
    for i, level in enumerate(levels):
        data.update({f"levels-{i}-id": level.pk, f"levels-{i}-criterion": criterion.pk,
                     f"levels-{i}-score": level.score, f"levels-{i}-description": level.description})
    response = client.post(reverse("admin:mapping_criterion_change", args=[criterion.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.weight == 3


# --- rankings -------------------------------------------------------------------------


def verified(world, product, value, by_kode=None):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    draft = services.assessment_start(product=product, by=a)
    scores = all_scores(draft.rubric, value, **(by_kode or {}))
    reason = "uji" if draft.lq_suggested_score and scores.get(draft.rubric.criteria.get(code="c").pk) != draft.lq_suggested_score else ""
    saved = services.assessment_save(assessment=draft, scores=scores, note="", lq_override_reason=reason,
                                     expected_version=draft.version, by=a, submit=True)
    return services.assessment_verify(assessment=saved, by=admin)


@pytest.mark.django_db
def test_ranking_counts_only_the_latest_verified_assessment(world, client):
    Assessment.objects.all().delete()
    strong = ProductFactory(umkm=world.umkm["X"], name="Nopia")
    weak = ProductFactory(umkm=world.umkm["X"], name="Lanting")
    verified(world, strong, 5)
    verified(world, weak, 4)
    verified(world, strong, 2)  # re-assessed lower later: the latest verified counts
    draft = services.assessment_start(product=world.product["X"], by=world.users["pendamping_a"])
    services.assessment_save(assessment=draft, scores=all_scores(draft.rubric, 5, c=draft.lq_suggested_score or 5),
                             note="", lq_override_reason="uji", expected_version=0,
                             by=world.users["pendamping_a"], submit=True)  # submitted, not verified
    ranking = selectors.flagship_ranking(desa=world.desa["X"])
    assert [r.assessment.product.name for r in ranking] == ["Lanting", "Nopia"]
    page = client.get(reverse("mapping:ranking-desa", args=[world.desa["X"].code]))
    assert page.status_code == 200
    assert [r.assessment.product.name for r in page.context["ranking"]] == ["Lanting", "Nopia"]
    assert "Produk unggulan Desa Karangbanjar" in page.content.decode()


@pytest.mark.django_db
def test_ranking_ties_are_broken_by_name_and_explained(world):
    Assessment.objects.all().delete()
    for name in ("Sapu B", "Sapu A"):
        verified(world, ProductFactory(umkm=world.umkm["X"], name=name), 2, {"g": 5, "f": 5})
    ranking = selectors.flagship_ranking(kecamatan=world.kecamatan["X"])
    assert [r.assessment.product.name for r in ranking] == ["Sapu A", "Sapu B"]
    assert ranking[0].explanation == "skor tertinggi pada ketersediaan pasar dan bahan baku"
    assert ranking[0].rating_class.name == "Perlu pembinaan"


@pytest.mark.django_db
def test_ranking_pages_query_count_is_constant(world, client, django_assert_num_queries):
    Assessment.objects.all().delete()
    # 3 desa x 2 products of 2 commodities, each verified.
    from mapping.models import Komoditas

    commodities = [Komoditas.objects.get(code="sapu-glagah"), Komoditas.objects.get(code="keripik")]
    for code in ("33.03.14.2008", "33.03.14.2001", "33.03.14.2002"):
        umkm = UMKMFactory(desa=Desa.objects.get(code=code))
        for value, komoditas in zip((3, 4), commodities):
            verified(world, ProductFactory(umkm=umkm, komoditas=komoditas, sector=komoditas.sector), value)
    pages = [
        # cache stamp, the standings' winners, their rows, their scores, criterion levels,
        # rating classes; cache stamp, producers per commodity (summaries), the commodities
        # with their sentra: 9.
        (reverse("mapping:ranking-kabupaten"), 9),
        # the kecamatan, cache stamp, the standings' winners, their rows, their scores,
        # criterion levels, rating classes, the kecamatan's desa list, its sentra; cache
        # stamp, the latest adopted round, the commodities' measures from the summaries (the
        # area's and the kabupaten's commodity sums, the area's and the kabupaten's LQ base),
        # their producers' names, the commodities: 17.
        (reverse("mapping:ranking-kecamatan", args=["33.03.14"]), 17),
        # the desa with its kecamatan, cache stamp, the standings' winners, their rows, their
        # scores, criterion levels, rating classes, its sentra; the same 8 for its
        # commodities: 16.
        (reverse("mapping:ranking-desa", args=["33.03.14.2008"]), 16),
    ]
    for url, expected in pages:  # each on a cold cache
        with django_assert_num_queries(expected):
            response = client.get(url)
            assert response.status_code == 200
    response = client.get(reverse("mapping:ranking-kecamatan", args=["33.03.14"]))
    assert response.status_code == 200
    assert len(response.context["ranking"]) == 6
    candidates = response.context["unggulan"]["candidates"]
    assert [(c.komoditas.code, c.measures.producers) for c in candidates] == [("keripik", 3), ("sapu-glagah", 3)]


@pytest.mark.django_db
def test_assessment_form_shows_every_criterion_with_its_levels_and_the_facts(world, client):
    Assessment.objects.all().delete()
    client.force_login(world.users["pendamping_a"])
    response = client.get(reverse("mapping:assessment-edit", args=[world.product["X"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<fieldset class="mb-3 border rounded p-2"') == 12
    assert "Bahan baku lokal &gt; 75% dan pasokan terjamin" in content
    assert 'data-testid="product-facts"' in content
    assert not Assessment.objects.exists()  # opening the form writes nothing


@pytest.mark.django_db
def test_assessment_form_post_missing_criteria_shows_messages(world, client):
    Assessment.objects.all().delete()
    client.force_login(world.users["pendamping_a"])
    response = client.post(reverse("mapping:assessment-edit", args=[world.product["X"].pk]),
                           {"version": 0, "c_a": 3, "aksi": "ajukan"})
    assert response.status_code == 200
    assert "Pilih tingkat untuk kriteria (b)." in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_review_list_and_umkm_detail_query_counts_are_constant(world, client, django_assert_num_queries):
    from tests.factories import PermitFactory

    Assessment.objects.all().delete()
    a = world.users["pendamping_a"]
    umkm = world.umkm["X"]
    # 3 desa x 2 submitted assessments; UMKM X gets 3 products, each with a permit and 2
    # verified assessments.
    for code in ("33.03.14.2008", "33.03.14.2001", "33.03.14.2002"):
        for product in ProductFactory.create_batch(2, umkm=UMKMFactory(desa=Desa.objects.get(code=code))):
            draft = services.assessment_start(product=product, by=a)
            scores = all_scores(draft.rubric, 3, c=draft.lq_suggested_score or 3)
            services.assessment_save(assessment=draft, scores=scores, note="", lq_override_reason="",
                                     expected_version=0, by=a, submit=True)
    for product in ProductFactory.create_batch(3, umkm=umkm):
        PermitFactory(umkm=umkm, product=product)
        verified(world, product, 3)
        verified(world, product, 4)
    client.force_login(world.users["admin"])
    # session, user, role, navigation permissions (user, groups), submitted assessments
    # with product, UMKM, desa and kecamatan, their scores with criteria, criterion
    # levels: 8.
    with django_assert_num_queries(8):
        response = client.get(reverse("mapping:assessment-review-list"))
        assert response.status_code == 200
    assert len(response.context["assessments"]) == 6
    # session, user, role, UMKM with desa and kecamatan, permits with their product,
    # products with sector, their assessments, editable check, navigation permissions
    # (user, groups): 10.
    with django_assert_num_queries(10):
        response = client.get(reverse("mapping:umkm-detail", args=[umkm.pk]))
        assert response.status_code == 200
    assert len(response.context["products"]) == 4
