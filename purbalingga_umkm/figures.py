"""The figures cache: computed dashboard results, kept until a write changes them.

Results are cached under a stamp (FiguresStamp) that figures_changed() bumps once the
write's transaction has committed. Bumping after the commit, not inside the
transaction, means writers never queue on the stamp row: a long import and a survey
save run side by side. Readers between a write and its commit compute from the old
data under the old stamp; the bump after the commit moves everyone to a new key, so
nobody reads stale figures after a write is visible.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from purbalingga_umkm.models import FiguresStamp

CACHE_SECONDS = 15 * 60  # a safety net only: every write changes the stamp, and so the key


def figures_stamp() -> int:
    return FiguresStamp.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def figures_cached(name: str, compute):
    """`compute()`, cached until the next committed write that changes figures."""
    key = f"figures:{figures_stamp()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def _bump() -> None:
    if not FiguresStamp.objects.filter(pk=1).update(version=F("version") + 1):
        FiguresStamp.objects.get_or_create(pk=1, defaults={"version": 1})


def after_commit(function) -> None:
    """Run `function` once the current transaction commits (at once outside one)."""
    transaction.on_commit(function)


def figures_changed() -> None:
    """Every cached figure is outdated once the current transaction commits.

    Called by mapping's facts_changed(), the one entry point of writes that change
    figures; other apps call that, not this.
    """
    after_commit(_bump)
