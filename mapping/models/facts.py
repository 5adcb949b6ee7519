"""Dashboard figures: one denormalised row per UMKM, kept true by facts_changed()."""

from django.db import models

from mapping.models.geography import Desa, Kecamatan
from mapping.models.registry import UMKM, Product, SizeClass
from purbalingga_umkm.scope import ScopedQuerySet


def bit(position: int) -> int:
    """The flag at `position` in a 63-bit mask."""
    if not 0 <= position < 63:
        raise ValueError("Masks hold at most 63 sectors or rating classes.")
    return 1 << position


def fact_mask(obj) -> int:
    """The flag of a sector or rating class in the facts' masks (0 before it has one:
    then no fact carries it either)."""
    return 0 if obj.fact_bit is None else bit(obj.fact_bit)


class FactBitCounter(models.Model):
    """How many fact bits a model (sector, ratingclass) has ever handed out: a bit is
    never given twice, even after its row is deleted."""

    name = models.CharField(max_length=40, primary_key=True)
    used = models.PositiveSmallIntegerField(default=0)


MARKET_REACH_BITS = {value: bit(index) for index, value in enumerate(Product.MarketReach.values)}


class UMKMFactQuerySet(ScopedQuerySet):
    kecamatan_path = "kecamatan"

    def active(self):
        return self.filter(is_active=True)


class UMKMFact(models.Model):
    """One UMKM's figures, denormalised for dashboards at 100,000 UMKM.

    Rebuilt by mapping.facts_changed(everything=True) whenever the UMKM, its products, permits or
    assessments change, so a dashboard never reads stale figures after a write.
    Masks hold one flag per sector, market reach and rating class of the UMKM's active
    products (see reference_bits).
    """

    umkm = models.OneToOneField(UMKM, on_delete=models.CASCADE, primary_key=True, related_name="fact")
    # Copies of the UMKM's own (constrained) desa and kecamatan: no database constraint of
    # their own, which would only repeat the UMKM's check for every fact a bulk import writes.
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    is_active = models.BooleanField()
    size_class = models.CharField(max_length=10, choices=SizeClass.choices)
    is_ready = models.BooleanField(help_text="NIB held and every active product legally ready.")
    sector_mask = models.BigIntegerField(default=0)
    reach_mask = models.IntegerField(default=0)
    class_mask = models.BigIntegerField(default=0)
    product_count = models.IntegerField(default=0)
    flagship_count = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    score_count = models.IntegerField(default=0)
    registered_on = models.DateField()
    # The UMKM's location as plain numbers, so map endpoints can select a viewport.
    lng = models.FloatField(null=True)
    lat = models.FloatField(null=True)
    # What the UMKM adds to the per-desa summaries beyond the figures above, so that a save
    # changes the summary rows by the difference of its fact before and after
    # (mapping.services.summaries.summaries_apply) instead of recounting its desa:
    is_demo = models.BooleanField(default=False)
    workers = models.IntegerField(default=0)
    turnover = models.BigIntegerField(default=0)
    # {komoditas id: [market reach mask, local material % sum, products recording it]} of its
    # active products.
    komoditas = models.JSONField(default=dict)
    # {first day of a month: [registered, assessments opened, last survey (ISO time) or None]}
    # of the UMKM, its products and their assessments. None: not computed (facts written by
    # an import or before this field existed): its desa is recounted on the next save.
    months = models.JSONField(null=True, default=None)

    objects = UMKMFactQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kecamatan", "is_active"]),
            models.Index(fields=["desa", "is_active"]),
            models.Index(fields=["lat", "lng"]),
        ]
