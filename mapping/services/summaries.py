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

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mapping.models import UMKM, Assessment, Desa, Product, UMKMFact
from mapping.models.summaries import DesaFigures, DesaMonth, DesaSummary, KomoditasSummary, ProductStanding
from spreadsheets import bulk

OUTSIDE_PROVINCE = frozenset({"nasional", "ekspor"})
DESA_PER_PASS = 40  # desa recounted together: bounded memory on a full rebuild

REGISTRY = "registry"  # the kind of rows mapping's own summaries count

_recounts: dict[str, Callable] = {}


def desa_recount_register(kind: str, recount: Callable) -> None:
    """`recount(desa_ids)`: rewrite another app's per-desa summaries of those desa
    (`desa_ids` is None: of every desa), which count the rows of `kind` ("visits").
    Registered once, in the app's ready()."""
    _recounts[kind] = recount


SUMMARY_MODELS = (DesaFigures, DesaSummary, DesaMonth, KomoditasSummary, ProductStanding)


def summaries_recount(desa_ids=None, *, kinds=None) -> None:
    """Rewrite the summary rows of `desa_ids` (of every desa when None) that count rows of
    `kinds` (every kind when None: the registry's, and those other apps registered)."""
    if desa_ids is None:
        ids = list(Desa.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted({pk for pk in desa_ids if pk is not None})
        if not ids:
            return
        list(Desa.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    if kinds is None or REGISTRY in kinds:
        for model in SUMMARY_MODELS:
            (model.objects.all() if desa_ids is None else model.objects.filter(desa_id__in=ids)).delete()
        for start in range(0, len(ids), DESA_PER_PASS):
            _recount(ids[start:start + DESA_PER_PASS])
    for kind, recount in _recounts.items():
        if kinds is None or kind in kinds:
            recount(None if desa_ids is None else ids)


def summaries_fill_missing(using="default", **kwargs) -> None:
    """After `migrate`: build the summaries of a registry that has facts but no summaries
    yet (the migration that made the tables); otherwise nothing."""
    if using != "default" or DesaSummary.objects.exists() or not UMKMFact.objects.exists():
        return
    with transaction.atomic():
        summaries_recount(None)


def _recount(ids: list[int]) -> None:
    """Every summary row of these desa, from their rows read once: facts, UMKM, products,
    assessments (each by the index of the one before: desa → UMKM → product)."""
    kecamatan_of = dict(Desa.objects.filter(pk__in=ids).values_list("pk", "kecamatan_id"))
    facts = _figures(ids)
    umkm = {row[0]: row for row in UMKM.objects.filter(desa_id__in=ids).values_list(
        "pk", "desa_id", "is_active", "is_demo", "workers", "annual_turnover", "created_at", "updated_at")}
    products = _read(Product, "umkm_id", list(umkm), (
        "pk", "umkm_id", "is_active", "komoditas_id", "market_reach", "local_material_pct", "updated_at",
        "sector_id", "name"))
    assessments = _read(Assessment, "product_id", [p[0] for p in products], (
        "pk", "product_id", "created_at", "is_current", "weighted_score", "mpe_total"))
    _registry(kecamatan_of, umkm, products, facts)
    _months(kecamatan_of, umkm, products, assessments)
    _standings(kecamatan_of, umkm, products, assessments, facts)


def _read(model, key: str, values: list, fields) -> list[tuple]:
    rows = []
    for chunk in bulk.in_chunks(values):
        rows += model.objects.filter(**{f"{key}__any_of": chunk}).values_list(*fields)
    return rows


def set_bits(mask: int):
    """The positions of the flags set in `mask`."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _figures(ids) -> dict[int, tuple]:
    """DesaFigures of these desa from their active facts; returns every UMKM's (size class,
    readiness) by its id."""
    sums: dict[tuple, list] = {}
    facts = {}
    for umkm_id, desa_id, kecamatan_id, is_active, size_class, is_ready, sector_mask, products, flagship, score_sum, \
            score_count in UMKMFact.objects.filter(desa_id__in=ids).values_list(
                "umkm_id", "desa_id", "kecamatan_id", "is_active", "size_class", "is_ready", "sector_mask",
                "product_count", "flagship_count", "score_sum", "score_count"):
        facts[umkm_id] = (size_class, is_ready)
        if not is_active:
            continue
        for sector_bit in (DesaFigures.ALL_SECTORS, *set_bits(sector_mask)):
            row = sums.setdefault((desa_id, kecamatan_id, size_class, is_ready, sector_bit),
                                  [0, 0, 0, 0, Decimal(0), 0])
            row[0] += 1
            row[1] += products > 0
            row[2] += products
            row[3] += flagship
            row[4] += score_sum
            row[5] += score_count
    bulk.rows_insert(DesaFigures, ((*key, *values) for key, values in sums.items()), fields=[
        "desa_id", "kecamatan_id", "size_class", "is_ready", "sector_bit", "umkm", "with_products", "products",
        "flagship", "score_sum", "score_count"], want_ids=False)
    return facts


def _registry(kecamatan_of, umkm, products, facts) -> None:
    """DesaSummary (the LQ base) and KomoditasSummary from the active UMKM and products."""
    producing = set()
    komoditas: dict[tuple[int, int], dict] = {}
    for _pk, umkm_id, is_active, komoditas_id, reach, material, *_rest in products:
        desa_id, umkm_active, workers, turnover = umkm[umkm_id][1], umkm[umkm_id][2], umkm[umkm_id][4], umkm[umkm_id][5]
        if not (is_active and umkm_active):
            continue
        producing.add(umkm_id)
        if komoditas_id is None:
            continue
        entry = komoditas.setdefault((desa_id, komoditas_id), {"umkm": {}, "material": []})
        entry["umkm"].setdefault(umkm_id, set()).add(reach)
        if material is not None:
            entry["material"].append(material)
    base = {pk: [0, 0, 0] for pk in kecamatan_of}
    for umkm_id in producing:
        _pk, desa_id, _active, _demo, workers, turnover, *_rest = umkm[umkm_id]
        base[desa_id][0] += 1
        base[desa_id][1] += workers or 0
        base[desa_id][2] += turnover or 0
    bulk.rows_insert(DesaSummary, (
        DesaSummary(desa_id=pk, kecamatan_id=kecamatan_of[pk], lq_umkm=n, lq_workers=w, lq_turnover=t)
        for pk, (n, w, t) in base.items()), want_ids=False)
    rows = []
    for (desa_id, komoditas_id), entry in komoditas.items():
        producers = entry["umkm"]
        rows.append(KomoditasSummary(
            desa_id=desa_id, kecamatan_id=kecamatan_of[desa_id], komoditas_id=komoditas_id,
            producers=len(producers), workers=sum(umkm[u][4] or 0 for u in producers),
            turnover=sum(umkm[u][5] or 0 for u in producers),
            ready=sum(bool(facts.get(u, ("", False))[1]) for u in producers),
            outside_province=sum(bool(reach & OUTSIDE_PROVINCE) for reach in producers.values()),
            export=sum("ekspor" in reach for reach in producers.values()),
            material_sum=sum(entry["material"]), material_count=len(entry["material"])))
    bulk.rows_insert(KomoditasSummary, rows, want_ids=False)


def month_of(moment, zone=None) -> date:
    """The first day of the month `moment` falls in, in the portal's time zone (as the
    database's TruncMonth reads it)."""
    return moment.astimezone(zone or timezone.get_current_timezone()).date().replace(day=1)


def _months(kecamatan_of, umkm, products, assessments) -> None:
    """DesaMonth: registrations, assessments opened and the last survey per month."""
    months: dict[tuple[int, date], list] = {}
    zone = timezone.get_current_timezone()

    def entry(desa_id, moment):
        return months.setdefault((desa_id, month_of(moment, zone)), [0, 0, None])

    def surveyed(desa_id, moment):
        row = entry(desa_id, moment)
        row[2] = moment if row[2] is None else max(row[2], moment)

    for _pk, desa_id, _active, is_demo, _w, _t, created_at, updated_at in umkm.values():
        entry(desa_id, created_at)[0] += 1
        if not is_demo:
            surveyed(desa_id, updated_at)
    desa_of_product = {}
    for pk, umkm_id, *_rest, updated_at, _sector, _name in products:
        desa_of_product[pk] = umkm[umkm_id][1]
        if not umkm[umkm_id][3]:
            surveyed(umkm[umkm_id][1], updated_at)
    for _pk, product_id, created_at, *_rest in assessments:
        entry(desa_of_product[product_id], created_at)[1] += 1
        surveyed(desa_of_product[product_id], created_at)
    bulk.rows_insert(DesaMonth, ((desa_id, kecamatan_of[desa_id], month, r, a, last)
                                 for (desa_id, month), (r, a, last) in months.items()),
                     fields=["desa_id", "kecamatan_id", "month", "registrations", "assessments", "last_survey_at"],
                     want_ids=False)


def _standings(kecamatan_of, umkm, products, assessments, facts) -> None:
    """ProductStanding of the active products with a current verified assessment."""
    current = {product_id: (pk, score, mpe) for pk, product_id, _created, is_current, score, mpe in assessments
               if is_current and score is not None}
    rows = []
    for pk, umkm_id, is_active, _komoditas, reach, _material, _updated, sector_id, name in products:
        if not is_active or pk not in current:
            continue
        assessment_id, score, mpe = current[pk]
        size_class, is_ready = facts.get(umkm_id, ("", False))
        desa_id = umkm[umkm_id][1]
        rows.append(ProductStanding(
            product_id=pk, assessment_id=assessment_id, umkm_id=umkm_id, desa_id=desa_id,
            kecamatan_id=kecamatan_of[desa_id], sector_id=sector_id, market_reach=reach, size_class=size_class,
            is_ready=is_ready, name=name, weighted_score=score, mpe_total=mpe))
    bulk.rows_insert(ProductStanding, rows, want_ids=False)
