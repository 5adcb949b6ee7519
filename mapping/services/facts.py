"""Keeps the dashboard figures (UMKMFact) true: facts_changed() is the one entry point.

Every write that changes what a leader sees — portal services, the admin (single and
bulk), imports and their undo, demo data — calls facts_changed() inside its
transaction. It recomputes the facts of the UMKM concerned (or all of them when a
reference list changed) and marks every cached figure outdated once the transaction
commits (purbalingga_umkm/figures.py).

Set-based: a refresh of N UMKM reads their products, permits and latest verified
assessments in a fixed number of queries per chunk, computes in Python and writes
with one insert per chunk (spreadsheets/bulk.py). `manage.py rebuild_stats` recomputes
everything after a load that went around the portal.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping.models import (
    MARKET_REACH_BITS, UMKM, Assessment, Desa, FactBitCounter, Permit, Product, RatingClass, Sector, UMKMFact, bit,
    size_class_for,
)
from mapping.readiness import PermitFact, readiness_items
from mapping.catalogue import listings_refresh
from mapping.services.summaries import (REGISTRY, MonthsOfOne, desa_lock, standings_refresh, summaries_apply,
                                       summaries_recount)
from purbalingga_umkm.figures import figures_changed
from spreadsheets import bulk

CHUNK = 5000


# Past this many UMKM in one write (a large import), its areas are not looked up: every
# kecamatan's cached figures are outdated, as they would nearly all be anyway.
AREA_LOOKUP_MAX = 500


# Up to this many UMKM saved at once, their desa's summaries change by the difference of
# their facts (summaries_apply); more (an import's updates), their desa are recounted.
DIFFERENCE_MAX = 50


def _desa_of(umkm_ids) -> set[int]:
    """The desa these UMKM are in and those their facts count them in (a large write)."""
    desa = set()
    for chunk in bulk.in_chunks(sorted(umkm_ids)):
        desa.update(UMKM.objects.filter(pk__any_of=chunk).order_by().values_list("desa_id", flat=True).distinct())
        desa.update(UMKMFact.objects.filter(umkm_id__any_of=chunk).order_by().values_list("desa_id", flat=True)
                    .distinct())
    return desa


def _areas_of(umkm_ids, new_umkm, desa: set) -> list[int] | None:
    """Kecamatan whose figures a write of these UMKM changes: where each was (its fact) and
    where it is now, their desa added to `desa`; None when too many to look up."""
    ids = [pk for pk in umkm_ids if pk is not None]
    if len(ids) > AREA_LOOKUP_MAX or (new_umkm is not None and not isinstance(new_umkm, (list, tuple))):
        return None  # an import streams its new rows once, into their facts: not read twice
    areas = {row[1] for row in new_umkm or ()}
    if ids:
        now = {pk: (desa_id, kecamatan_id) for pk, desa_id, kecamatan_id in UMKM.objects.filter(pk__in=ids)
               .values_list("pk", "desa_id", "desa__kecamatan_id")}
        if len(now) < len(set(ids)):
            return None  # deleted: where it counted is gone with it
        places = set(now.values()) | set(UMKMFact.objects.filter(umkm_id__in=ids).values_list("desa_id", "kecamatan_id"))
        areas |= {kecamatan_id for _desa, kecamatan_id in places}
        desa.update(desa_id for desa_id, _kecamatan in places)
    return sorted(areas)


@transaction.atomic
def facts_changed(*, umkm_ids=(), new_umkm=None, everything: bool = False, kecamatan_ids=None,
                  desa_ids=None, kinds=None) -> int:
    """The one call after a write that changes figures; returns how many facts were written.

    - `umkm_ids`: UMKM whose row, products, permits or assessments changed (or were
      deleted): their facts are recomputed now, in the caller's transaction.
    - `new_umkm`: UMKM a bulk import just created, as (id, kecamatan id, desa id,
      is_active, nib, capital, annual turnover, location, workers, the moment written)
      tuples: their facts follow from these values alone (_add_new).
    - `everything`: a reference list changed (sectors, rating classes): every new
      sector or class gets its fact bit, and all facts are recomputed.
    - nothing: names, boundaries — only the cached figures are outdated.

    - `kecamatan_ids`: where a write without facts happened: only the figures of those
      kecamatan and of the regency are outdated.
    - `desa_ids`: desa whose rows changed — where UMKM in `umkm_ids` were when they were
      deleted (read before the delete), or where a visit was logged. Without it, a UMKM gone
      with its facts leaves no trace of its desa, and the summaries of every desa are
      recounted.
    - `kinds`: with `desa_ids` alone, the kinds of rows that changed there (a visit:
      {"visits"}), so that only the summaries counting them are recounted; every kind when
      None.

    The per-desa summaries (mapping.services.summaries) follow in the same transaction: up
    to DIFFERENCE_MAX UMKM saved where they are change their desa's rows by the difference
    of their facts; otherwise every desa the UMKM counted in, before and after the write,
    is recounted from its facts.

    In every case the cached figures are outdated once the transaction commits: the
    regency's, and those of the kecamatan the write touched (of every kecamatan when the
    area is not known).
    """
    places: set[int] = set()
    if everything:
        areas = None
    elif kecamatan_ids is not None or umkm_ids or new_umkm is not None or desa_ids:
        areas = _areas_of(umkm_ids, new_umkm, places)
        if areas is not None and kecamatan_ids is not None:
            areas = sorted(set(areas) | set(kecamatan_ids))
        if areas is not None and desa_ids:
            areas = sorted(set(areas) | set(Desa.objects.filter(pk__in=desa_ids).values_list("kecamatan_id", flat=True)))
    else:
        areas = None
    figures_changed(kecamatan_ids=areas)
    if everything:
        fact_bits_assign()
        # Planned for the rows there now (after a bulk load the statistics may describe
        # empty tables, and a chunk's joins then take seconds instead of milliseconds).
        bulk.planner_statistics_refresh(UMKM, Product, Permit, Assessment)
        written = _refresh(None)
        bulk.planner_statistics_refresh(UMKMFact)
        summaries_recount(None)
        listings_refresh(None)
        return written
    touched: set[int] = set(desa_ids or ())
    written = _add_new(new_umkm, touched) if new_umkm is not None else 0
    ids = sorted({pk for pk in umkm_ids if pk is not None})
    untraced: set[int] = set()
    moved: set[int] = set()
    # Their desa take their turn before any fact is read or deleted — on every path, in id
    # order, so that two writers never hold them the other way round — and the facts before
    # the save are those the summaries count.
    if ids:
        desa_lock(places | touched if areas is not None else _desa_of(ids) | touched)
    before = after = None
    if ids and len(ids) <= DIFFERENCE_MAX and new_umkm is None and not desa_ids and areas is not None:
        before, after = [], []
    written += _refresh(ids, touched, untraced, moved, before, after) if ids else 0
    # UMKM edited in place (not deleted, not moved): their product standings are rewritten
    # alone, and the summaries of visits, which follow the UMKM's desa, stay as they are.
    in_place = bool(ids) and not untraced and not moved and not desa_ids and new_umkm is None
    if in_place:
        kinds = {REGISTRY}
    elif ids or new_umkm is not None:
        kinds = None  # rows of the registry came or went: every summary of their desa
    # By difference only where the desa locked above are all it touched (a UMKM moved and
    # committed meanwhile leaves facts in a desa not locked: recounted, with its lock).
    if (in_place and before is not None and len(before) == len(ids) and touched <= places
            and all(fact.months is not None for fact in before)):
        summaries_apply(before, after)
    elif untraced and not desa_ids:
        summaries_recount(None)
    else:
        summaries_recount(touched, kinds=kinds, standings=not in_place)
    if in_place:
        standings_refresh(ids)
    if ids:
        listings_refresh(ids)  # the catalogue's list rows of these UMKM (new UMKM are not published)
    return written


def fact_bits_assign() -> None:
    """Give every sector and rating class without one its fact bit, never used before."""
    for model in (Sector, RatingClass):
        missing = list(model.objects.filter(fact_bit__isnull=True).order_by("pk").values_list("pk", flat=True))
        if not missing:
            continue
        name = model._meta.model_name
        counter, _created = FactBitCounter.objects.select_for_update().get_or_create(pk=name)
        taken = model.objects.exclude(fact_bit__isnull=True).order_by("-fact_bit").values_list("fact_bit", flat=True)
        position = max(counter.used, (taken.first() or -1) + 1)
        for pk in missing:
            try:
                bit(position)
            except ValueError:
                raise ValidationError(_(
                    "Daftar %(what)s sudah memakai semua 63 tempat di angka dasbor; hubungi pengembang."
                ) % {"what": model._meta.verbose_name}) from None
            model.objects.filter(pk=pk).update(fact_bit=position)
            position += 1
        FactBitCounter.objects.filter(pk=name).update(used=position)


def _bits(model) -> dict[int, int]:
    return {pk: bit(position) for pk, position in model.objects.exclude(fact_bit__isnull=True)
            .values_list("pk", "fact_bit")}


def _refresh(umkm_ids, touched: set | None = None, untraced: set | None = None, moved: set | None = None,
             old_facts: list | None = None, new_facts: list | None = None) -> int:
    """Recompute the facts of the given UMKM (all UMKM when None); returns how many. The
    desa they counted in, before and after, are added to `touched`; UMKM with neither a row
    nor a fact (deleted, facts and all) to `untraced`, UMKM now in another desa to `moved`;
    the facts as they were to `old_facts` and as they are now to `new_facts` (when lists)."""
    before: dict[int, int] = {}
    if umkm_ids is None:
        UMKMFact.objects.all().delete()
        ids = list(UMKM.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(umkm_ids))
        for chunk in bulk.in_chunks(ids):
            if old_facts is not None:
                old_facts += UMKMFact.objects.filter(umkm_id__any_of=chunk)
                found = {fact.umkm_id: fact.desa_id for fact in old_facts}
            elif touched is not None:
                found = dict(UMKMFact.objects.filter(umkm_id__any_of=chunk).values_list("umkm_id", "desa_id"))
            if touched is not None:
                before.update(found)
                touched.update(found.values())
                if untraced is not None:
                    untraced.update(set(chunk) - set(found))
            UMKMFact.objects.filter(umkm_id__any_of=chunk).delete()
    classes = sorted(RatingClass.objects.all(), key=lambda c: c.min_score, reverse=True)
    bits = {"sector": _bits(Sector), "class": _bits(RatingClass)}
    written = 0
    for start in range(0, len(ids), CHUNK):
        facts = _facts_for(ids[start:start + CHUNK], classes, bits)
        bulk.rows_insert(UMKMFact, facts)
        if new_facts is not None:
            new_facts += facts
        if touched is not None:
            touched.update(fact.desa_id for fact in facts)
            if untraced:
                untraced.difference_update(fact.umkm_id for fact in facts)
            if moved is not None:
                moved.update(f.umkm_id for f in facts if before.get(f.umkm_id, f.desa_id) != f.desa_id)
        written += len(facts)
    return written


def _add_new(umkm, touched: set) -> int:
    """Facts of UMKM an import created just now, from their own values (no reading them back).

    A new UMKM has no products, permits or assessments yet, so its facts follow from
    its row alone: the same result _refresh() computes (a test holds them equal).
    `umkm` yields (id, kecamatan id, desa id, is_active, nib, capital, annual turnover,
    location, workers, the moment it was written) tuples of rows that are not demo rows.
    Returns how many were written; their desa are added to `touched`.
    """

    def facts():
        for pk, kecamatan_id, desa_id, is_active, nib, capital, turnover, location, workers, written_at in umkm:
            touched.add(desa_id)
            lng, lat = location["coordinates"][:2] if location else (None, None)
            months = MonthsOfOne()
            months.registered(written_at)
            months.surveyed(written_at)
            yield (pk, kecamatan_id, desa_id, is_active, size_class_for(capital, turnover or 0), bool(nib), lng, lat,
                   workers or 0, turnover or 0, timezone.localdate(written_at), months.as_json())

    return len(bulk.rows_insert(
        UMKMFact, facts(),
        fields=["umkm_id", "kecamatan_id", "desa_id", "is_active", "size_class", "is_ready", "lng", "lat", "workers",
                "turnover", "registered_on", "months"],
        constants={"score_sum": Decimal(0), "komoditas": {}},
    ))


def _facts_for(ids: list[int], classes: list[RatingClass], bits: dict) -> list[UMKMFact]:
    umkm_rows = UMKM.objects.filter(pk__any_of=ids).values(
        "pk", "desa_id", "desa__kecamatan_id", "is_active", "is_demo", "capital", "annual_turnover", "workers", "nib",
        "created_at", "updated_at", "location",
    )
    products = defaultdict(list)
    for row in Product.objects.filter(umkm_id__any_of=ids).values(
        "pk", "umkm_id", "is_active", "sector_id", "sector__code", "market_reach", "komoditas_id",
        "local_material_pct", "updated_at",
    ):
        products[row["umkm_id"]].append(row)
    permits = defaultdict(list)
    for row in Permit.objects.filter(umkm_id__any_of=ids).values("umkm_id", "product_id", "kind", "valid_until"):
        permits[row.pop("umkm_id")].append(PermitFact(**row))
    scores = dict(
        Assessment.objects.latest_verified_per_product()
        .filter(product__umkm_id__any_of=ids).values_list("product_id", "weighted_score")
    )
    opened = defaultdict(list)
    for umkm_id, created_at in Assessment.objects.filter(product__umkm_id__any_of=ids).values_list(
            "product__umkm_id", "created_at"):
        opened[umkm_id].append(created_at)
    top_class = classes[0] if classes else None

    facts = []
    for row in umkm_rows:
        size_class = size_class_for(row["capital"], row["annual_turnover"])
        fact = UMKMFact(
            umkm_id=row["pk"], kecamatan_id=row["desa__kecamatan_id"], desa_id=row["desa_id"],
            is_active=row["is_active"], size_class=size_class, is_ready=bool(row["nib"]),
            registered_on=timezone.localdate(row["created_at"]), score_sum=Decimal(0),
            is_demo=row["is_demo"], workers=row["workers"] or 0, turnover=row["annual_turnover"] or 0, komoditas={},
        )
        if row["location"]:
            fact.lng, fact.lat = row["location"]["coordinates"][:2]
        months = MonthsOfOne()
        months.registered(row["created_at"])
        if not row["is_demo"]:
            months.surveyed(row["updated_at"])
        for created_at in opened[row["pk"]]:
            months.assessed(created_at)
        for product in products[row["pk"]]:
            if not row["is_demo"]:
                months.surveyed(product["updated_at"])
            if not product["is_active"]:
                continue
            fact.product_count += 1
            fact.sector_mask |= bits["sector"].get(product["sector_id"], 0)
            reach = MARKET_REACH_BITS[product["market_reach"]]
            fact.reach_mask |= reach
            if product["komoditas_id"] is not None:
                entry = fact.komoditas.setdefault(str(product["komoditas_id"]), [0, 0, 0])
                entry[0] |= reach
                if product["local_material_pct"] is not None:
                    entry[1] += product["local_material_pct"]
                    entry[2] += 1
            items = readiness_items(
                sector_kode=product["sector__code"], has_nib=bool(row["nib"]), size_class=size_class,
                product_id=product["pk"], permits=permits[row["pk"]],
            )
            fact.is_ready = fact.is_ready and not any(item.blocks for item in items)
            score = scores.get(product["pk"])
            if score is not None:
                fact.score_sum += score
                fact.score_count += 1
                rating_class = RatingClass.of_score(score, classes)
                if rating_class is not None:
                    fact.class_mask |= bits["class"].get(rating_class.pk, 0)
                    fact.flagship_count += rating_class == top_class
        fact.months = months.as_json()
        facts.append(fact)
    return facts
