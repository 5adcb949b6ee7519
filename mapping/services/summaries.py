"""Keeps the per-desa summaries (mapping.models.summaries) true, desa by desa.

facts_changed() calls summaries_recount() with the desa a write touched — where the UMKM
were before the write and where they are now — and it rewrites every summary row of those
desa from the facts and the registry rows of those desa only: a save reads one desa, never
the regency. With None (a reference list changed, `rebuild_stats`) every desa is rewritten.

Writers of the same desa take turns: the desa rows are locked (FOR NO KEY UPDATE, which
does not block inserting a UMKM there) before their summaries are read, so the later
writer counts the earlier one's committed rows and no update is lost.

Other apps keep summaries of their own rows per desa (field visits, say) by registering a
recount with desa_recount_register(); it runs in the same place, with the same desa. A
write says which kinds of rows it changed: a visit recounts only the visit months; a UMKM
edited in place leaves the visit months alone and has the standings of its own products
rewritten (standings_refresh) instead of its desa's.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth

from mapping.models import UMKM, Assessment, Desa, Product, UMKMFact
from mapping.models.summaries import (DesaFigures, DesaFilteredFigures, DesaMonth, DesaSummary, KomoditasSummary,
                                      ProductStanding)
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


SUMMARY_MODELS = (DesaFigures, DesaFilteredFigures, DesaSummary, DesaMonth, KomoditasSummary, ProductStanding)


def summaries_recount(desa_ids=None, *, kinds=None, standings: bool = True) -> None:
    """Rewrite the summary rows of `desa_ids` (of every desa when None) that count rows of
    `kinds` (every kind when None: the registry's, and those other apps registered).
    `standings=False`: the caller rewrites the product standings of the UMKM it changed
    (standings_refresh), which is all that can have changed in them."""
    if desa_ids is None:
        ids = list(Desa.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted({pk for pk in desa_ids if pk is not None})
        if not ids:
            return
        list(Desa.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    if kinds is None or REGISTRY in kinds:
        for model in SUMMARY_MODELS:
            if model is ProductStanding and not standings:
                continue
            (model.objects.all() if desa_ids is None else model.objects.filter(desa_id__in=ids)).delete()
        for start in range(0, len(ids), DESA_PER_PASS):
            _recount(ids[start:start + DESA_PER_PASS], standings=standings)
    for kind, recount in _recounts.items():
        if kinds is None or kind in kinds:
            recount(None if desa_ids is None else ids)


def summaries_fill_missing(using="default", **kwargs) -> None:
    """After `migrate`: build the summaries of a registry that has facts but no summaries
    yet (the migration that made the tables, or a table added later); otherwise nothing."""
    if using != "default" or not UMKMFact.objects.exists():
        return
    filtered_missing = (not DesaFilteredFigures.objects.exists()
                        and UMKMFact.objects.active().exclude(reach_mask=0, class_mask=0).exists())
    if DesaSummary.objects.exists() and not filtered_missing:
        return
    with transaction.atomic():
        summaries_recount(None)


FEW_ROWS = 200  # below this many rows, one INSERT is quicker than a COPY


def _insert(model, rows: list) -> None:
    """Write summary rows (instances): a COPY for many, one INSERT for a few."""
    if len(rows) < FEW_ROWS:
        model.objects.bulk_create(rows)
    else:
        bulk.rows_insert(model, rows, want_ids=False)


def _recount(ids: list[int], *, standings: bool = True) -> None:
    """Every summary row of these desa from their own rows, each read once: facts; UMKM, then
    their products (by the index of the one before); months by grouped reads."""
    kecamatan_of = dict(Desa.objects.filter(pk__in=ids).values_list("pk", "kecamatan_id"))
    facts = _figures(ids)
    people = list(UMKM.objects.filter(desa_id__in=ids).values_list(
        "pk", "desa_id", "is_active", "is_demo", "workers", "annual_turnover"))
    products = _read(Product, "umkm_id", [row[0] for row in people],
                     ("pk", "umkm_id", "is_active", "komoditas_id", "market_reach", "local_material_pct"))
    active = {pk: (desa_id, workers or 0, turnover or 0)
              for pk, desa_id, is_active, _demo, workers, turnover in people if is_active}
    _registry(kecamatan_of, active, [row[1:] for row in products if row[2] and row[1] in active], facts)
    _months(ids, kecamatan_of, people, products)
    if standings:
        _standings_insert(Assessment.objects.filter(product__umkm__desa_id__in=ids), facts)


def _read(model, key: str, values: list, fields, **filters) -> list[tuple]:
    rows = []
    for chunk in bulk.in_chunks(values):
        rows += model.objects.filter(**{f"{key}__any_of": chunk}, **filters).values_list(*fields)
    return rows


def set_bits(mask: int):
    """The positions of the flags set in `mask`."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _figures(ids) -> dict[int, tuple]:
    """DesaFigures and DesaFilteredFigures of these desa from their active facts; returns every
    UMKM's (size class, readiness) by its id."""
    ALL = DesaFigures.ALL_SECTORS
    sums: dict[tuple, list] = {}
    filtered: dict[tuple, list] = {}
    facts = {}
    for umkm_id, desa_id, kecamatan_id, is_active, size_class, is_ready, sector_mask, reach_mask, class_mask, \
            products, flagship, score_sum, score_count in UMKMFact.objects.filter(desa_id__in=ids).values_list(
                "umkm_id", "desa_id", "kecamatan_id", "is_active", "size_class", "is_ready", "sector_mask",
                "reach_mask", "class_mask", "product_count", "flagship_count", "score_sum", "score_count"):
        facts[umkm_id] = (size_class, is_ready)
        if not is_active:
            continue
        values = (1, int(products > 0), products, flagship, score_sum, score_count)
        sectors = (ALL, *set_bits(sector_mask))
        for sector_bit in sectors:
            _add(sums, (desa_id, kecamatan_id, size_class, is_ready, sector_bit), values)
        reaches, classes = (ALL, *set_bits(reach_mask)), (ALL, *set_bits(class_mask))
        for reach_bit in reaches:
            for class_bit in classes:
                if reach_bit == ALL and class_bit == ALL:
                    continue
                for sector_bit in sectors:
                    _add(filtered, (desa_id, kecamatan_id, size_class, is_ready, sector_bit, reach_bit, class_bit), values)
    _insert(DesaFigures, [
        DesaFigures(desa_id=key[0], kecamatan_id=key[1], size_class=key[2], is_ready=key[3], sector_bit=key[4],
                    umkm=v[0], with_products=v[1], products=v[2], flagship=v[3], score_sum=v[4], score_count=v[5])
        for key, v in sums.items()])
    _insert(DesaFilteredFigures, [
        DesaFilteredFigures(desa_id=key[0], kecamatan_id=key[1], size_class=key[2], is_ready=key[3], sector_bit=key[4],
                            reach_bit=key[5], class_bit=key[6], umkm=v[0], with_products=v[1], products=v[2],
                            flagship=v[3], score_sum=v[4], score_count=v[5])
        for key, v in filtered.items()])
    return facts


def _add(sums: dict, key: tuple, values: tuple) -> None:
    row = sums.get(key)
    if row is None:
        sums[key] = list(values)
    else:
        for index, value in enumerate(values):
            row[index] += value


def _registry(kecamatan_of, umkm, products, facts) -> None:
    """DesaSummary (the LQ base) and KomoditasSummary from the active UMKM ({id: (desa,
    workers, turnover)}) and their active products ((UMKM, active, komoditas, reach, material))."""
    producing = set()
    komoditas: dict[tuple[int, int], dict] = {}
    for umkm_id, _active, komoditas_id, reach, material in products:
        producing.add(umkm_id)
        if komoditas_id is None:
            continue
        entry = komoditas.setdefault((umkm[umkm_id][0], komoditas_id), {"umkm": {}, "material": []})
        entry["umkm"].setdefault(umkm_id, set()).add(reach)
        if material is not None:
            entry["material"].append(material)
    base = {pk: [0, 0, 0] for pk in kecamatan_of}
    for umkm_id in producing:
        desa_id, workers, turnover = umkm[umkm_id]
        base[desa_id][0] += 1
        base[desa_id][1] += workers
        base[desa_id][2] += turnover
    _insert(DesaSummary, [
        DesaSummary(desa_id=pk, kecamatan_id=kecamatan_of[pk], lq_umkm=n, lq_workers=w, lq_turnover=t)
        for pk, (n, w, t) in base.items()])
    rows = []
    for (desa_id, komoditas_id), entry in komoditas.items():
        producers = entry["umkm"]
        rows.append(KomoditasSummary(
            desa_id=desa_id, kecamatan_id=kecamatan_of[desa_id], komoditas_id=komoditas_id,
            producers=len(producers), workers=sum(umkm[u][1] for u in producers),
            turnover=sum(umkm[u][2] for u in producers),
            ready=sum(bool(facts.get(u, ("", False))[1]) for u in producers),
            outside_province=sum(bool(reach & OUTSIDE_PROVINCE) for reach in producers.values()),
            export=sum("ekspor" in reach for reach in producers.values()),
            material_sum=sum(entry["material"]), material_count=len(entry["material"])))
    _insert(KomoditasSummary, rows)


def _as_month(value) -> date:
    return value.date() if hasattr(value, "hour") else value


def _months(ids, kecamatan_of, people, products) -> None:
    """DesaMonth: registrations, assessments opened and the last survey (a UMKM or product
    recorded, not generated demo rows, or a product assessed) per month: grouped reads,
    desa by desa, each through the index of the rows before it (desa → UMKM → product)."""
    rows = []
    by_desa: dict[int, list] = {pk: [] for pk in ids}
    for pk, desa_id, _active, is_demo, *_rest in people:
        by_desa[desa_id].append((pk, is_demo))
    products_of: dict[int, list] = {}
    for pk, umkm_id, *_rest in products:
        products_of.setdefault(umkm_id, []).append(pk)
    for desa_id, umkm in by_desa.items():
        if not umkm:
            continue
        months: dict[date, list] = {}

        def add(queryset, field_name, **aggregates):
            for row in (queryset.order_by().annotate(month=TruncMonth(field_name)).values("month")
                        .annotate(**aggregates)):
                entry = months.setdefault(_as_month(row["month"]), [0, 0, None])
                entry[0] += row.get("registrations", 0)
                entry[1] += row.get("assessments", 0)
                if row.get("last") is not None:
                    entry[2] = row["last"] if entry[2] is None else max(entry[2], row["last"])

        recorded = [pk for pk, is_demo in umkm if not is_demo]
        add(UMKM.objects.filter(desa_id=desa_id), "created_at", registrations=Count("pk"))
        add(UMKM.objects.filter(desa_id=desa_id, is_demo=False), "updated_at", last=Max("updated_at"))
        product_ids = [product for pk, _demo in umkm for product in products_of.get(pk, ())]
        for chunk in bulk.in_chunks(recorded):
            add(Product.objects.filter(umkm_id__any_of=chunk), "updated_at", last=Max("updated_at"))
        for chunk in bulk.in_chunks(product_ids):
            add(Assessment.objects.filter(product_id__any_of=chunk), "created_at", assessments=Count("pk"),
                last=Max("created_at"))
        rows += [DesaMonth(desa_id=desa_id, kecamatan_id=kecamatan_of[desa_id], month=month, registrations=r,
                           assessments=n, last_survey_at=last) for month, (r, n, last) in months.items()]
    _insert(DesaMonth, rows)


STANDING_FIELDS = ("product_id", "pk", "product__umkm_id", "product__umkm__desa_id",
                   "product__umkm__desa__kecamatan_id", "product__sector_id", "product__market_reach",
                   "product__name", "weighted_score", "mpe_total")


def _standings_insert(assessments, facts: dict | None = None) -> None:
    """ProductStanding of the active products among `assessments`' products that have a
    current verified assessment; `facts`: their UMKM's (size class, readiness) when known."""
    rows = list(assessments.latest_verified_per_product().filter(
        product__is_active=True, weighted_score__isnull=False).values_list(*STANDING_FIELDS))
    if facts is None:
        facts = {pk: (size, ready) for pk, size, ready in UMKMFact.objects.filter(
            umkm_id__in={row[2] for row in rows}).values_list("umkm_id", "size_class", "is_ready")}
    _insert(ProductStanding, [
        ProductStanding(product_id=p, assessment_id=a, umkm_id=u, desa_id=d, kecamatan_id=k, sector_id=sector,
                        market_reach=reach, size_class=facts.get(u, ("", False))[0],
                        is_ready=bool(facts.get(u, ("", False))[1]), name=name, weighted_score=score, mpe_total=mpe)
        for p, a, u, d, k, sector, reach, name, score, mpe in rows])


def standings_refresh(umkm_ids) -> None:
    """Rewrite the product standings of these UMKM (their products, wherever they were)."""
    for chunk in bulk.in_chunks(sorted(set(umkm_ids))):
        product_ids = list(Product.objects.filter(umkm_id__any_of=chunk).values_list("pk", flat=True))
        ProductStanding.objects.filter(umkm_id__any_of=chunk).delete()
        for products in bulk.in_chunks(product_ids):
            ProductStanding.objects.filter(product_id__any_of=products).delete()
        _standings_insert(Assessment.objects.filter(product__umkm_id__any_of=chunk))
