"""The figures cache: computed dashboard results, kept until a write changes them.

Results are cached under stamps (FiguresStamp, AreaStamp) that figures_changed() bumps once the
write's transaction has committed. Bumping after the commit, not inside the
transaction, means writers never queue on the stamp rows: a long import and a survey
save run side by side. Readers between a write and its commit compute from the old
data under the old stamp; the bump after the commit moves everyone to a new key, so
nobody reads stale figures after a write is visible.

Stamps go by area. A figure of the whole regency is keyed by the "kabupaten" stamp, which
every write bumps. A figure of one kecamatan (or of one of its desa) is keyed by that
kecamatan's stamp and the "semua" stamp: a write in Bojongsari leaves Kalimanah's cached
pages valid; a write whose area is not known (a rubric, a sector list) bumps "semua".
"""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from purbalingga_umkm.models import AreaStamp, FiguresStamp

CACHE_SECONDS = 15 * 60  # a safety net only: every write changes the stamp, and so the key
EVERYWHERE = "semua"


def kecamatan_area(kecamatan_id) -> str:
    return f"kecamatan:{kecamatan_id}"


def _stamps(*areas) -> dict[str, int]:
    return dict(AreaStamp.objects.filter(area__in=areas).values_list("area", "version"))


def figures_stamp() -> int:
    """The stamp the regency's figures are cached under."""
    return FiguresStamp.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _key_stamp(kecamatan_id) -> str:
    if kecamatan_id is None:
        return str(figures_stamp())
    return _kecamatan_stamp(_stamps(EVERYWHERE, kecamatan_area(kecamatan_id)), kecamatan_id)


def _kecamatan_stamp(stamps: dict, kecamatan_id) -> str:
    """What a kecamatan's figures are keyed by: the "semua" stamp and the kecamatan's own."""
    return f"{stamps.get(EVERYWHERE, 0)}.{kecamatan_id}.{stamps.get(kecamatan_area(kecamatan_id), 0)}"


def _key(name: str, stamp: str) -> str:
    # The release in every key: a figure computed (and pickled in its own shape) by one
    # version of the code is never read by another, even from a shared cache while the
    # workers of both run side by side during an upgrade.
    return f"figures:{settings.RELEASE[:12]}:{stamp}:{name}"


def figures_cached(name: str, compute, *, kecamatan_id=None):
    """`compute()`, cached until the next committed write that changes figures — of the
    whole regency, or with `kecamatan_id`, of that kecamatan (a write elsewhere keeps it)."""
    key = _key(name, _key_stamp(kecamatan_id))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def figures_cached_per_kecamatan(name: str, kecamatan_ids, compute) -> dict:
    """{kecamatan id: its part of a regency figure}, each part kept with its kecamatan's
    stamp: after a write in one kecamatan only that part is computed again. `compute(ids)`
    returns the parts of the kecamatan not found, {id: part} (a missing id: None). The
    parts live in one cache entry per figure: one read of the stamps, one of the cache and,
    after a write, one cache write, whatever the number of kecamatan."""
    stamps = _stamps(EVERYWHERE, *(kecamatan_area(k) for k in kecamatan_ids))
    wanted = {k: _kecamatan_stamp(stamps, k) for k in kecamatan_ids}
    key = _key(name, "per-kecamatan")
    kept = cache.get(key) or {}
    parts = {k: kept[k][1] for k, stamp in wanted.items() if k in kept and kept[k][0] == stamp}
    missing = [k for k in kecamatan_ids if k not in parts]
    if missing:
        computed = compute(missing)
        parts.update({k: computed.get(k) for k in missing})
        kept.update({k: (wanted[k], parts[k]) for k in missing})
        cache.set(key, kept, timeout=CACHE_SECONDS)
    return parts


def _bump(areas) -> None:
    if not FiguresStamp.objects.filter(pk=1).update(version=F("version") + 1):
        FiguresStamp.objects.get_or_create(pk=1, defaults={"version": 1})
    bumped = AreaStamp.objects.filter(area__in=areas).update(version=F("version") + 1)
    if bumped < len(areas):
        have = set(AreaStamp.objects.filter(area__in=areas).values_list("area", flat=True))
        for area in set(areas) - have:
            try:
                with transaction.atomic():
                    AreaStamp.objects.create(area=area, version=1)
            except IntegrityError:  # made meanwhile by another writer: bump that one
                AreaStamp.objects.filter(area=area).update(version=F("version") + 1)


def after_commit(function) -> None:
    """Run `function` once the current transaction commits (at once outside one)."""
    transaction.on_commit(function)


def figures_changed(kecamatan_ids=None) -> None:
    """The cached figures of the regency, and of `kecamatan_ids` (of every kecamatan when
    None: the write's area is not known), are outdated once the current transaction commits.

    Called by mapping's facts_changed(), the one entry point of writes that change
    figures; other apps call that, not this.
    """
    areas = ([EVERYWHERE] if kecamatan_ids is None
             else sorted({kecamatan_area(k) for k in kecamatan_ids if k is not None}))
    after_commit(lambda: _bump(areas))
