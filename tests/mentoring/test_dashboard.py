"""The bupati's office reads district figures that match the registry row for row."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mapping import services
from mapping.services.facts import facts_changed
from mapping.models import UMKM, Assessment, Desa, Permit, Product, RatingClass, Sector
from tests.factories import PermitFactory, ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def scores_for(rubric, value):
    return {c.pk: value for c in rubric.criteria.all()}


def verify(world, product, value):
    a, admin = world.users["pendamping_a"], world.users["admin"]
    draft = services.assessment_start(product=product, by=a)
    scores = scores_for(draft.rubric, value)
    c_pk = draft.rubric.criteria.get(code="c").pk
    reason = "uji" if draft.lq_suggested_score not in (None, scores[c_pk]) else ""
    saved = services.assessment_save(assessment=draft, scores=scores, note="", lq_override_reason=reason,
                                     expected_version=draft.version, by=a, submit=True)
    return services.assessment_verify(assessment=saved, by=admin)


@pytest.fixture
def registry(world):
    """Bojongsari: 3 active UMKM (one inactive); Kalimanah: 1. Known sectors, permits, scores."""
    Assessment.objects.all().delete()
    food, craft = Sector.objects.get(code="makanan-minuman"), Sector.objects.get(code="kerajinan")
    x, y = world.desa["X"], world.desa["Y"]
    ready = UMKMFactory(desa=x, name="Siap", nib="1234567890123", capital=2_000_000_000)  # kecil
    ready_food = ProductFactory(umkm=ready, sector=food, market_reach="ekspor")
    PermitFactory(umkm=ready, kind=Permit.Kind.PIRT)
    PermitFactory(umkm=ready, kind=Permit.Kind.HALAL)
    crafts = UMKMFactory(desa=x, name="Anyaman")
    ProductFactory(umkm=crafts, sector=craft)
    UMKMFactory(desa=x, name="Tutup", is_active=False)
    ProductFactory(umkm=UMKMFactory(desa=y, name="Nopia"), sector=food)
    verify(world, ready_food, 5)   # score 100: Unggulan
    verify(world, world.product["X"], 3)  # score 50: Potensial
    facts_changed(everything=True)
    return {"ready_food": ready_food}


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("mentoring:dashboard"), params)
    assert response.status_code == 200
    return response, {f.code: f for f in response.context["figures"]}


def test_figures_equal_the_rows_counted_independently(client, world, registry):
    response, figures = dashboard(client, world.users["pimpinan"])
    bojongsari, kalimanah = figures["33.03.14"], figures["33.03.06"]
    # Active UMKM in Bojongsari: UMKM X (world), Siap, Anyaman.
    assert bojongsari.umkm == UMKM.objects.filter(desa__kecamatan__code="33.03.14", is_active=True).count() == 3
    assert kalimanah.umkm == 2
    assert bojongsari.products == 3
    assert bojongsari.flagship == 1
    assert bojongsari.avg_score == Decimal("75.00")  # (100 + 50) / 2
    assert bojongsari.ready == 1 and bojongsari.ready_share == Decimal("33.3")
    assert bojongsari.desa_total == 13 and bojongsari.desa_visited == bojongsari.desa_surveyed == 1
    # Sector mix: Bojongsari has food 2 of 3 UMKM with products; the regency 4 of 5.
    food_count, food_lq = bojongsari.sectors["makanan-minuman"]
    assert food_count == 2 and food_lq == Decimal("0.833")  # (2/3) / (4/5)
    craft_count, craft_lq = bojongsari.sectors["kerajinan"]
    assert craft_count == 1 and craft_lq == Decimal("1.667")  # (1/3) / (1/5)
    headline = response.context["headline"]
    assert headline.umkm == 5 and headline.flagship == 1 and headline.desa_total == 239
    assert headline.visits_this_month == 2 and headline.awaiting_verification == 0
    draft = services.assessment_start(product=world.product["Y"], by=world.users["pendamping_b"])
    c_pk = draft.rubric.criteria.get(code="c").pk
    services.assessment_save(assessment=draft, scores=scores_for(draft.rubric, draft.lq_suggested_score or 3)
                             | {c_pk: draft.lq_suggested_score or 3}, note="", lq_override_reason="",
                             expected_version=0, by=world.users["pendamping_b"], submit=True)
    response, _ = dashboard(client, world.users["pimpinan"])
    assert response.context["headline"].awaiting_verification == 1


def test_filters_narrow_the_figures(client, world, registry):
    _, by_sector = dashboard(client, world.users["pimpinan"], sektor="kerajinan")
    assert by_sector["33.03.14"].umkm == 1 and by_sector["33.03.06"].umkm == 0
    _, by_size = dashboard(client, world.users["pimpinan"], skala="kecil")
    assert by_size["33.03.14"].umkm == 1
    _, by_ready = dashboard(client, world.users["pimpinan"], siap="ya")
    assert by_ready["33.03.14"].umkm == 1
    _, by_reach = dashboard(client, world.users["pimpinan"], pasar="ekspor")
    assert by_reach["33.03.14"].umkm == 1
    top = RatingClass.objects.get(name="Unggulan")
    response, by_class = dashboard(client, world.users["pimpinan"], kelas=top.pk)
    assert by_class["33.03.14"].umkm == 1
    assert [a.product.name for a in response.context["flagships"]["33.03.14"]] == [registry["ready_food"].name]
    _, ignored = dashboard(client, world.users["pimpinan"], sektor="tidak-ada", skala="raksasa")
    assert ignored["33.03.14"].umkm == 3


def test_a_write_in_the_portal_shows_on_the_dashboard_at_once(client, world, registry):
    import uuid

    lng, lat = world.desa["X"].centre["coordinates"]
    client.force_login(world.users["pendamping_a"])
    response = client.post(reverse("mapping:umkm-create"), {
        "name": "Baru", "owner_name": "Sri", "address": "Jl. Desa", "kecamatan": world.kecamatan["X"].pk,
        "desa": world.desa["X"].pk, "workers": 1, "capital": 1, "annual_turnover": 1, "is_active": "on",
        "latitude": lat, "longitude": lng, "submission_token": str(uuid.uuid4()),
    })
    assert response.status_code == 302
    _, figures = dashboard(client, world.users["pimpinan"])
    assert figures["33.03.14"].umkm == 4


def test_a_pendamping_sees_only_their_kecamatan(client, world, registry):
    response, figures = dashboard(client, world.users["pendamping_a"])
    assert list(figures) == ["33.03.14"]
    assert response.context["headline"].umkm == 3
    assert set(response.context["flagships"]) == {"33.03.14"}


def test_a_pendamping_moved_to_another_kecamatan_reads_its_figures_at_once(client, world, registry):
    from django.utils import timezone

    from mentoring.models import Assignment
    from tests.factories import AssignmentFactory

    dashboard(client, world.users["pendamping_a"])  # Bojongsari's figures kept for A's scope
    today = timezone.localdate()
    Assignment.objects.filter(pendamping=world.pendamping["X"]).update(end_date=today)  # no figure changes
    AssignmentFactory(pendamping=world.pendamping["X"], kecamatan=world.kecamatan["Y"], start_date=today)

    response, figures = dashboard(client, world.users["pendamping_a"])
    assert list(figures) == ["33.03.06"]
    assert response.context["headline"].umkm == 2  # Kalimanah: the world's UMKM Y and Nopia
    _, same_scope = dashboard(client, world.users["pendamping_b"])  # B holds Kalimanah too: the same figures
    assert list(same_scope) == ["33.03.06"]


def test_export_contains_exactly_the_filtered_rows(client, world, registry):
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mentoring:dashboard"), {"sektor": "kerajinan", "unduh": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Wilayah — filter: Sektor: Kerajinan"]  # the table says which filters made it
    assert "-kerajinan-" in response["Content-Disposition"]
    assert rows[1][:3] == ["Kode", "Wilayah", "UMKM"]
    by_kode = {row[0]: row for row in rows[2:]}
    assert len(by_kode) == 18
    assert by_kode["33.03.14"][2] == "1" and by_kode["33.03.06"][2] == "0"


def test_dashboard_query_count_is_constant(client, world, django_assert_num_queries):
    Assessment.objects.all().delete()
    # 3 kecamatan x 2 UMKM x 2 products; one product of each UMKM verified (2 flagship
    # candidates per kecamatan).
    for code in ("33.03.14.2008", "33.03.06.1011", "33.03.01.2001"):
        for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code=code)):
            verify(world, ProductFactory.create_batch(2, umkm=umkm)[0], 4)
    facts_changed(everything=True)
    client.force_login(world.users["pimpinan"])
    # session, user, role, cache stamp, kecamatan list, figures per kecamatan (summaries),
    # desa coverage (the desa months of visits and of surveys, then the desa list),
    # sectors, sector mix (summaries), headline visits this month and submissions awaiting
    # verification, flagships (the kecamatan in scope, their stamps, winners from the
    # standings, then their rows), trend (desa months of the registry, of visits), filter
    # choices (sectors again, rating classes), navigation permissions (user, groups), other
    # apps' sections (bantuan: is there a program? none): 24, whatever the number of rows.
    with django_assert_num_queries(24):
        response = client.get(reverse("mentoring:dashboard"))
        assert response.status_code == 200
    assert response.context["headline"].umkm == 8


def test_repeated_reads_come_from_the_cache_until_the_next_write(client, world, registry, django_assert_num_queries):
    # A third kecamatan with 2 UMKM of 2 products each, so the cached figures cover
    # 3 kecamatan x 2 UMKM.
    for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code="33.03.01.2001")):
        ProductFactory.create_batch(2, umkm=umkm)
    facts_changed(everything=True)
    dashboard(client, world.users["pimpinan"])
    # session, user, role, cache stamp, filter choices (sectors, rating classes),
    # navigation permissions (user, groups), other apps' sections (bantuan: none): 9; the
    # figures themselves come from the cache.
    with django_assert_num_queries(9):
        response = client.get(reverse("mentoring:dashboard"))
        assert response.status_code == 200
    assert {f.code: f.umkm for f in response.context["figures"]}["33.03.14"] == 3
    services.survey_save(
        UMKMFactory.build(desa=world.desa["X"], name="Sesudah"), fields=[], expected_version=None,
        token=None, by=world.users["pendamping_a"],
    )
    _, figures = dashboard(client, world.users["pimpinan"])
    assert figures["33.03.14"].umkm == 4


def points(client, user, **params):
    client.force_login(user)
    return client.get(reverse("mentoring:umkm-points"), params)


@pytest.fixture
def located(world):
    """Four UMKM with a location: three in Karangbanjar (Bojongsari), one in Mewek."""
    x, y = world.desa["X"], world.desa["Y"]
    for name in ("Satu", "Dua", '<img src=x onerror=alert(1)>'):
        UMKMFactory(desa=x, name=name, location=x.centre)
    UMKMFactory(desa=y, name="Empat", location=y.centre)
    facts_changed(everything=True)
    return x, y


def test_points_are_aggregated_per_desa_when_zoomed_out(client, world, located):
    """Zoomed out, one circle per desa at its centre, counting its UMKM located or not (the
    world's UMKM X and Y have no location): the count the dashboard's desa table shows."""
    x, y = located
    response = points(client, world.users["pimpinan"], zoom=11)
    assert response.status_code == 200
    collection = response.json()
    assert collection["aggregated"] is True
    counts = {f["properties"]["desa"]: f["properties"]["count"] for f in collection["features"]}
    assert counts == {x.name: 4, y.name: 2}
    assert {f["properties"]["desa"]: f["geometry"] for f in collection["features"]} == {x.name: x.centre,
                                                                                       y.name: y.centre}
    lng, lat = x.centre["coordinates"]
    around_x = points(client, world.users["pimpinan"], zoom=12, bbox=f"{lng - 0.01},{lat - 0.01},{lng + 0.01},{lat + 0.01}")
    assert [f["properties"]["desa"] for f in around_x.json()["features"]] == [x.name]  # Mewek's centre is outside


def test_points_are_single_umkm_in_a_zoomed_in_viewport(client, world, located):
    x, _ = located
    lng, lat = x.centre["coordinates"]
    bbox = f"{lng - 0.01},{lat - 0.01},{lng + 0.01},{lat + 0.01}"
    response = points(client, world.users["pimpinan"], zoom=16, bbox=bbox)
    assert response.status_code == 200
    collection = response.json()
    assert collection["aggregated"] is False
    names = sorted(f["properties"]["name"] for f in collection["features"])
    # The name reaches the browser as a JSON string; the page writes it as text.
    assert names == ["<img src=x onerror=alert(1)>", "Dua", "Satu"]


def test_points_follow_scope_and_filters(client, world, located):
    x, _ = located
    mine = points(client, world.users["pendamping_a"], zoom=11)
    assert mine.status_code == 200
    assert {f["properties"]["desa"] for f in mine.json()["features"]} == {x.name}
    none = points(client, world.users["pimpinan"], zoom=11, skala="besar")
    assert none.status_code == 200
    assert none.json()["features"] == []


def test_a_malformed_viewport_is_refused_with_a_message(client, world):
    response = points(client, world.users["pimpinan"], bbox="1,2,3")
    assert response.status_code == 400
    assert "bbox harus empat angka" in response.json()["error"]


def test_points_query_count_is_constant(client, world, located, django_assert_num_queries):
    # 3 desa with at least 2 located UMKM each: Karangbanjar (3), Mewek (2), Kemangkon's first desa (2).
    x, y = located
    z = Desa.objects.get(code="33.03.01.2001")
    UMKMFactory(desa=y, location=y.centre)
    UMKMFactory.create_batch(2, desa=z, location=z.centre)
    facts_changed(everything=True)
    client.force_login(world.users["pimpinan"])
    # session, user, role, cache stamp, UMKM per desa from the summaries, those desa's centres: 6.
    with django_assert_num_queries(6):
        response = client.get(reverse("mentoring:umkm-points"), {"zoom": 11})
        assert response.status_code == 200
    counts = {f["properties"]["desa"]: f["properties"]["count"] for f in response.json()["features"]}
    assert counts == {x.name: 4, y.name: 3, z.name: 2}  # the world's UMKM X and Y too, not located


def test_kecamatan_page_shows_each_desa_and_its_mentor(client, world, registry, django_assert_num_queries):
    # Two more desa of Bojongsari with 2 UMKM each, one product of each verified: 3 desa
    # with at least 2 UMKM, 6 ranked products.
    for code in ("33.03.14.2002", "33.03.14.2003"):
        for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code=code)):
            verify(world, ProductFactory(umkm=umkm), 3)
    facts_changed(everything=True)
    client.force_login(world.users["pimpinan"])
    url = reverse("mentoring:dashboard-kecamatan", args=["33.03.14"])
    # session, user, role, kecamatan, cache stamp, desa list, figures per desa (summaries),
    # coverage (desa months of visits, of surveys), cache stamp again, ranking (winners
    # from the standings, their rows, their scores, criterion levels, rating classes),
    # mentors with their visit counts, filter choices (sectors, rating classes),
    # navigation permissions (user, groups): 20 on a cold cache, whatever the number of rows.
    with django_assert_num_queries(20):
        response = client.get(url)
        assert response.status_code == 200
    figures = {f.code: f for f in response.context["figures"]}
    assert len(figures) == 13
    karangbanjar = figures["33.03.14.2008"]
    assert karangbanjar.umkm == 3 and karangbanjar.flagship == 1 and karangbanjar.desa_visited == 1
    assert figures["33.03.14.2001"].umkm == 0 and figures["33.03.14.2001"].desa_visited == 0
    assert [m["pendamping__full_name"] for m in response.context["mentors"]] == ["Pendamping X"]
    assert response.context["mentors"][0]["visits"] == 1
    assert [r.assessment.product.umkm.name for r in response.context["ranking"]][0] == "Siap"


def test_the_kecamatan_page_counts_each_pendamping_s_visits_of_the_last_90_days_there(client, world):
    """Pendamping X's visits in Bojongsari within 90 days count; an older visit, and one
    made in Kalimanah while helping out there, do not — as counted straight from the visits."""
    from datetime import timedelta

    from django.utils import timezone

    from mentoring.models import Visit
    from tests.factories import VisitFactory

    today = timezone.localdate()
    mentor = world.pendamping["X"]
    for days_ago in (0, 30, 89, 90, 200):
        VisitFactory(umkm=world.umkm["X"], pendamping=mentor, date=today - timedelta(days=days_ago))
    VisitFactory(umkm=world.umkm["Y"], pendamping=mentor, date=today)
    client.force_login(world.users["pimpinan"])

    response = client.get(reverse("mentoring:dashboard-kecamatan", args=[world.kecamatan["X"].code]))

    expected = Visit.objects.filter(pendamping=mentor, umkm__desa__kecamatan=world.kecamatan["X"],
                                    date__gte=today - timedelta(days=90)).count()
    assert response.context["mentors"] == [{"pendamping__full_name": mentor.full_name, "visits": expected}]
    assert expected == 4 + 1  # four of these and the world's own visit in Bojongsari


def test_kecamatan_page_of_another_kecamatan_is_not_found_for_a_pendamping(client, world, registry):
    client.force_login(world.users["pendamping_b"])
    assert client.get(reverse("mentoring:dashboard-kecamatan", args=["33.03.14"])).status_code == 404
    assert client.get(reverse("mentoring:dashboard-kecamatan", args=["33.03.06"])).status_code == 200


def test_desa_page_lists_its_products_with_scores(client, world, registry, django_assert_num_queries):
    # Each of Karangbanjar's 3 active UMKM gets a second (food) product: 3 UMKM x 2 products.
    for name in ("Siap", "Anyaman", "UMKM X"):
        ProductFactory(umkm=UMKM.objects.get(name=name), name=f"Kedua {name}")
    facts_changed(everything=True)
    client.force_login(world.users["pimpinan"])
    url = reverse("mentoring:dashboard-desa", args=["33.03.14.2008"])
    # session, user, role, desa with its kecamatan, product count, cache stamp, ranking
    # (winners from the standings, their rows, their scores, criterion levels, rating
    # classes), filter choices (sectors, rating classes), navigation permissions (user,
    # groups), the page of products with their UMKM, the current scores of that page: 17.
    with django_assert_num_queries(17):
        response = client.get(url)
        assert response.status_code == 200
    rows = {(p.umkm.name, p.name): p.score for p in response.context["page"]}
    assert rows[("Siap", registry["ready_food"].name)] == Decimal("100.00")
    assert rows[("UMKM X", "Produk X")] == Decimal("50.00")
    assert rows[("Anyaman", "Kedua Anyaman")] is None
    assert len(rows) == 6
    crafts = client.get(url, {"sektor": "kerajinan"})
    assert crafts.status_code == 200
    assert [p.umkm.name for p in crafts.context["page"]] == ["Anyaman"]
    client.force_login(world.users["pendamping_b"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("params, lookups", [
    ({}, {}),
    ({"skala": "mikro"}, {"umkm__fact__size_class": "mikro"}),
    ({"skala": "kecil", "siap": "ya"}, {"umkm__fact__size_class": "kecil", "umkm__fact__is_ready": True}),
    ({"siap": "tidak"}, {"umkm__fact__is_ready": False}),
    ({"sektor": "kerajinan"}, {"sector__code": "kerajinan"}),
    ({"pasar": "ekspor"}, {"market_reach": "ekspor"}),
])
def test_the_desa_page_counts_the_products_it_lists(client, world, registry, params, lookups):
    """The desa page's "N produk" and its pages: the desa's summaries where they hold the count
    (no filter, size class, legal readiness), its rows otherwise — equal to the active products
    of its active UMKM counted straight from the tables, a product no longer made and a closed
    UMKM's product left out; 30 products make two pages."""
    karangbanjar = world.desa["X"]
    siap = UMKM.objects.get(name="Siap")
    for n in range(26):
        ProductFactory(umkm=siap, name=f"Produk {n:02d}")
    ProductFactory(umkm=siap, name="Tidak dibuat lagi", is_active=False)
    ProductFactory(umkm=UMKM.objects.get(name="Tutup"), name="Dari usaha tutup")
    facts_changed(everything=True)
    client.force_login(world.users["pimpinan"])

    with CaptureQueriesContext(connection) as read:
        response = client.get(reverse("mentoring:dashboard-desa", args=[karangbanjar.code]), params)

    counted_rows = any("COUNT(" in q["sql"] and "mapping_product" in q["sql"] for q in read.captured_queries)
    assert counted_rows == bool({"sektor", "pasar", "kelas"} & set(params))  # else from the summaries
    expected = Product.objects.filter(is_active=True, umkm__is_active=True, umkm__desa=karangbanjar, **lookups)
    page = response.context["page"]
    assert page.paginator.count == expected.count()
    listed = [p.pk for n in page.paginator.page_range for p in page.paginator.page(n).object_list]
    assert sorted(listed) == sorted(expected.values_list("pk", flat=True))


def test_umkm_history_shows_scores_over_time_and_visits(client, world, registry, django_assert_num_queries):
    from mentoring.models import Topic
    from tests.factories import FollowUpFactory, VisitFactory

    ready = UMKM.objects.get(name="Siap")
    verify(world, registry["ready_food"], 3)  # a later, lower re-assessment
    # 3 products with 2 assessments each; 3 visits with 2 topics and 2 follow-ups each.
    for name in ("Kedua", "Ketiga"):
        product = ProductFactory(umkm=ready, name=name)
        verify(world, product, 4)
        verify(world, product, 2)
    for _ in range(3):
        visit = VisitFactory(umkm=ready, pendamping=world.pendamping["X"], topics=Topic.objects.all()[:2])
        FollowUpFactory.create_batch(2, visit=visit)
    client.force_login(world.users["pimpinan"])
    # session, user, role, UMKM with desa and kecamatan, assessments with product, rubric
    # and assessor, visits with pendamping, their topics, their follow-ups, navigation
    # permissions (user, groups), other apps' sections (bantuan: the aid it received, none): 11.
    with django_assert_num_queries(11):
        response = client.get(reverse("mentoring:umkm-history", args=[ready.pk]))
        assert response.status_code == 200
    series = response.context["score_series"][registry["ready_food"].name]
    assert [point["y"] for point in series] == [100.0, 50.0]
    assert [point["y"] for point in response.context["score_series"]["Kedua"]] == [75.0, 25.0]
    assert len(response.context["assessments"]) == 6
    assert len(response.context["visits"]) == 3
    visited = client.get(reverse("mentoring:umkm-history", args=[world.umkm["X"].pk]))
    assert visited.status_code == 200
    assert visited.context["visits"] == [world.visit["X"]]


def test_every_dashboard_table_exports_with_the_current_filters(client, world, registry):
    import openpyxl

    client.force_login(world.users["pimpinan"])
    url = reverse("mentoring:dashboard")
    response = client.get(url, {"unduh": "csv", "tabel": "sektor"})
    assert response.status_code == 200
    sectors = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    bojongsari = next(row for row in sectors if row[0] == "Bojongsari")
    header = sectors[0]
    assert bojongsari[header.index("Makanan & minuman (UMKM)")] == "2"
    assert bojongsari[header.index("Kerajinan (LQ)")] == "1.667"
    top = client.get(url, {"unduh": "xlsx", "tabel": "unggulan", "sektor": "makanan-minuman"})
    assert top.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(top.content)).active
    assert sheet.cell(1, 1).value.endswith("filter: Sektor: Makanan & minuman")
    assert [sheet.cell(r, 4).value for r in range(3, sheet.max_row + 1)] == [registry["ready_food"].name, "Produk X"]
    products = client.get(reverse("mentoring:dashboard-desa", args=["33.03.14.2008"]),
                          {"unduh": "csv", "kelas": RatingClass.objects.get(name="Potensial").pk})
    assert products.status_code == 200
    rows = list(csv.reader(io.StringIO(products.content.decode("utf-8-sig"))))
    assert rows[0][0].endswith("filter: Kelas potensi: Potensial") and "-potensial-" in products["Content-Disposition"]
    assert [row[0] for row in rows[2:]] == ["Produk X"]
    unfiltered = client.get(url, {"unduh": "csv"})
    assert next(csv.reader(io.StringIO(unfiltered.content.decode("utf-8-sig"))))[:2] == ["Kode", "Wilayah"]


def test_desa_geojson_is_one_query_and_cacheable(client, wilayah, django_assert_num_queries):
    from mapping.models import Kecamatan

    kecamatan = Kecamatan.objects.get(code="33.03.14")
    # the kecamatan, then its 13 desa with their boundaries: 2.
    with django_assert_num_queries(2):
        response = client.get(reverse("mapping:desa-geojson"), {"kecamatan": kecamatan.pk})
        assert response.status_code == 200
    assert len(response.json()["features"]) == 13
    assert "max-age=300" in response["Cache-Control"] and response.has_header("ETag")


def test_single_points_say_their_desa_so_a_desa_map_can_set_its_neighbours_apart(client, world, located):
    x, _ = located
    lng, lat = x.centre["coordinates"]
    neighbour = Desa.objects.filter(kecamatan=x.kecamatan).exclude(pk=x.pk).first()
    UMKMFactory(desa=neighbour, name="Tetangga", location={"type": "Point", "coordinates": [lng + 0.001, lat]})
    facts_changed(everything=True)
    bbox = f"{lng - 0.01},{lat - 0.01},{lng + 0.01},{lat + 0.01}"
    features = points(client, world.users["pimpinan"], zoom=16, bbox=bbox).json()["features"]
    codes = {f["properties"]["name"]: f["properties"]["desa_code"] for f in features}
    assert codes["Tetangga"] == neighbour.code and codes["Satu"] == x.code


def test_a_printed_dashboard_says_when_and_with_which_filters(client, world):
    client.force_login(world.users["pimpinan"])
    craft = Sector.objects.get(code="kerajinan")
    page = client.get(reverse("mentoring:dashboard"), {"sektor": craft.code, "siap": "ya"}).content.decode()
    assert "Saringan: Sektor: Kerajinan; Kesiapan legal: lengkap" in page and "Dicetak " in page
    plain = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "Saringan: tanpa saringan (semua UMKM)" in plain


def test_a_product_without_an_mpe_total_ranks_after_its_equals_on_every_database(client, world, registry):
    """Two products of equal score, one without an MPE total (an assessment recorded before
    MPE was kept): it ranks after the other, as the determination's ranking_key orders
    (no MPE counts as 0) — PostgreSQL puts NULL first in a descending order unless told."""
    from mapping import rating
    from mapping.selectors import flagship_ranking

    Assessment.objects.all().delete()
    first = ProductFactory(umkm=UMKM.objects.get(name="Siap"), name="A tanpa MPE")
    second = ProductFactory(umkm=UMKM.objects.get(name="Anyaman"), name="B dengan MPE")
    without, with_mpe = verify(world, first, 4), verify(world, second, 4)
    Assessment.objects.filter(pk=without.pk).update(mpe_total=None)
    facts_changed(everything=True)

    ranked = [r.assessment.product.name for r in flagship_ranking(kecamatan=world.kecamatan["X"])]
    by_rule = sorted([(first.name, None), (second.name, with_mpe.mpe_total)],
                     key=lambda p: rating.ranking_key(weighted=without.weighted_score, mpe=p[1], name=p[0]))
    assert ranked == [name for name, _mpe in by_rule] == ["B dengan MPE", "A tanpa MPE"]
    response, _figures = dashboard(client, world.users["pimpinan"])
    assert [a.product.name for a in response.context["flagships"]["33.03.14"]][:2] == ["B dengan MPE", "A tanpa MPE"]
