"""The dashboard's "komoditas unggulan" view: per kecamatan the adopted commodities, the
commodities with the most producers (with their LQ) and the known sentra; every figure is
recounted here from the rows, independently of the selector."""

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mapping import selectors
from mapping.models import UMKM, Komoditas, Product, Sector, Sentra
from tests.mapping.test_penetapan import (  # noqa: F401 (kemangkon is a fixture)
    KEMANGKON, adopt_round, kemangkon, new_round, producer, second_admin,
)

pytestmark = pytest.mark.django_db


def recount_producers(kecamatan_code, komoditas) -> int:
    return len({p.umkm_id for p in Product.objects.filter(komoditas=komoditas).select_related("umkm__desa__kecamatan")
                if p.is_active and p.umkm.is_active and p.umkm.desa.kecamatan.code == kecamatan_code})


def recount_lq(kecamatan_code, komoditas) -> Decimal:
    with_product = [u for u in UMKM.objects.select_related("desa__kecamatan")
                    if u.is_active and u.products.filter(is_active=True).exists()]
    here = [u for u in with_product if u.desa.kecamatan.code == kecamatan_code]
    makers = {p.umkm_id for p in Product.objects.filter(komoditas=komoditas, is_active=True, umkm__is_active=True)}
    makers_here = [u for u in here if u.pk in makers]
    value = (Decimal(len(makers_here)) / len(here)) / (Decimal(len(makers)) / len(with_product))
    return value.quantize(Decimal("0.001"), ROUND_HALF_UP)


def adopt(world, kemangkon, top_n=2):
    return adopt_round(new_round(world, kemangkon, top_n=top_n), by=world.users["admin"], adopter=second_admin())


def test_each_kecamatan_row_equals_a_recount(client, world, kemangkon):
    sapu = kemangkon["sapu"]
    shop = Komoditas.objects.filter(sector__eligible_unggulan=False).first()
    if shop is None:
        shop = Komoditas.objects.create(name="Warung kelontong", code="warung-kelontong",
                                        sector=Sector.objects.get(code="perdagangan"))
    for _ in range(5):  # more producers than sapu, but retail is never produk unggulan
        producer("33.03.01.2007", shop, workers=1)
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mentoring:dashboard-komoditas"))
    rows = {row.code: row for row in response.context["rows"]}
    assert len(rows) == 18
    kemangkon_row = rows[KEMANGKON]
    assert [k.name for k in kemangkon_row.leading] == [sapu.name]
    assert kemangkon_row.leading[0].producers == recount_producers(KEMANGKON, sapu) == 3
    assert kemangkon_row.leading[0].lq_producers == recount_lq(KEMANGKON, sapu)
    assert kemangkon_row.penetapan is None and kemangkon_row.adopted == []
    expected_sentra = sorted({s.komoditas.name for s in Sentra.objects.filter(kecamatan__code=KEMANGKON)
                              if s.komoditas.sector.eligible_unggulan})
    assert kemangkon_row.sentra == expected_sentra
    assert shop.name not in response.content.decode()
    # Every sentra of an eligible commodity is a point on the map.
    points = response.context["sentra_points"]["features"]
    assert len(points) == Sentra.objects.filter(komoditas__sector__eligible_unggulan=True).count()


def test_an_adopted_round_leads_its_kecamatan_row_in_the_order_of_its_results(client, world, kemangkon):
    adopted = adopt(world, kemangkon, top_n=2)
    expected = [r.candidate.komoditas.name for r in selectors.penetapan_results(penetapan=adopted).ranked[:2]]
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mentoring:dashboard-komoditas"))
    row = next(r for r in response.context["rows"] if r.code == KEMANGKON)
    assert row.adopted == expected and len(expected) == 2
    assert row.penetapan.decree_number == "100/7/2027"
    assert "100/7/2027" in response.content.decode()

    workbook = load_workbook(io.BytesIO(client.get(reverse("mentoring:dashboard-komoditas") + "?unduh=xlsx").content))
    sheet = workbook.active
    kemangkon_line = next(r for r in sheet.iter_rows(values_only=True) if r[0] == KEMANGKON)
    assert kemangkon_line[4] == "; ".join(expected)


def test_a_pendamping_sees_only_their_kecamatan(client, world, kemangkon):
    client.force_login(world.users["pendamping_a"])
    rows = client.get(reverse("mentoring:dashboard-komoditas")).context["rows"]
    assert [row.code for row in rows] == [world.kecamatan["X"].code]


def test_the_view_reads_a_fixed_number_of_queries(client, world, kemangkon, django_assert_num_queries):
    adopt(world, kemangkon)
    for code in ("knalpot", "batik"):
        producer("33.03.14.2007", Komoditas.objects.get(code=code), workers=2)
    client.force_login(world.users["pimpinan"])
    # session, user, role; visible kecamatan; figures stamp, then (cache empty) kecamatan,
    # producers, LQ base, sentra names, adopted rounds, their candidates and scores; figures
    # stamp, visits to producers; figures stamp, the sentra points; navigation permissions
    # (user, groups): 18, whatever the data.
    with django_assert_num_queries(18):
        client.get(reverse("mentoring:dashboard-komoditas"))


def test_visits_to_a_commodity_s_producers_are_counted_over_90_days(client, world, kemangkon):
    from datetime import timedelta

    from django.utils import timezone

    from mentoring.models import Visit
    from tests.factories import VisitFactory

    sapu = kemangkon["sapu"]
    makers = list(UMKM.objects.filter(desa__kecamatan__code=KEMANGKON, products__komoditas=sapu, is_active=True,
                                      products__is_active=True).distinct())
    today = timezone.localdate()
    VisitFactory(umkm=makers[0], date=today)
    VisitFactory(umkm=makers[0], date=today - timedelta(days=10))
    VisitFactory(umkm=makers[1], date=today - timedelta(days=90))
    VisitFactory(umkm=makers[1], date=today - timedelta(days=91))  # outside the window
    client.force_login(world.users["pimpinan"])
    rows = {row.code: row for row in client.get(reverse("mentoring:dashboard-komoditas")).context["rows"]}
    since = today - timedelta(days=90)
    expected = len({v.pk for v in Visit.objects.all() if v.date >= since and v.umkm.desa.kecamatan.code == KEMANGKON
                    and v.umkm.products.filter(komoditas=sapu, is_active=True).exists()})
    assert rows[KEMANGKON].leading[0].visits == expected == 3
