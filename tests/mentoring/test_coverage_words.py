"""Issue 12, item 7: "dikunjungi" and "disurvei" mean one thing each, everywhere.

A desa is *dikunjungi* when a visit to one of its UMKM was logged in the last 90 days,
and *disurvei* when a UMKM or product there was registered or changed, or a product
assessed, in the same window. The dashboard, its kecamatan page, the coverage report
and the mentor's page must all say the same, and each figure equals a recount done
here in plain Python over every row.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mapping.models import UMKM, Assessment, Desa, Product, Rubric
from mentoring.models import Visit
from mapping.services.facts import facts_changed
from tests.factories import AssignmentFactory, ProductFactory, UMKMFactory, VisitFactory

pytestmark = pytest.mark.django_db

KEMANGKON = "33.03.01"


def recount(kecamatan_code: str) -> tuple[set[str], set[str]]:
    """(visited, surveyed) desa codes of the kecamatan, counted row by row in Python."""
    since = timezone.localdate() - timedelta(days=90)
    visited = {v.umkm.desa.code for v in Visit.objects.select_related("umkm__desa") if v.date >= since}
    surveyed = set()
    for umkm in UMKM.objects.select_related("desa"):
        if not umkm.is_demo and timezone.localdate(umkm.updated_at) >= since:
            surveyed.add(umkm.desa.code)
    for product in Product.objects.select_related("umkm__desa"):
        if not product.umkm.is_demo and timezone.localdate(product.updated_at) >= since:
            surveyed.add(product.umkm.desa.code)
    for assessment in Assessment.objects.select_related("product__umkm__desa"):
        if timezone.localdate(assessment.created_at) >= since:
            surveyed.add(assessment.product.umkm.desa.code)
    prefix = kecamatan_code + "."
    return {c for c in visited if c.startswith(prefix)}, {c for c in surveyed if c.startswith(prefix)}


def age(model, pk, days):
    """Pretend the row was last changed `days` days ago."""
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def kemangkon(world):
    """Every desa of Kemangkon surveyed this quarter, but only some of them visited,
    with each edge of the 90-day window and each kind of survey on its own desa."""
    desa = list(Desa.objects.filter(kecamatan__code=KEMANGKON).order_by("code"))
    AssignmentFactory(pendamping=world.pendamping["X"], kecamatan=desa[0].kecamatan)
    today = timezone.localdate()
    umkm = {}
    for d in desa:
        umkm[d.code] = UMKMFactory(desa=d)  # registered today: surveyed
    # Visits: today, exactly 90 days ago (counts) and 91 days ago (does not).
    VisitFactory(umkm=umkm[desa[0].code], pendamping=world.pendamping["X"], date=today)
    VisitFactory(umkm=umkm[desa[1].code], pendamping=world.pendamping["X"], date=today - timedelta(days=90))
    VisitFactory(umkm=umkm[desa[2].code], pendamping=world.pendamping["X"], date=today - timedelta(days=91))
    VisitFactory(umkm=umkm[desa[3].code], pendamping=world.pendamping["X"], date=today - timedelta(days=3))
    # Surveys of other kinds: a UMKM registered long ago whose product was recorded
    # today; another whose product was assessed today; one not touched since.
    age(UMKM, umkm[desa[4].code].pk, 200)
    ProductFactory(umkm=umkm[desa[4].code])
    age(UMKM, umkm[desa[4].code].pk, 200)
    product = ProductFactory(umkm=umkm[desa[5].code])
    age(Product, product.pk, 200)
    age(UMKM, umkm[desa[5].code].pk, 200)
    Assessment.objects.create(product=product, rubric=Rubric.objects.current(), assessed_by=world.users["pendamping_a"])
    age(UMKM, umkm[desa[6].code].pk, 91)
    # A generated demo UMKM registered today is not a survey.
    age(UMKM, umkm[desa[7].code].pk, 120)
    UMKMFactory(desa=desa[7], is_demo=True)
    facts_changed(everything=True)
    return desa


def test_the_fixture_tells_visits_and_surveys_apart(kemangkon):
    visited, surveyed = recount(KEMANGKON)
    codes = [d.code for d in kemangkon]
    assert visited == {codes[0], codes[1], codes[3]}
    assert surveyed == set(codes) - {codes[6], codes[7]}
    assert len(codes) == 19


def test_the_dashboard_shows_visited_and_surveyed_desa_apart(client, world, kemangkon):
    visited, surveyed = recount(KEMANGKON)
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mentoring:dashboard"))
    row = {f.code: f for f in response.context["figures"]}[KEMANGKON]
    assert (row.desa_visited, row.desa_surveyed, row.desa_total) == (len(visited), len(surveyed), 19) == (3, 17, 19)
    headline = response.context["headline"]
    all_visited, all_surveyed = set(), set()
    for kecamatan_code in {d.kecamatan.code for d in Desa.objects.select_related("kecamatan")}:
        v, s = recount(kecamatan_code)
        all_visited |= v
        all_surveyed |= s
    assert headline.desa_visited == len(all_visited)
    assert headline.desa_surveyed == len(all_surveyed)
    assert headline.desa_total == Desa.objects.count()
    html = response.content.decode()
    assert "Desa dikunjungi 90 hari" in html and "Desa disurvei 90 hari" in html
    assert "terkunjungi/disurvei" not in html

    export = client.get(reverse("mentoring:dashboard"), {"unduh": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, kemangkon_row = rows[0], next(r for r in rows if r[0] == KEMANGKON)
    assert kemangkon_row[header.index("Desa dikunjungi 90 hari")] == "3"
    assert kemangkon_row[header.index("Desa disurvei 90 hari")] == "17"


def test_the_kecamatan_page_marks_each_desa_visited_and_surveyed(client, world, kemangkon):
    visited, surveyed = recount(KEMANGKON)
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mentoring:dashboard-kecamatan", args=[KEMANGKON]))
    figures = response.context["figures"]
    assert {f.code for f in figures if f.desa_visited} == visited
    assert {f.code for f in figures if f.desa_surveyed} == surveyed


def test_the_coverage_report_counts_the_same_window_as_the_dashboard(client, world, kemangkon):
    visited, surveyed = recount(KEMANGKON)
    client.force_login(world.users["pimpinan"])
    report = client.get(reverse("mentoring:coverage-report")).context["report"]
    row = next(r for r in report.per_kecamatan if r.extra["code"] == KEMANGKON)
    assert (row.desa_visited, row.desa_surveyed, row.desa_total) == (len(visited), len(surveyed), 19)
    mentor = next(r for r in report.per_pendamping if r.name == "Pendamping X")
    bojongsari_visited, bojongsari_surveyed = recount("33.03.14")
    assert mentor.desa_visited == len(visited) + len(bojongsari_visited)
    assert mentor.desa_surveyed == len(surveyed) + len(bojongsari_surveyed)
    assert mentor.desa_total == 19 + 13

    export = client.get(reverse("mentoring:coverage-report"), {"unduh": "csv", "tabel": "kecamatan"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, kemangkon_row = rows[0], next(r for r in rows if r[0] == "Kemangkon")
    assert kemangkon_row[header.index("Desa dikunjungi 90 hari")] == str(len(visited))
    assert kemangkon_row[header.index("Desa disurvei 90 hari")] == str(len(surveyed))
    assert "Desa belum pernah dikunjungi" not in header


def test_the_coverage_report_sorts_by_visited_and_by_surveyed(client, world, kemangkon):
    client.force_login(world.users["pimpinan"])
    for key, attribute in (("dikunjungi", "desa_visited"), ("disurvei", "desa_surveyed")):
        report = client.get(reverse("mentoring:coverage-report"), {"urut": "-" + key}).context["report"]
        values = [getattr(r, attribute) for r in report.per_kecamatan]
        assert values == sorted(values, reverse=True) and values[0] > 0


def test_the_mentor_sees_which_desa_wait_for_a_visit_and_which_for_a_survey(client, world, kemangkon):
    visited, surveyed = recount(KEMANGKON)
    bojongsari_visited, bojongsari_surveyed = recount("33.03.14")
    client.force_login(world.users["pendamping_a"])
    context = client.get(reverse("mentoring:my-tasks")).context
    mine = set(Desa.objects.filter(kecamatan__code__in=[KEMANGKON, "33.03.14"]).values_list("code", flat=True))
    assert {d.code for d in context["unvisited_desa"]} == mine - visited - bojongsari_visited
    assert {d.code for d in context["unsurveyed_desa"]} == mine - surveyed - bojongsari_surveyed
    features = client.get(reverse("mentoring:my-desa-geojson")).json()["features"]
    assert {f["id"] for f in features if f["properties"]["visited"]} == visited | bojongsari_visited
    assert {f["id"] for f in features if f["properties"]["surveyed"]} == surveyed | bojongsari_surveyed
