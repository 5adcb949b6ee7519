"""The per-desa summaries that dashboards, rankings and the LQ read are kept by each write,
desa by desa; `rebuild_stats` recomputes them from scratch. After every kind of write —
portal saves, a visit, assessments, admin single and bulk edits and deletes, imports and
their undo, a commodity merge, a rating class change — the rows the writes left equal the
rows a rebuild makes."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from mapping import services
from mapping.models import UMKM, CatalogueListing, Desa, Kecamatan, Komoditas, Product, RatingClass, Sector
from mapping.services.facts import facts_changed
from mapping.services.catalogue import catalogue_publish
from mapping.services.komoditas import komoditas_merge
from mapping.services.summaries import SUMMARY_MODELS
from mentoring.dashboards import DashboardFilters
from mentoring.models import DesaVisitMonth, Topic, Visit
from mentoring.services import visit_log
from tests.factories import ProductFactory, UMKMFactory, desa_moved_in_the_admin
from tests.mentoring.test_dashboard import verify
from tests.sheets import csv_bytes, umkm_row
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db

MODELS = (*SUMMARY_MODELS, DesaVisitMonth, CatalogueListing)


def summaries() -> dict[str, list[tuple]]:
    """Every summary row, without its row id, in a stable order."""
    rows = {}
    for model in MODELS:
        names = [f.attname for f in model._meta.concrete_fields if not (f.primary_key and f.attname == "id")]
        rows[model._meta.label] = sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*names))
    return rows


def assert_equal_to_a_rebuild(step: str):
    kept = summaries()
    facts_changed(everything=True)
    rebuilt = summaries()
    for label in rebuilt:
        assert kept[label] == rebuilt[label], f"{step}: {label} differs from a rebuild"


def test_every_kind_of_write_leaves_the_summaries_equal_to_a_rebuild(client, admin_client, world):
    a = world.users["pendamping_a"]
    sapu = Komoditas.objects.get(code="sapu-glagah")
    assert_equal_to_a_rebuild("the world")

    # A pendamping registers a UMKM with its first product in the portal.
    umkm = UMKM(name="Sapu Karya", owner_name="Darsini", address="RT 02", desa=world.desa["X"], workers=4,
                capital=20_000_000, annual_turnover=90_000_000)
    product = Product(name="Sapu glagah", sector=sapu.sector, komoditas=sapu, komoditas_confirmed=True,
                      market_reach=Product.MarketReach.NASIONAL, local_material_pct=80, price=25_000)
    product = services.quick_survey_save(umkm=umkm, product=product, umkm_token=None, product_token=None, by=a)
    assert_equal_to_a_rebuild("a new UMKM and product")

    # It goes into the public catalogue, and gets a second product there.
    catalogue_publish(umkm=product.umkm, by=world.users["admin"])
    ProductFactory(umkm=product.umkm, name="Sapu ijuk", sector=sapu.sector)
    assert CatalogueListing.objects.filter(umkm=product.umkm).count() == 2
    assert_equal_to_a_rebuild("a UMKM published in the catalogue")

    # Its product is assessed: submitted, then verified (it now ranks).
    verify(world, product, 4)
    assert_equal_to_a_rebuild("an assessment submitted and verified")

    # A visit is logged there.
    visit_log(visit=Visit(umkm=product.umkm, pendamping=world.pendamping["X"]),
              topics=Topic.objects.all()[:1], follow_ups=[], token=None, by=a)
    assert_equal_to_a_rebuild("a visit")

    # The UMKM moves to a desa of another kecamatan (an edit of its row).
    moved = UMKM.objects.get(pk=product.umkm_id)
    moved.desa = world.desa["Y"]
    services.survey_save(moved, fields=["desa"], expected_version=moved.version, token=None, by=world.users["admin"])
    assert_equal_to_a_rebuild("a UMKM moved to another kecamatan")

    # Staff move a product to a UMKM of the first kecamatan in the admin.
    product = Product.objects.get(pk=product.pk)
    form = admin_client.get(reverse("admin:mapping_product_change", args=[product.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photo"}
    data.update(umkm=world.umkm["X"].pk, version=product.version, komoditas=sapu.pk, sector=sapu.sector_id)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if not isinstance(v, (list, dict))}
    response = admin_client.post(reverse("admin:mapping_product_change", args=[product.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Product.objects.get(pk=product.pk).umkm_id == world.umkm["X"].pk
    assert_equal_to_a_rebuild("a product moved in the admin")

    # An import of two UMKM, then its undo.
    staff = client
    staff.force_login(world.users["admin"])
    batch = confirm(staff, upload(staff, csv_bytes([umkm_row(1), umkm_row(2, **{"Aktif": "tidak"})])))
    assert UMKM.objects.filter(code__startswith="BJS-").count() == 2
    assert_equal_to_a_rebuild("an import")
    response = staff.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"})
    assert response.status_code == 302 and not UMKM.objects.filter(code__startswith="BJS-").exists()
    assert_equal_to_a_rebuild("an undone import")

    # Two commodities merged: the products of one move to the other.
    tas = Komoditas.objects.create(code="sapu-ijuk-uji", name="Sapu ijuk uji", sector=sapu.sector)
    ProductFactory(umkm=world.umkm["Y"], name="Sapu ijuk", sector=sapu.sector, komoditas=tas, komoditas_confirmed=True)
    komoditas_merge(source=tas, into=sapu)
    assert_equal_to_a_rebuild("a commodity merge")

    # A commodity deleted in the admin: its products are left without one.
    gone = Komoditas.objects.create(code="gula-uji", name="Gula uji", sector=sapu.sector)
    ProductFactory(umkm=world.umkm["Y"], name="Gula semut", sector=sapu.sector, komoditas=gone, komoditas_confirmed=True)
    response = admin_client.post(reverse("admin:mapping_komoditas_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Komoditas.objects.filter(pk=gone.pk).exists()
    assert_equal_to_a_rebuild("a commodity deleted in the admin")

    # Staff save a UMKM in the admin: its unconfirmed product gets the commodity its name
    # suggests (after the save's own figures were kept).
    umkm = UMKMFactory(desa=world.desa["Y"], name="Sapu Wangi")
    suggested = ProductFactory(umkm=umkm, name="Sapu glagah halus", sector=sapu.sector, local_material_pct=70)
    Product.objects.filter(pk=suggested.pk).update(komoditas=None, komoditas_confirmed=False)
    facts_changed(umkm_ids=[umkm.pk])
    page = admin_client.get(reverse("admin:mapping_umkm_change", args=[umkm.pk])).context
    form = page["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "null")}
    data = {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-TOTAL_FORMS": formset.total_form_count(),
                     f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count()})
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None and name != "photo":
                    data[f"{row.prefix}-{name}"] = value.pk if hasattr(value, "pk") else value
    response = admin_client.post(reverse("admin:mapping_umkm_change", args=[umkm.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Product.objects.get(pk=suggested.pk).komoditas == sapu
    assert_equal_to_a_rebuild("a commodity suggested when a UMKM is saved in the admin")

    # A rating class threshold changes in the admin (every product re-classed).
    top = RatingClass.objects.order_by("-min_score").first()
    top.min_score = 10
    top.save()
    facts_changed(everything=True)
    assert_equal_to_a_rebuild("a rating class change")

    # A visit deleted in the admin; UMKM deleted with the admin's bulk action.
    response = admin_client.post(reverse("admin:mentoring_visit_delete", args=[world.visit["Y"].pk]), {"post": "yes"})
    assert response.status_code == 302 and not Visit.objects.filter(pk=world.visit["Y"].pk).exists()
    assert_equal_to_a_rebuild("a visit deleted in the admin")
    doomed = UMKMFactory.create_batch(2, desa=Desa.objects.get(code="33.03.01.2001"))
    response = admin_client.post(reverse("admin:mapping_umkm_changelist"), {
        "action": "delete_selected", "_selected_action": [u.pk for u in doomed], "post": "yes"})
    assert response.status_code == 302 and not UMKM.objects.filter(pk__in=[u.pk for u in doomed]).exists()
    assert_equal_to_a_rebuild("UMKM deleted with the admin's bulk action")

    # Staff move a desa to another kecamatan in the admin (a new code with it): its UMKM's
    # figures go along.
    moved_desa = Desa.objects.get(code="33.03.14.2008")
    desa_moved_in_the_admin(admin_client, moved_desa, kecamatan=world.kecamatan["Y"], code="33.03.06.2099")
    assert UMKM.objects.filter(desa=moved_desa).exists()
    assert_equal_to_a_rebuild("a desa moved to another kecamatan in the admin")

    # The case is not empty: what the summaries hold is what the pages read.
    assert apps.get_model("mapping", "ProductStanding").objects.filter(product_id=product.pk).exists()
    assert apps.get_model("mapping", "KomoditasSummary").objects.filter(komoditas=sapu).exists()
    assert DesaVisitMonth.objects.exists()


def totals_as_text(rows) -> list[dict]:
    return sorted(({k: str(v or 0) for k, v in row.items()} for row in rows), key=lambda r: r["area"])


def figure_totals() -> dict:
    """The sums of UMKMFact rows behind KecamatanFigures, for one group per row."""
    return {
        "umkm": Count("pk"), "products": Sum("product_count"), "flagship": Sum("flagship_count"),
        "score_sum": Sum("score_sum"), "score_count": Sum("score_count"),
        "ready": Count("pk", filter=Q(is_ready=True)),
    }


def test_every_dashboard_filter_read_from_the_summaries_equals_the_facts(world):
    """The dashboard answers size class, readiness, one sector, one market reach and one
    potential class from the per-desa summaries; the same filters over the per-UMKM facts
    give the same figures and the same sector mix."""
    from mapping.models import fact_mask

    sectors = list(Sector.objects.all())
    for code in ("33.03.14.2008", "33.03.06.1011", "33.03.01.2001"):
        for capital, sector, reach, score in ((10**7, "kerajinan", "ekspor", 5), (2 * 10**9, "makanan-minuman", "lokal", 3),
                                              (10**7, "kerajinan", "kabupaten", None)):
            umkm = UMKMFactory(desa=Desa.objects.get(code=code), capital=capital)
            product = ProductFactory(umkm=umkm, sector=Sector.objects.get(code=sector), market_reach=reach)
            ProductFactory(umkm=umkm, sector=Sector.objects.get(code="makanan-minuman"), market_reach="nasional")
            if score:
                verify(world, product, score)
    facts_changed(everything=True)
    kerajinan = Sector.objects.get(code="kerajinan")
    top, potential = RatingClass.objects.order_by("-min_score")[:2]
    user = world.users["pimpinan"]
    kecamatan_ids = list(Kecamatan.objects.values_list("pk", flat=True))
    for filters in (DashboardFilters(), DashboardFilters(sector=kerajinan), DashboardFilters(size_class="kecil"),
                    DashboardFilters(sector=kerajinan, ready=False, size_class="mikro"),
                    DashboardFilters(market_reach="ekspor"), DashboardFilters(market_reach="nasional", size_class="kecil"),
                    DashboardFilters(rating_class=top), DashboardFilters(rating_class=potential, sector=kerajinan),
                    DashboardFilters(market_reach="ekspor", rating_class=top, ready=False),
                    DashboardFilters(market_reach="lokal", sector=kerajinan),
                    DashboardFilters(sector=Sector.objects.get(code="makanan-minuman"), size_class="mikro")):
        from_summaries = totals_as_text(filters.totals(user, kecamatan_ids=kecamatan_ids, by="kecamatan_id"))
        from_facts = totals_as_text(filters.facts(user).filter(kecamatan_id__in=kecamatan_ids)
                                    .values(area=F("kecamatan_id")).annotate(**figure_totals()).order_by())
        assert from_summaries == from_facts, filters
        # The sector mix, UMKM with products counted per sector (under a sector filter: those
        # of that sector, counted by their other sectors).
        counts = filters.sector_counts(sectors, kecamatan_ids=kecamatan_ids, user=user)
        with_products = filters.facts(user).filter(product_count__gt=0)
        for kecamatan_id in kecamatan_ids:
            masks = list(with_products.filter(kecamatan_id=kecamatan_id).values_list("sector_mask", flat=True))
            expected = {"total": len(masks), **{f"s{s.pk}": sum(bool(m & fact_mask(s)) for m in masks) for s in sectors}}
            assert counts.get(kecamatan_id, {"total": 0, **{f"s{s.pk}": 0 for s in sectors}}) == expected, filters
    assert totals_as_text(DashboardFilters(market_reach="ekspor", rating_class=top).totals(
        user, kecamatan_ids=kecamatan_ids, by="kecamatan_id"))  # the case is not empty


def test_clearing_the_demo_leaves_the_summaries_equal_to_a_rebuild(world):
    from django.core.management import call_command

    call_command("seed_demo", umkm=60, stdout=StringIO())
    assert Visit.objects.filter(is_demo=True).exists()
    assert_equal_to_a_rebuild("demo seeded")

    call_command("clear_demo", stdout=StringIO())

    assert not UMKM.objects.demo().exists() and UMKM.objects.exists()
    assert_equal_to_a_rebuild("clear_demo")


def test_migrate_builds_a_summary_table_added_to_a_registry_that_has_facts(world):
    """An upgraded portal: the filtered figures' table is new and empty while the registry
    has products with market reaches; the post-migrate step builds it, and only then."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mapping.models import DesaFilteredFigures, DesaSectorPair
    from mapping.services.summaries import summaries_fill_missing

    kept = summaries()
    assert DesaFilteredFigures.objects.exists() and DesaSectorPair.objects.exists()
    for added_later in (DesaFilteredFigures, DesaSectorPair):
        added_later.objects.all().delete()
        summaries_fill_missing()
        assert summaries() == kept, added_later
    with CaptureQueriesContext(connection) as nothing_to_do:
        summaries_fill_missing()
    assert not any(q["sql"].startswith(("DELETE", "INSERT")) for q in nothing_to_do.captured_queries)


@pytest.fixture
def by_difference(monkeypatch):
    """Which way each write changed the summaries: by difference (summaries_apply) or by
    recounting desa (summaries_recount)."""
    from mapping.services import facts

    ways = []
    for name, way in (("summaries_apply", "difference"), ("summaries_recount", "recount")):
        original = getattr(facts, name)
        monkeypatch.setattr(facts, name, lambda *args, _o=original, _w=way, **kwargs: (ways.append(_w), _o(*args, **kwargs))[1])
    return ways


def test_saves_of_a_umkm_where_it_is_change_its_desa_by_difference_and_equal_a_recount(world, by_difference):
    """A pendamping edits a UMKM, its products and their assessments where it is: each save
    changes a few summary rows by the difference of its facts, never recounts the desa,
    and leaves the rows a recount makes — the month a record leaves included."""
    from datetime import datetime

    from django.utils import timezone

    from mapping.models import DesaMonth
    from tests.factories import PermitFactory

    a, admin = world.users["pendamping_a"], world.users["admin"]
    sapu, knalpot = Komoditas.objects.get(code="sapu-glagah"), Komoditas.objects.get(code="knalpot")
    desa = world.desa["X"]
    umkm = UMKMFactory(desa=desa, workers=3, annual_turnover=120_000_000)
    glagah = ProductFactory(umkm=umkm, name="Sapu glagah", sector=sapu.sector, komoditas=sapu, komoditas_confirmed=True,
                            market_reach="nasional", local_material_pct=80)
    ijuk = ProductFactory(umkm=umkm, name="Sapu ijuk", sector=sapu.sector, komoditas=sapu, komoditas_confirmed=True,
                          market_reach="lokal", local_material_pct=None)
    neighbour = UMKMFactory(desa=desa)
    # Both were last recorded in January: the neighbour on the 10th, this UMKM's products on
    # the 8th and its own row on the 20th, the month's last survey.
    january_8, january_10, january_20 = (timezone.make_aware(datetime(2026, 1, day, 9, 0)) for day in (8, 10, 20))
    UMKM.objects.filter(pk=neighbour.pk).update(created_at=january_10, updated_at=january_10)
    UMKM.objects.filter(pk=umkm.pk).update(created_at=january_8, updated_at=january_20)
    Product.objects.filter(umkm=umkm).update(updated_at=january_8)
    facts_changed(everything=True)
    january = DesaMonth.objects.get(desa=desa, month="2026-01-01")
    assert (january.registrations, january.last_survey_at) == (2, january_20)
    by_difference.clear()

    def saved(instance, step, **changes):
        instance.refresh_from_db()
        for name, value in changes.items():
            setattr(instance, name, value)
        services.survey_save(instance, fields=list(changes), expected_version=instance.version, token=None, by=a)
        assert by_difference == ["difference"], step
        assert_equal_to_a_rebuild(step)
        by_difference.clear()

    saved(umkm, "workers and turnover (LQ base, commodity sums, size, a month left)", workers=9,
          annual_turnover=450_000_000)
    january = DesaMonth.objects.get(desa=desa, month="2026-01-01")
    assert (january.registrations, january.last_survey_at) == (2, january_10)  # the neighbour's, read again

    saved(glagah, "a product to another commodity, exported", komoditas=knalpot, market_reach="ekspor",
          local_material_pct=55)
    saved(ijuk, "a product no longer made", is_active=False)

    verify(world, glagah, 5)
    assert set(by_difference) == {"difference"}
    assert_equal_to_a_rebuild("an assessment opened, submitted and verified")
    by_difference.clear()

    services.permit_record(permit=PermitFactory.build(umkm=umkm), by=admin)
    assert by_difference == ["difference"]
    assert_equal_to_a_rebuild("a permit recorded")
    by_difference.clear()

    saved(umkm, "a UMKM closed", is_active=False)
    saved(umkm, "a UMKM open again", is_active=True)

    assert KomoditasSummary_of(desa, knalpot) == {"producers": 1, "workers": 9, "turnover": 450_000_000, "export": 1,
                                                  "material_sum": 55, "material_count": 1}


def KomoditasSummary_of(desa, komoditas) -> dict:
    from mapping.models import KomoditasSummary

    return KomoditasSummary.objects.filter(desa=desa, komoditas=komoditas).values(
        "producers", "workers", "turnover", "export", "material_sum", "material_count").get()


def test_a_save_costs_as_many_queries_in_a_large_desa_as_in_a_small_one(world):
    """The same save in a desa of 2 UMKM and in one of 40: the same queries (no read grows
    with the desa)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sapu = Komoditas.objects.get(code="sapu-glagah")
    counts = []
    for code, others in (("33.03.01.2001", 1), ("33.03.01.2002", 39)):
        desa = Desa.objects.get(code=code)
        for umkm in [*UMKMFactory.create_batch(others, desa=desa), UMKMFactory(desa=desa)]:
            ProductFactory(umkm=umkm, sector=sapu.sector, komoditas=sapu, komoditas_confirmed=True)
        facts_changed(everything=True)
        UMKM.objects.filter(pk=umkm.pk).update(workers=7)
        with CaptureQueriesContext(connection) as save:
            facts_changed(umkm_ids=[umkm.pk])
        counts.append(len(save.captured_queries))
        assert_equal_to_a_rebuild(f"a save in a desa of {others + 1} UMKM")
    assert counts[0] == counts[1], counts


def test_migrate_rebuilds_facts_written_before_they_held_their_contributions(world):
    """An upgraded portal: its facts lack what each UMKM adds to the summaries; the
    post-migrate step rebuilds them, and a save after it goes by difference."""
    from mapping.models import UMKMFact
    from mapping.services.summaries import summaries_fill_missing

    kept = summaries()
    UMKMFact.objects.update(months=None, workers=0, turnover=0, komoditas={})
    summaries_fill_missing()
    assert not UMKMFact.objects.filter(months__isnull=True).exists()
    assert summaries() == kept
    assert UMKMFact.objects.get(umkm=world.umkm["X"]).workers == world.umkm["X"].workers


def test_the_registry_summaries_count_what_the_rows_say(world):
    """The LQ base, the demo rows, the commodity sums and the months, counted straight from the UMKM,
    product and assessment rows by the database, equal what the facts add up to."""
    from django.core.management import call_command
    from django.db.models import Max
    from django.db.models.functions import TruncMonth

    from mapping.models import Assessment, DesaMonth, DesaSummary, KomoditasSummary

    call_command("seed_demo", umkm=80, stdout=StringIO())
    verify(world, ProductFactory(umkm=world.umkm["X"], local_material_pct=40), 4)
    Product.objects.filter(pk__in=list(Product.objects.filter(umkm__is_demo=True).order_by("pk")
                                       .values_list("pk", flat=True)[:5])).update(is_active=False)
    UMKM.objects.filter(pk__in=list(UMKM.objects.filter(is_demo=True).order_by("-pk")
                                    .values_list("pk", flat=True)[:5])).update(is_active=False)
    facts_changed(everything=True)

    producing = Product.objects.filter(is_active=True, umkm__is_active=True)
    base = {}
    for umkm in UMKM.objects.filter(is_active=True, pk__in=producing.values("umkm_id")):
        entry = base.setdefault(umkm.desa_id, [0, 0, 0])
        entry[0] += 1
        entry[1] += umkm.workers or 0
        entry[2] += umkm.annual_turnover or 0
    assert {row.desa_id: [row.lq_umkm, row.lq_workers, row.lq_turnover]
            for row in DesaSummary.objects.exclude(lq_umkm=0)} == base
    demo = dict(UMKM.objects.filter(is_demo=True).values("desa_id").annotate(n=Count("pk")).values_list("desa_id", "n")
                .order_by())
    assert demo and {row.desa_id: row.demo_umkm for row in DesaSummary.objects.exclude(demo_umkm=0)} == demo

    expected = {}
    for desa_id, komoditas_id, umkm_id in producing.exclude(komoditas=None).values_list(
            "umkm__desa_id", "komoditas_id", "umkm_id").order_by().distinct():
        umkm = UMKM.objects.get(pk=umkm_id)
        mine = producing.filter(umkm_id=umkm_id, komoditas_id=komoditas_id)
        reaches = set(mine.values_list("market_reach", flat=True))
        materials = [m for m in mine.values_list("local_material_pct", flat=True) if m is not None]
        entry = expected.setdefault((desa_id, komoditas_id), [0] * 8)
        for index, value in enumerate((1, umkm.workers or 0, umkm.annual_turnover or 0, int(umkm.fact.is_ready),
                                       int(bool(reaches & {"nasional", "ekspor"})), int("ekspor" in reaches),
                                       sum(materials), len(materials))):
            entry[index] += value
    assert {(r.desa_id, r.komoditas_id): [r.producers, r.workers, r.turnover, r.ready, r.outside_province, r.export,
                                          r.material_sum, r.material_count]
            for r in KomoditasSummary.objects.all()} == expected
    assert expected  # the case is not empty

    months = {}

    def add(queryset, field, index):
        for row in (queryset.annotate(month=TruncMonth(field)).values("area", "month")
                    .annotate(n=Count("pk"), last=Max(field)).order_by()):
            entry = months.setdefault((row["area"], row["month"].date()), [0, 0, None])
            if index is not None:
                entry[index] += row["n"]
            if index != 0:
                entry[2] = row["last"] if entry[2] is None else max(entry[2], row["last"])

    add(UMKM.objects.annotate(area=F("desa_id")), "created_at", 0)
    add(UMKM.objects.filter(is_demo=False).annotate(area=F("desa_id")), "updated_at", None)
    add(Product.objects.filter(umkm__is_demo=False).annotate(area=F("umkm__desa_id")), "updated_at", None)
    add(Assessment.objects.annotate(area=F("product__umkm__desa_id")), "created_at", 1)
    assert {(r.desa_id, r.month): [r.registrations, r.assessments, r.last_survey_at]
            for r in DesaMonth.objects.all()} == months
