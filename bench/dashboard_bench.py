"""Dashboard speed at the regency's real size, against the straightforward approach.

    python bench/dashboard_bench.py [--umkm 100000] [--repeat 15] [--rebuild]

Builds (or reuses) a PostgreSQL database `purbalingga_bench` (override with
BENCH_DATABASE_URL) holding N UMKM, 1.5·N products, 0.3·N verified assessments and
0.2·N visits spread over the real desa, then times each dashboard page and map
endpoint through Django's test client (template rendering included) and, in the same
run, the same figures computed the straightforward way (annotate/values over the raw
tables). Each page is timed warm (from the figures cache) and cold: the first read after
a single save of one UMKM in the page's kecamatan (its workers and a product's market
reach changed, then facts_changed with that UMKM), the worst case a leader meets — the
read alone (`cold_worst_median_ms`) and with the save before it
(`cold_with_save_worst_median_ms`). The dashboard's figures are also timed as first read
after such a save (`cold_speedup_vs_plain` compares it with the plain approach) and after
a write of unknown area, which outdates every kecamatan. Prints a table and, last, a
machine-readable RESULT line.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--umkm", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="Drop and regenerate the data.")
    return parser.parse_args()


def configure(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("MAP_TILES_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purbalingga_umkm.settings")
    import django

    django.setup()
    from django.conf import settings

    # The bench times the server, not static files: plain storage, no manifest needed.
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.ALLOWED_HOSTS = ["testserver"]


def ensure_database(database_url: str, rebuild: bool):
    import psycopg2
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and rebuild:
            cursor.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = False
        if not exists:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def populate(n_umkm: int):
    from django.core.management import call_command
    from django.utils import timezone

    from mapping import demo, rating, services
    from mapping.services.facts import facts_changed
    from mapping.models import UMKM, Assessment, AssessmentScore, Product, Rubric, UMKMFact
    from mentoring import services as mentoring_services
    from mentoring.models import Pendamping, Visit

    call_command("migrate", verbosity=0)
    services.wilayah_load()
    have = UMKM.objects.count()
    if have >= n_umkm:
        print(f"reusing {have} UMKM already in the bench database")
        if UMKMFact.objects.count() != have or not UMKMFact.objects.exclude(lat=None).exists():
            started = time.perf_counter()
            facts_changed(everything=True)  # figures from an older schema: rebuild them once
            print(f"stats_refresh() of all UMKM took {time.perf_counter() - started:.1f} s")
        return
    started = time.perf_counter()
    demo.demo_data_seed(umkm_count=n_umkm, seed=7, replace=True)
    mentoring_services.demo_mentoring_seed(seed=7, visits_per_kecamatan=0, with_assessments=False)
    rng = random.Random(7)
    # Verified assessments for 30 % of UMKM's products (0.3·N), straight into the tables.
    rubric = Rubric.objects.current()
    criteria = list(rubric.criteria.all())
    assessor = Pendamping.objects.first().user
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(product_ids, k=min(len(product_ids), int(0.3 * n_umkm)))
    now = timezone.now()
    batch, scores = [], []
    for product_id in chosen:
        values = [rng.choices([1, 2, 3, 4, 5], weights=[5, 20, 40, 25, 10])[0] for _ in criteria]
        items = [rating.ScoredCriterion(c.code, c.name, c.weight, 1, 5, v) for c, v in zip(criteria, values)]
        batch.append(Assessment(
            product_id=product_id, rubric=rubric, status=Assessment.Status.VERIFIED, assessed_by=assessor,
            verified_at=now - timedelta(days=rng.randint(0, 360)), weighted_score=rating.weighted_score(items),
            mpe_total=rating.mpe_total(items), facts={}, is_current=True,
        ))
        scores.append(values)
    created = Assessment.objects.bulk_create(batch, batch_size=5000)
    AssessmentScore.objects.bulk_create(
        (AssessmentScore(assessment=a, criterion=c, score=v) for a, values in zip(created, scores)
         for c, v in zip(criteria, values)),
        batch_size=20000,
    )
    # 0.2·N visits by the demo mentors to UMKM of their kecamatan.
    mentors = {a.kecamatan_id: a.pendamping_id for p in Pendamping.objects.prefetch_related("assignments")
               for a in p.assignments.all()}
    umkm = list(UMKM.objects.values_list("pk", "desa__kecamatan_id"))
    today = timezone.localdate()
    Visit.objects.bulk_create(
        (Visit(umkm_id=u, pendamping_id=mentors[k], date=today - timedelta(days=rng.randint(0, 360)), is_demo=True)
         for u, k in rng.choices(umkm, k=int(0.2 * n_umkm))),
        batch_size=5000,
    )
    refresh_started = time.perf_counter()
    facts_changed(everything=True)
    print(f"generated in {refresh_started - started:.0f} s; stats_refresh() of all UMKM took "
          f"{time.perf_counter() - refresh_started:.1f} s")


def timed(function, repeat: int):
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, result


def plain_dashboard_figures():
    """The dashboard's per-kecamatan figures straight from the raw tables."""
    from django.db.models import Avg, Count, F, Window
    from django.db.models.functions import RowNumber

    from mapping.models import UMKM, Assessment, Product, RatingClass

    latest = Assessment.objects.latest_verified_per_product()
    top = RatingClass.objects.order_by("-min_score").first()
    figures = {
        "umkm": list(UMKM.objects.active().values("desa__kecamatan").annotate(n=Count("pk")).order_by()),
        "products": list(Product.objects.active().values("umkm__desa__kecamatan").annotate(n=Count("pk")).order_by()),
        "score": list(latest.values("product__umkm__desa__kecamatan", "product__sector")
                      .annotate(avg=Avg("weighted_score")).order_by()),
        "flagship": list(latest.filter(weighted_score__gte=top.min_score)
                         .values("product__umkm__desa__kecamatan").annotate(n=Count("pk")).order_by()),
        "sector_mix": list(UMKM.objects.active().filter(products__is_active=True)
                           .values("desa__kecamatan", "products__sector").annotate(n=Count("pk", distinct=True)).order_by()),
        "top3_per_desa": list(latest.annotate(position=Window(
            RowNumber(), partition_by=[F("product__umkm__desa")],
            order_by=[F("mpe_total").desc(), F("weighted_score").desc(), F("product__pk").asc()],
        )).filter(position__lte=3).values("pk")),
    }
    return figures


def publish_catalogue():
    """Every 10th UMKM with an active product in the public catalogue (10,000 at 100,000)."""
    from django.utils import timezone

    from mapping.catalogue import listings_refresh
    from mapping.models import UMKM, CatalogueEntry, CatalogueListing
    from spreadsheets import bulk

    if CatalogueEntry.objects.exists():
        if not CatalogueListing.objects.exists():
            listings_refresh(None)
        return
    ids = list(UMKM.objects.filter(is_active=True, products__is_active=True).order_by("pk").distinct()
               .values_list("pk", flat=True))[::10]
    bulk.rows_insert(CatalogueEntry, ((pk, True, timezone.now()) for pk in ids),
                     fields=["umkm_id", "is_published", "published_at"], want_ids=False)
    listings_refresh(None)
    print(f"published {len(ids)} UMKM in the catalogue")


def plain_catalogue_page():
    """One catalogue page the straightforward way: model instances with their relations and
    each product's permits read one by one."""
    from mapping.models import Product

    products = (Product.objects.filter(is_active=True, umkm__is_active=True, umkm__catalogue__is_published=True)
                .select_related("umkm__desa__kecamatan", "sector", "komoditas").order_by("name", "pk"))
    page = list(products[:24])
    total = products.count()
    badges = {p.pk: [permit.kind for permit in p.umkm.permits.all()] for p in page}
    return total, page, badges


def analyze():
    """Fresh planner statistics, as autovacuum would have after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    args = parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/purbalingga_bench")
    ensure_database(database_url, args.rebuild)
    configure(database_url)
    populate(args.umkm)
    publish_catalogue()
    analyze()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from django.db import transaction
    from django.utils import timezone

    from mapping.services.facts import facts_changed
    from mapping.models import UMKM, Assessment, Desa, Kecamatan, Product
    from mentoring import dashboards
    from mentoring.models import Visit

    counts = (UMKM.objects.count(), Product.objects.count(), Assessment.objects.count(), Visit.objects.count())
    print(f"data: {counts[0]} UMKM, {counts[1]} products, {counts[2]} assessments, {counts[3]} visits")
    user = get_user_model().objects.get(username="demo.pimpinan")
    client = Client()
    client.force_login(user)
    kecamatan = Kecamatan.objects.order_by("code").first().code
    desa = Desa.objects.filter(kecamatan__code=kecamatan).order_by("code").first()
    lng, lat = desa.centre["coordinates"]
    zoomed_in = f"{lng - 0.01:.5f},{lat - 0.01:.5f},{lng + 0.01:.5f},{lat + 0.01:.5f}"

    pages = {
        "landing page": "/",
        "dashboard": "/dasbor/",
        "dashboard?sektor=kerajinan&skala=mikro": "/dasbor/?sektor=kerajinan&skala=mikro",
        f"dashboard kecamatan {kecamatan}": f"/dasbor/kecamatan/{kecamatan}/",
        f"dashboard desa {desa.code}": f"/dasbor/desa/{desa.code}/",
        "umkm.geojson (regency, per desa)": "/peta/umkm.geojson?zoom=11",
        "umkm.geojson (zoomed in, points)": f"/peta/umkm.geojson?zoom=16&bbox={zoomed_in}",
        "kecamatan.geojson": "/peta/kecamatan.geojson",
        "ranking kabupaten": "/unggulan/",
        f"ranking kecamatan {kecamatan}": f"/unggulan/kecamatan/{kecamatan}/",
        "catalogue": "/katalog/",
        "catalogue?q=sapu&kecamatan": f"/katalog/?q=sapu&kecamatan={kecamatan}",
    }
    rows, worst_page, worst_median, max_bytes = [], "", 0.0, 0
    cold_worst_page, cold_worst_median = "", 0.0
    cold_read_worst_page, cold_read_worst_median = "", 0.0
    saved_in = Kecamatan.objects.get(code=kecamatan).pk
    # The write before each cold read: one UMKM of the page's kecamatan saved through the one
    # path (its facts, its desa's summaries, the kecamatan's and the regency's cache stamps).
    saved_umkm = UMKM.objects.filter(desa__kecamatan_id=saved_in).order_by("pk").values_list("pk", flat=True).first()
    saved_product = Product.objects.filter(umkm_id=saved_umkm).order_by("pk").values_list("pk", flat=True).first()
    saves = iter(range(10**9))

    def a_save():
        """A pendamping's edit: the UMKM's workers and a product's market reach change (so the
        LQ base, commodity sums, months and market-reach figures of its desa change), then
        the one path keeps the figures, as survey_save does, in one transaction."""
        turn = next(saves) % 2
        with transaction.atomic():
            now = timezone.now()
            UMKM.objects.filter(pk=saved_umkm).update(workers=5 + turn, updated_at=now)
            Product.objects.filter(pk=saved_product).update(market_reach=("provinsi", "nasional")[turn], updated_at=now)
            facts_changed(umkm_ids=[saved_umkm])

    facts_changed()
    for name, url in pages.items():
        client.get(url)  # warm caches and connections
        median, p95, response = timed(lambda: client.get(url), args.repeat)
        assert response.status_code == 200, (url, response.status_code)

        reads = []

        def after_a_save():
            a_save()  # one UMKM of the page's kecamatan saved, committed
            started = time.perf_counter()
            answer = client.get(url)
            reads.append((time.perf_counter() - started) * 1000)
            return answer

        cold, _cold_p95, _response = timed(after_a_save, max(3, args.repeat // 3))
        cold_read = statistics.median(reads)
        size = len(response.content)
        rows.append((name, median, p95, cold_read, cold, size))
        max_bytes = max(max_bytes, size)
        if median > worst_median:
            worst_page, worst_median = name, median
        if cold > cold_worst_median:
            cold_worst_page, cold_worst_median = name, cold
        if cold_read > cold_read_worst_median:
            cold_read_worst_page, cold_read_worst_median = name, cold_read

    filters = dashboards.DashboardFilters()

    first_reads = []

    def recomputed():  # the first read after a save in one kecamatan (the save not timed)
        a_save()
        started = time.perf_counter()
        figures = dashboards.dashboard_data(user=user, filters=filters)
        first_reads.append((time.perf_counter() - started) * 1000)
        return figures

    def after_unknown_write():  # after a write whose area is not known: every part again
        facts_changed()
        return dashboards.dashboard_data(user=user, filters=filters)

    def served():  # every other read: the figures kept since the last write
        return dashboards.dashboard_data(user=user, filters=filters)

    timed(recomputed, max(3, args.repeat // 3))
    cold_median, cold_p95 = statistics.median(first_reads), max(first_reads)
    everywhere_median, _p95, _ = timed(after_unknown_write, max(3, args.repeat // 3))
    save_median, save_p95, _ = timed(a_save, args.repeat)
    pre_median, pre_p95, _ = timed(served, args.repeat)
    plain_median, plain_p95, _ = timed(plain_dashboard_figures, max(3, args.repeat // 3))
    speedup = plain_median / pre_median if pre_median else float("inf")
    from mapping import catalogue

    catalogue_median, catalogue_p95, _ = timed(
        lambda: catalogue.catalogue_page(filters=catalogue.CatalogueFilters()), args.repeat)
    plain_catalogue_median, _p95, _ = timed(plain_catalogue_page, args.repeat)
    catalogue_page_median = next(median for name, median, *_rest in rows if name == "catalogue")

    print(f"\n{'page / endpoint':45} {'median ms':>10} {'p95 ms':>10} {'cold ms':>10} {'+save ms':>10} {'bytes':>10}")
    for name, median, p95, cold_read, cold, size in rows:
        print(f"{name:45} {median:10.1f} {p95:10.1f} {cold_read:10.1f} {cold:10.1f} {size:10d}")
    print(f"\n{'dashboard figures, kept since the last write':45} {pre_median:10.1f} {pre_p95:10.1f}")
    print(f"{'dashboard figures, first read after a save':45} {cold_median:10.1f} {cold_p95:10.1f}")
    print(f"{'  after a write of unknown area (every part)':45} {everywhere_median:10.1f}")
    print(f"{'dashboard figures, plain annotate/values':45} {plain_median:10.1f} {plain_p95:10.1f}")
    print(f"{'a save: rows, facts, desa summaries, stamps':45} {save_median:10.1f} {save_p95:10.1f}")
    print(f"{'catalogue page data (one page of 24)':45} {catalogue_median:10.1f} {catalogue_p95:10.1f}")
    print(f"{'catalogue page data, plain ORM (instances, N+1)':45} {plain_catalogue_median:10.1f}")
    print(f"speed-up of the kept figures over the plain approach: {speedup:.1f}x; "
          f"first read after a save: {plain_median / cold_median:.1f}x")
    print(f"RESULT umkm={counts[0]} worst_page={worst_page.replace(' ', '_')} worst_median_ms={worst_median:.1f} "
          f"worst_speedup_vs_plain={speedup:.1f} max_bytes={max_bytes} "
          f"cold_worst_page={cold_read_worst_page.replace(' ', '_')} cold_worst_median_ms={cold_read_worst_median:.1f} "
          f"cold_with_save_worst_page={cold_worst_page.replace(' ', '_')} "
          f"cold_with_save_worst_median_ms={cold_worst_median:.1f} "
          f"cold_speedup_vs_plain={plain_median / cold_median:.1f} save_median_ms={save_median:.1f} "
          f"catalogue_median_ms={catalogue_page_median:.1f} "
          f"catalogue_speedup_vs_plain={plain_catalogue_median / catalogue_median:.1f}")


if __name__ == "__main__":
    main()
