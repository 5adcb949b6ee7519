"""Keeps the per-desa summaries (mapping.models.summaries) true, desa by desa.

facts_changed() calls summaries_recount() with the desa a write touched — where the UMKM
were before the write and where they are now — and it rewrites every summary row of those
desa from the facts and the registry rows of those desa only: a save reads one desa, never
the regency. With None (a reference list changed, `rebuild_stats`) every desa is rewritten.

Writers of the same desa take turns: the desa rows are locked (FOR NO KEY UPDATE, which
does not block inserting a UMKM there) before their summaries are read, so the later
writer counts the earlier one's committed rows and no update is lost.

Other apps keep summaries of their own rows per desa (mentoring: visits) by registering a
recount with desa_recount_register(); it runs in the same place, with the same desa.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth

from mapping.models import UMKM, Assessment, Desa, Product, UMKMFact
from mapping.models.summaries import DesaFigures, DesaMonth, DesaSummary, KomoditasSummary, ProductStanding
from spreadsheets import bulk

OUTSIDE_PROVINCE = frozenset({"nasional", "ekspor"})
DESA_PER_PASS = 40  # desa recounted together: bounded memory on a full rebuild

_recounts: list[Callable] = []


def desa_recount_register(recount: Callable) -> None:
    """`recount(desa_ids)`: rewrite another app's per-desa summaries of those desa
    (`desa_ids` is None: of every desa). Registered once, in the app's ready()."""
    if recount not in _recounts:
        _recounts.append(recount)


SUMMARY_MODELS = (DesaFigures, DesaSummary, DesaMonth, KomoditasSummary, ProductStanding)


def summaries_recount(desa_ids=None) -> None:
    """Rewrite every summary row of `desa_ids` (of every desa when None)."""
    if desa_ids is None:
        ids = list(Desa.objects.order_by("pk").values_list("pk", flat=True))
        for model in SUMMARY_MODELS:
            model.objects.all().delete()
    else:
        ids = sorted({pk for pk in desa_ids if pk is not None})
        if not ids:
            return
        list(Desa.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
        for model in SUMMARY_MODELS:
            model.objects.filter(desa_id__in=ids).delete()
    for start in range(0, len(ids), DESA_PER_PASS):
        _recount(ids[start:start + DESA_PER_PASS])
    for recount in _recounts:
        recount(None if desa_ids is None else ids)


def summaries_fill_missing(using="default", **kwargs) -> None:
    """After `migrate`: build the summaries of a registry that has facts but no summaries
    yet (the migration that made the tables); otherwise nothing."""
    if using != "default" or DesaSummary.objects.exists() or not UMKMFact.objects.exists():
        return
    with transaction.atomic():
        summaries_recount(None)


def _recount(ids: list[int]) -> None:
    kecamatan_of = dict(Desa.objects.filter(pk__in=ids).values_list("pk", "kecamatan_id"))
    ready = _figures(ids)
    _registry(ids, kecamatan_of, ready)
    _months(ids, kecamatan_of)
    _standings(ids)


def set_bits(mask: int):
    """The positions of the flags set in `mask`."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _figures(ids) -> dict[int, bool]:
    """DesaFigures of these desa from their active facts; returns each active UMKM's readiness."""
    sums: dict[tuple, list] = {}
    ready = {}
    for umkm_id, desa_id, kecamatan_id, size_class, is_ready, sector_mask, products, flagship, score_sum, score_count in (
            UMKMFact.objects.filter(desa_id__in=ids, is_active=True).values_list(
                "umkm_id", "desa_id", "kecamatan_id", "size_class", "is_ready", "sector_mask", "product_count",
                "flagship_count", "score_sum", "score_count")):
        ready[umkm_id] = is_ready
        for sector_bit in (DesaFigures.ALL_SECTORS, *set_bits(sector_mask)):
            row = sums.setdefault((desa_id, kecamatan_id, size_class, is_ready, sector_bit),
                                  [0, 0, 0, 0, Decimal(0), 0])
            row[0] += 1
            row[1] += products > 0
            row[2] += products
            row[3] += flagship
            row[4] += score_sum
            row[5] += score_count
    bulk.rows_insert(DesaFigures, (
        DesaFigures(desa_id=key[0], kecamatan_id=key[1], size_class=key[2], is_ready=key[3], sector_bit=key[4],
                    umkm=v[0], with_products=v[1], products=v[2], flagship=v[3], score_sum=v[4], score_count=v[5])
        for key, v in sums.items()), want_ids=False)
    return ready


def _registry(ids, kecamatan_of, ready) -> None:
    """DesaSummary (the LQ base) and KomoditasSummary of these desa from their active UMKM
    and products."""
    umkm = {pk: (desa_id, workers or 0, turnover or 0) for pk, desa_id, workers, turnover in
            UMKM.objects.filter(desa_id__in=ids, is_active=True).values_list(
                "pk", "desa_id", "workers", "annual_turnover")}
    producing = set()
    komoditas: dict[tuple[int, int], dict] = {}
    for umkm_id, komoditas_id, reach, material in Product.objects.filter(
            umkm__desa_id__in=ids, umkm__is_active=True, is_active=True).values_list(
            "umkm_id", "komoditas_id", "market_reach", "local_material_pct"):
        producing.add(umkm_id)
        if komoditas_id is None:
            continue
        entry = komoditas.setdefault((umkm[umkm_id][0], komoditas_id), {"umkm": {}, "material": []})
        entry["umkm"].setdefault(umkm_id, set()).add(reach)
        if material is not None:
            entry["material"].append(material)
    base = {pk: [0, 0, 0] for pk in ids}
    for umkm_id in producing:
        desa_id, workers, turnover = umkm[umkm_id]
        base[desa_id][0] += 1
        base[desa_id][1] += workers
        base[desa_id][2] += turnover
    bulk.rows_insert(DesaSummary, (
        DesaSummary(desa_id=pk, kecamatan_id=kecamatan_of[pk], lq_umkm=n, lq_workers=w, lq_turnover=t)
        for pk, (n, w, t) in base.items()), want_ids=False)
    rows = []
    for (desa_id, komoditas_id), entry in komoditas.items():
        producers = entry["umkm"]
        rows.append(KomoditasSummary(
            desa_id=desa_id, kecamatan_id=kecamatan_of[desa_id], komoditas_id=komoditas_id,
            producers=len(producers), workers=sum(umkm[u][1] for u in producers),
            turnover=sum(umkm[u][2] for u in producers), ready=sum(bool(ready.get(u)) for u in producers),
            outside_province=sum(bool(reach & OUTSIDE_PROVINCE) for reach in producers.values()),
            export=sum("ekspor" in reach for reach in producers.values()),
            material_sum=sum(entry["material"]), material_count=len(entry["material"])))
    bulk.rows_insert(KomoditasSummary, rows, want_ids=False)


def _month(value):
    return value.date() if hasattr(value, "hour") else value


def _months(ids, kecamatan_of) -> None:
    """DesaMonth of these desa: registrations, assessments and the last survey per month."""
    months: dict[tuple[int, object], dict] = defaultdict(dict)

    def per_month(queryset, desa_path, field_name, key, aggregate):
        rows = (queryset.order_by().annotate(month=TruncMonth(field_name)).values(desa_path, "month")
                .annotate(value=aggregate))
        for row in rows:
            entry = months[(row[desa_path], _month(row["month"]))]
            value = row["value"]
            if key == "last_survey_at":
                value = max(value, entry.get(key) or value)
            entry[key] = value

    per_month(UMKM.objects.filter(desa_id__in=ids), "desa_id", "created_at", "registrations", Count("pk"))
    per_month(Assessment.objects.filter(product__umkm__desa_id__in=ids), "product__umkm__desa_id", "created_at",
              "assessments", Count("pk"))
    per_month(UMKM.objects.filter(desa_id__in=ids, is_demo=False), "desa_id", "updated_at", "last_survey_at",
              Max("updated_at"))
    per_month(Product.objects.filter(umkm__desa_id__in=ids, umkm__is_demo=False), "umkm__desa_id", "updated_at",
              "last_survey_at", Max("updated_at"))
    per_month(Assessment.objects.filter(product__umkm__desa_id__in=ids), "product__umkm__desa_id", "created_at",
              "last_survey_at", Max("created_at"))
    bulk.rows_insert(DesaMonth, (
        DesaMonth(desa_id=desa_id, kecamatan_id=kecamatan_of[desa_id], month=month,
                  registrations=entry.get("registrations", 0), assessments=entry.get("assessments", 0),
                  last_survey_at=entry.get("last_survey_at"))
        for (desa_id, month), entry in months.items()), want_ids=False)


def _standings(ids) -> None:
    """ProductStanding of the active products of these desa with a current verified assessment."""
    rows = Assessment.objects.latest_verified_per_product().filter(
        product__umkm__desa_id__in=ids, product__is_active=True, weighted_score__isnull=False).values_list(
        "product_id", "pk", "product__umkm_id", "product__umkm__desa_id", "product__umkm__desa__kecamatan_id",
        "product__sector_id", "product__market_reach", "product__umkm__fact__size_class",
        "product__umkm__fact__is_ready", "product__name", "weighted_score", "mpe_total")
    bulk.rows_insert(ProductStanding, (
        ProductStanding(product_id=p, assessment_id=a, umkm_id=u, desa_id=d, kecamatan_id=k, sector_id=s,
                        market_reach=reach, size_class=size or "", is_ready=bool(ready), name=name,
                        weighted_score=score, mpe_total=mpe)
        for p, a, u, d, k, s, reach, size, ready, name, score, mpe in rows), want_ids=False)
