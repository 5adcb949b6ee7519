"""Keeps the per-desa summaries (mapping.models.summaries) true, desa by desa.

Every summary row is a sum over the facts of one desa (UMKMFact, one per UMKM):
contributions() says what one fact adds to which rows, and that is the only rule.

- A save of a few UMKM where they are changes the rows by the difference between their
  facts before and after the save (summaries_apply): a few rows, whatever the size of the
  desa. facts_changed() chooses it.
- Any other write (a UMKM moved or deleted, an import, a reference list changed)
  recounts the desa it touched — where the UMKM were before the write and where they are
  now — from those desa's facts (summaries_recount); with None (`rebuild_stats`) every
  desa. A test holds the rows a sequence of writes leaves equal to a recount.

Writers of the same desa take turns: the desa rows are locked (desa_lock: FOR NO KEY
UPDATE, which does not block inserting a UMKM there) before their facts or summaries are
read, so the later writer counts the earlier one's committed rows and no update is lost.

Other apps keep summaries of their own rows per desa (field visits, say) by registering a
recount with desa_recount_register(); it runs in the same place, with the same desa. A
write says which kinds of rows it changed: a visit recounts only the visit months; a UMKM
edited in place leaves the visit months alone and has the standings of its own products
rewritten (standings_refresh) instead of its desa's.
"""

from collections import namedtuple
from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from mapping.models import MARKET_REACH_BITS, Assessment, Desa, Product, UMKMFact
from mapping.models.summaries import (DesaFigures, DesaFilteredFigures, DesaMonth, DesaSectorPair, DesaSummary,
                                      KomoditasSummary,
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


SUMMARY_MODELS = (DesaFigures, DesaFilteredFigures, DesaSectorPair, DesaSummary, DesaMonth, KomoditasSummary,
                  ProductStanding)


def summaries_recount(desa_ids=None, *, kinds=None, standings: bool = True) -> None:
    """Rewrite the summary rows of `desa_ids` (of every desa when None) that count rows of
    `kinds` (every kind when None: the registry's, and those other apps registered).
    `standings=False`: the caller rewrites the product standings of the UMKM it changed
    (standings_refresh), which is all that can have changed in them."""
    if desa_ids is None:
        ids = list(Desa.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = desa_lock(desa_ids)
        if not ids:
            return
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


def desa_lock(desa_ids) -> list[int]:
    """Take these desa's turn to write their summaries (FOR NO KEY UPDATE on their rows, in
    id order; it does not block inserting a UMKM there); returns their sorted ids."""
    ids = sorted({pk for pk in desa_ids if pk is not None})
    if ids:
        list(Desa.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    return ids


def summaries_fill_missing(using="default", **kwargs) -> None:
    """After `migrate`: build the summaries of a registry that has facts but no summaries
    yet (the migration that made the tables, or a table added later), and rebuild the facts
    written before they held what each UMKM adds to the summaries; otherwise nothing."""
    if using != "default" or not UMKMFact.objects.exists():
        return
    if UMKMFact.objects.filter(months__isnull=True).exists():
        from mapping.services.facts import facts_changed  # the one path that rebuilds facts and summaries

        facts_changed(everything=True)
        return
    filtered_missing = (not DesaFilteredFigures.objects.exists()
                        and UMKMFact.objects.active().exclude(reach_mask=0, class_mask=0).exists())
    pairs_missing = (not DesaSectorPair.objects.exists()
                     and UMKMFact.objects.active().filter(product_count__gt=0).exclude(sector_mask=0).exists())
    if DesaSummary.objects.exists() and not filtered_missing and not pairs_missing:
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


FACT_FIELDS = ("umkm_id", "desa_id", "kecamatan_id", "is_active", "size_class", "is_ready", "sector_mask",
               "reach_mask", "class_mask", "product_count", "flagship_count", "score_sum", "score_count", "is_demo",
               "workers", "turnover", "komoditas", "months")
FactRow = namedtuple("FactRow", FACT_FIELDS)


def _recount(ids: list[int], *, standings: bool = True) -> None:
    """Every summary row of these desa: the sum of their facts' contributions (one read)."""
    sums: dict = {model: {} for model in SUMMED}
    all_facts = [FactRow._make(row) for row in UMKMFact.objects.filter(desa_id__in=ids).values_list(*FACT_FIELDS)]
    facts = {}
    for fact in all_facts:
        facts[fact.umkm_id] = (fact.size_class, fact.is_ready)
        for model, key, values in contributions(fact):
            _add(sums[model], key, values)
    lasts = _lasts_of(all_facts)
    for pk, kecamatan_id in Desa.objects.filter(pk__in=ids).values_list("pk", "kecamatan_id"):
        sums[DesaSummary].setdefault((pk, kecamatan_id), [0, 0, 0, 0])  # one row per desa, with UMKM or not
    for model, rows in sums.items():
        key_fields, value_fields, _count = SUMMED[model]
        _insert(model, [model(**dict(zip(key_fields, key)), **dict(zip(value_fields, values)),
                              **({"last_survey_at": lasts.get(key)} if model is DesaMonth else {}))
                        for key, values in rows.items()])
    if standings:
        _standings_insert(Assessment.objects.filter(product__umkm__desa_id__in=ids), facts)


def set_bits(mask: int):
    """The positions of the flags set in `mask`."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def figure_keys(desa_id, kecamatan_id, size_class, is_ready, sector_mask, reach_mask, class_mask):
    """The rows an active UMKM counts in: (False, DesaFigures key) under all sectors and each
    of its sectors; (True, DesaFilteredFigures key) under each of its reaches and classes."""
    ALL = DesaFigures.ALL_SECTORS
    sectors = (ALL, *set_bits(sector_mask))
    for sector_bit in sectors:
        yield False, (desa_id, kecamatan_id, size_class, is_ready, sector_bit)
    reaches, classes = (ALL, *set_bits(reach_mask)), (ALL, *set_bits(class_mask))
    for reach_bit in reaches:
        for class_bit in classes:
            if reach_bit == ALL and class_bit == ALL:
                continue
            for sector_bit in sectors:
                yield True, (desa_id, kecamatan_id, size_class, is_ready, sector_bit, reach_bit, class_bit)


def _add(sums: dict, key: tuple, values: tuple) -> None:
    row = sums.get(key)
    if row is None:
        sums[key] = list(values)
    else:
        for index, value in enumerate(values):
            row[index] += value


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
                        is_ready=bool(facts.get(u, ("", False))[1]), name=name, weighted_score=score,
                        mpe_total=mpe or 0)  # none recorded ranks as 0, as rating.ranking_key has it (not NULL,
        for p, a, u, d, k, sector, reach, name, score, mpe in rows])  # which PostgreSQL sorts first)


def standings_refresh(umkm_ids) -> None:
    """Rewrite the product standings of these UMKM (their products, wherever they were)."""
    for chunk in bulk.in_chunks(sorted(set(umkm_ids))):
        product_ids = list(Product.objects.filter(umkm_id__any_of=chunk).values_list("pk", flat=True))
        ProductStanding.objects.filter(umkm_id__any_of=chunk).delete()
        for products in bulk.in_chunks(product_ids):
            ProductStanding.objects.filter(product_id__any_of=products).delete()
        _standings_insert(Assessment.objects.filter(product__umkm_id__any_of=chunk))


# ---------------------------------------------------------------------------------------------
# A save by difference: what one UMKM's fact adds to the summaries of its desa, taken away as
# it was before the save and added as it is now. The rows a recount of the desa would write,
# changed in a few rows instead of recounted (a test holds the two equal after every write).


def month_of(moment) -> date:
    """The month (its first day) a moment falls in, in the portal's time zone: TruncMonth's."""
    return timezone.localtime(moment).date().replace(day=1)


class MonthsOfOne:
    """What one UMKM adds to its desa's months (DesaMonth), by the rules _months() counts a
    desa with: its registration, its products' assessments opened, and its last survey per
    month (the UMKM or a product recorded, when not demo rows; an assessment opened)."""

    def __init__(self):
        self.months: dict[date, list] = {}

    def _entry(self, moment) -> list:
        return self.months.setdefault(month_of(moment), [0, 0, None])

    def _surveyed(self, entry: list, moment) -> None:
        entry[2] = moment if entry[2] is None else max(entry[2], moment)

    def registered(self, moment) -> None:
        self._entry(moment)[0] += 1

    def surveyed(self, moment) -> None:
        self._surveyed(self._entry(moment), moment)

    def assessed(self, moment) -> None:
        entry = self._entry(moment)
        entry[1] += 1
        self._surveyed(entry, moment)

    def as_json(self) -> dict:
        return {month.isoformat(): [r, a, last.isoformat() if last else None]
                for month, (r, a, last) in sorted(self.months.items())}


def _months_of(fact) -> dict[date, tuple]:
    """A fact's months (none when written by an older version, until `migrate` rebuilds it)."""
    return {date.fromisoformat(month): (r, a, datetime.fromisoformat(last) if last else None)
            for month, (r, a, last) in (fact.months or {}).items()}


OUTSIDE_PROVINCE_MASK = sum(MARKET_REACH_BITS[reach] for reach in OUTSIDE_PROVINCE)
EXPORT_MASK = MARKET_REACH_BITS["ekspor"]

# Each summed summary: its key fields, its summed fields, and the count whose 0 means the
# row is not written by a recount (None: one row per desa, always).
SUMMED = {
    DesaFigures: (("desa_id", "kecamatan_id", "size_class", "is_ready", "sector_bit"),
                  ("umkm", "with_products", "products", "flagship", "score_sum", "score_count"), "umkm"),
    DesaFilteredFigures: (("desa_id", "kecamatan_id", "size_class", "is_ready", "sector_bit", "reach_bit",
                           "class_bit"),
                          ("umkm", "with_products", "products", "flagship", "score_sum", "score_count"), "umkm"),
    DesaSectorPair: (("desa_id", "kecamatan_id", "size_class", "is_ready", "sector_bit", "other_bit"),
                     ("with_products",), "with_products"),
    DesaSummary: (("desa_id", "kecamatan_id"), ("lq_umkm", "lq_workers", "lq_turnover", "demo_umkm"), None),
    KomoditasSummary: (("desa_id", "kecamatan_id", "komoditas_id"),
                       ("producers", "workers", "turnover", "ready", "outside_province", "export", "material_sum",
                        "material_count"), "producers"),
    DesaMonth: (("desa_id", "kecamatan_id", "month"), ("registrations", "assessments"), None),
}


def contributions(fact):
    """(summary model, key, values) for every summary row one UMKM's fact counts in."""
    if fact.is_active:
        values = (1, int(fact.product_count > 0), fact.product_count, fact.flagship_count, fact.score_sum,
                  fact.score_count)
        for filtered, key in figure_keys(fact.desa_id, fact.kecamatan_id, fact.size_class, fact.is_ready,
                                         fact.sector_mask, fact.reach_mask, fact.class_mask):
            yield (DesaFilteredFigures if filtered else DesaFigures), key, values
        if fact.product_count:
            yield DesaSummary, (fact.desa_id, fact.kecamatan_id), (1, fact.workers, fact.turnover, 0)
            sectors = list(set_bits(fact.sector_mask))
            for sector_bit in sectors:
                for other_bit in sectors:
                    yield DesaSectorPair, (fact.desa_id, fact.kecamatan_id, fact.size_class, fact.is_ready, sector_bit,
                                           other_bit), (1,)
        for komoditas_id, (reach, material_sum, material_count) in fact.komoditas.items():
            yield KomoditasSummary, (fact.desa_id, fact.kecamatan_id, int(komoditas_id)), (
                1, fact.workers, fact.turnover, int(fact.is_ready), int(bool(reach & OUTSIDE_PROVINCE_MASK)),
                int(bool(reach & EXPORT_MASK)), material_sum, material_count)
    if fact.is_demo:
        yield DesaSummary, (fact.desa_id, fact.kecamatan_id), (0, 0, 0, 1)
    for month, (registered, assessed, _last) in _months_of(fact).items():
        yield DesaMonth, (fact.desa_id, fact.kecamatan_id, month), (registered, assessed)


def summaries_apply(before: list, after: list) -> None:
    """Change the summaries of the desa of these UMKM by the difference between their facts
    `before` and `after` a save (the same UMKM, each with its contributions computed: months
    not None). The caller holds the desa's turn (desa_lock) since before it read `before`."""
    changes: dict = {model: {} for model in SUMMED}
    for sign, facts in ((-1, before), (1, after)):
        for fact in facts:
            for model, key, values in contributions(fact):
                _add(changes[model], key, tuple(sign * v for v in values))
    for model, delta in changes.items():
        key_fields, value_fields, count_field = SUMMED[model]
        delta = {key: values for key, values in delta.items() if any(values)}
        lasts = _lasts_changed(before, after) if model is DesaMonth else {}
        if not delta and not lasts:
            continue
        wanted = set(delta) | set(lasts)
        rows = {tuple(getattr(row, f) for f in key_fields): row for row in model.objects.filter(**{
            f"{name}__in": {key[index] for key in wanted} for index, name in enumerate(key_fields)})}
        changed, created, emptied = [], [], []
        for key in sorted(wanted, key=str):
            row = rows.get(key)
            if row is None:
                row = model(**dict(zip(key_fields, key)))
                created.append(row)
            else:
                changed.append(row)
            for name, value in zip(value_fields, delta.get(key, ())):
                setattr(row, name, getattr(row, name) + value)
            if model is DesaMonth:
                row.last_survey_at = _last_of(row, *lasts.get(key, (None, None)))
                empty = not row.registrations and not row.assessments and row.last_survey_at is None
            else:
                empty = count_field is not None and getattr(row, count_field) == 0
            if empty:
                emptied.append(row)
        gone = {id(row) for row in emptied}
        if any(row.pk is not None for row in emptied):
            model.objects.filter(pk__in=[row.pk for row in emptied if row.pk is not None]).delete()
        model.objects.bulk_update([row for row in changed if id(row) not in gone],
                                  [*value_fields, *(["last_survey_at"] if model is DesaMonth else [])])
        model.objects.bulk_create([row for row in created if id(row) not in gone])


def _lasts_of(facts) -> dict[tuple, datetime]:
    """{DesaMonth key: the latest survey these facts hold in that month}."""
    lasts: dict[tuple, datetime] = {}
    for fact in facts:
        for month, (_r, _a, last) in _months_of(fact).items():
            key = (fact.desa_id, fact.kecamatan_id, month)
            if last is not None and (key not in lasts or last > lasts[key]):
                lasts[key] = last
    return lasts


def _lasts_changed(before, after) -> dict[tuple, tuple]:
    """{DesaMonth key: (last before, last after)} of the months whose last survey by these
    UMKM changed."""
    was, now = _lasts_of(before), _lasts_of(after)
    return {key: (was.get(key), now.get(key)) for key in set(was) | set(now) if was.get(key) != now.get(key)}


def _last_of(row, before, after):
    """A month's last survey once these UMKM's last of it went from `before` to `after`: a
    later one is the month's last; when the month's last was theirs and is gone, the month
    is read again from its rows."""
    current = row.last_survey_at
    if before is not None and current == before and (after is None or after < before):
        return _last_recounted(row.desa_id, row.month)
    if after is not None and (current is None or after > current):
        return after
    return current


def _last_recounted(desa_id: int, month: date):
    """The last survey of one desa in one month: the latest its facts hold (read after the
    save's own facts were written)."""
    key = month.isoformat()
    lasts = [months[key][2] for months in UMKMFact.objects.filter(desa_id=desa_id, months__has_key=key)
             .values_list("months", flat=True)]
    return max((datetime.fromisoformat(last) for last in lasts if last), default=None)
