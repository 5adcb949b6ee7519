"""Keeps the dashboard figures (UMKMFact) in step with the registry.

Set-based: a refresh of N UMKM reads their products, permits and latest verified
assessments in a fixed number of queries per chunk, computes in Python and writes
with one insert per chunk (mapping/bulk.py). Called after every write that changes a UMKM's figures (services
and the admin) and by `manage.py rebuild_stats` after bulk loads.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mapping import bulk
from mapping.models import (
    MARKET_REACH_BITS, DashboardStamp, UMKM, Assessment, Permit, Product, RatingClass, Sector, UMKMFact, reference_bits,
    size_class_for,
)
from mapping.readiness import PermitFact, readiness_items

CHUNK = 5000


def stats_touch() -> None:
    """Mark every cached dashboard result as outdated (call inside the write's transaction)."""
    if not DashboardStamp.objects.filter(pk=1).update(version=F("version") + 1):
        DashboardStamp.objects.get_or_create(pk=1, defaults={"version": 1})


def stats_stamp() -> int:
    return DashboardStamp.objects.filter(pk=1).values_list("version", flat=True).first() or 0


CACHE_SECONDS = 15 * 60  # a safety net only: every write changes the stamp, and so the key


def stats_cached(name: str, compute):
    """`compute()`, cached until the next write that changes dashboard figures."""
    key = f"stats:{stats_stamp()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


@transaction.atomic
def stats_refresh(*, umkm_ids=None) -> int:
    """Recompute the facts of the given UMKM (all UMKM when None); returns how many."""
    stats_touch()
    if umkm_ids is None:
        UMKMFact.objects.all().delete()
        ids = list(UMKM.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(umkm_ids))
        for chunk in bulk.in_chunks(ids):
            UMKMFact.objects.filter(umkm_id__any_of=chunk).delete()
    classes = sorted(RatingClass.objects.all(), key=lambda c: c.min_score, reverse=True)
    bits = {"sector": reference_bits(Sector), "class": reference_bits(RatingClass)}
    written = 0
    for start in range(0, len(ids), CHUNK):
        facts = _facts_for(ids[start:start + CHUNK], classes, bits)
        bulk.rows_insert(UMKMFact, facts)
        written += len(facts)
    return written


def stats_add_new(*, umkm) -> int:
    """Facts of UMKM created just now, from their own values (no reading them back).

    A new UMKM has no products, permits or assessments yet, so its facts follow from
    its row alone: the same result stats_refresh() computes (a test holds them equal).
    `umkm` yields (id, kecamatan id, desa id, is_active, nib, capital, annual turnover,
    location) tuples. Returns how many were written.
    """
    stats_touch()

    def facts():
        for pk, kecamatan_id, desa_id, is_active, nib, capital, turnover, location in umkm:
            lng, lat = location["coordinates"][:2] if location else (None, None)
            yield (pk, kecamatan_id, desa_id, is_active, size_class_for(capital, turnover), bool(nib), lng, lat)

    return len(bulk.rows_insert(
        UMKMFact, facts(),
        fields=["umkm_id", "kecamatan_id", "desa_id", "is_active", "size_class", "is_ready", "lng", "lat"],
        constants={"registered_on": timezone.localdate(), "score_sum": Decimal(0)},
    ))


def _facts_for(ids: list[int], classes: list[RatingClass], bits: dict) -> list[UMKMFact]:
    umkm_rows = UMKM.objects.filter(pk__any_of=ids).values(
        "pk", "desa_id", "desa__kecamatan_id", "is_active", "capital", "annual_turnover", "nib", "created_at",
        "location",
    )
    products = defaultdict(list)
    for row in Product.objects.filter(umkm_id__any_of=ids, is_active=True).values(
        "pk", "umkm_id", "sector_id", "sector__kode", "market_reach"
    ):
        products[row["umkm_id"]].append(row)
    permits = defaultdict(list)
    for row in Permit.objects.filter(umkm_id__any_of=ids).values("umkm_id", "product_id", "kind", "valid_until"):
        permits[row.pop("umkm_id")].append(PermitFact(**row))
    scores = dict(
        Assessment.objects.latest_verified_per_product()
        .filter(product__umkm_id__any_of=ids).values_list("product_id", "weighted_score")
    )
    top_class = classes[0] if classes else None

    facts = []
    for row in umkm_rows:
        size_class = size_class_for(row["capital"], row["annual_turnover"])
        fact = UMKMFact(
            umkm_id=row["pk"], kecamatan_id=row["desa__kecamatan_id"], desa_id=row["desa_id"],
            is_active=row["is_active"], size_class=size_class, is_ready=bool(row["nib"]),
            registered_on=timezone.localdate(row["created_at"]), score_sum=Decimal(0),
        )
        if row["location"]:
            fact.lng, fact.lat = row["location"]["coordinates"][:2]
        for product in products[row["pk"]]:
            fact.product_count += 1
            fact.sector_mask |= bits["sector"][product["sector_id"]]
            fact.reach_mask |= MARKET_REACH_BITS[product["market_reach"]]
            items = readiness_items(
                sector_kode=product["sector__kode"], has_nib=bool(row["nib"]), size_class=size_class,
                product_id=product["pk"], permits=permits[row["pk"]],
            )
            fact.is_ready = fact.is_ready and not any(item.blocks for item in items)
            score = scores.get(product["pk"])
            if score is not None:
                fact.score_sum += score
                fact.score_count += 1
                rating_class = next((c for c in classes if score >= c.min_score), None)
                if rating_class is not None:
                    fact.class_mask |= bits["class"][rating_class.pk]
                    fact.flagship_count += rating_class == top_class
        facts.append(fact)
    return facts
