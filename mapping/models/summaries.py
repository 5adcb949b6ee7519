"""Per-desa summaries of the registry: what dashboards, rankings and the LQ read instead of
scanning UMKM, products or assessments.

Each table holds rows of one desa, rewritten whole by mapping.services.summaries when a
write touches that desa (facts_changed() is the one path). A dashboard of the regency adds
up 239 desa's rows, whatever the number of UMKM. `rebuild_stats` rewrites every row, and a
test holds the rows a sequence of writes leaves equal to a rebuild.

No database constraints on the area columns: they copy the UMKM's own, already constrained.
"""

from django.db import models

from mapping.models.geography import Desa, Kecamatan
from mapping.models.registry import Product, Sector, SizeClass


def _area(model_name: str):
    return models.ForeignKey(model_name, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)


class FigureSums(models.Model):
    """What the dashboards add up for the active UMKM (their facts, UMKMFact) of one desa with
    one size class and legal readiness: all of them (sector_bit -1) or those with an active
    product of one sector (its fact bit)."""

    desa = _area(Desa)
    kecamatan = _area(Kecamatan)
    size_class = models.CharField(max_length=10, choices=SizeClass.choices)
    is_ready = models.BooleanField()
    sector_bit = models.SmallIntegerField()
    umkm = models.IntegerField(default=0)
    with_products = models.IntegerField(default=0)  # of which hold at least one active product
    products = models.IntegerField(default=0)
    flagship = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    score_count = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DesaFigures(FigureSums):
    """The figures of every UMKM of a desa, whatever their market reach and class."""

    ALL_SECTORS = -1

    class Meta:
        indexes = [models.Index(fields=["desa"]), models.Index(fields=["kecamatan", "sector_bit"])]


class DesaFilteredFigures(FigureSums):
    """DesaFigures under a market reach or potential class filter: the same sums per desa ×
    size class × readiness × all or one sector × all or one market reach (its bit in the
    facts' reach mask) × all or one potential class (its fact bit) — never all reaches and
    all classes at once, which is DesaFigures. A UMKM counts under each sector, reach and
    class its active products have."""

    ALL = -1

    reach_bit = models.SmallIntegerField()
    class_bit = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["desa"]), models.Index(fields=["kecamatan", "reach_bit", "class_bit", "sector_bit"])]


class DesaSectorPair(models.Model):
    """The sector mix of a dashboard filtered on one sector: how many active UMKM with
    products, of one desa, size class and readiness, hold a product of one sector
    (sector_bit) and one of another (other_bit; the same bit twice: of that sector at all)."""

    desa = _area(Desa)
    kecamatan = _area(Kecamatan)
    size_class = models.CharField(max_length=10, choices=SizeClass.choices)
    is_ready = models.BooleanField()
    sector_bit = models.SmallIntegerField()
    other_bit = models.SmallIntegerField()
    with_products = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["desa"]), models.Index(fields=["kecamatan", "sector_bit"])]


class DesaSummary(models.Model):
    """One desa's LQ base (active UMKM with an active product: how many, their workers and
    turnover) and how many of its UMKM are generated demo rows."""

    desa = models.OneToOneField(Desa, on_delete=models.DO_NOTHING, primary_key=True, related_name="+",
                                db_constraint=False)
    kecamatan = _area(Kecamatan)
    lq_umkm = models.IntegerField(default=0)
    lq_workers = models.BigIntegerField(default=0)
    lq_turnover = models.BigIntegerField(default=0)
    demo_umkm = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kecamatan"])]


class DesaMonth(models.Model):
    """One desa in one month: UMKM registered, assessments opened, and the last moment a
    UMKM or product was recorded (not generated demo rows) or a product assessed ("disurvei")."""

    desa = _area(Desa)
    kecamatan = _area(Kecamatan)
    month = models.DateField()
    registrations = models.IntegerField(default=0)
    assessments = models.IntegerField(default=0)
    last_survey_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desa", "month"], name="desa_month_once")]
        indexes = [models.Index(fields=["month"]), models.Index(fields=["kecamatan", "month"])]


class KomoditasSummary(models.Model):
    """One commodity in one desa: its producers (active UMKM with an active product of it)
    and what they add up to — the inputs of the commodity measures and LQ."""

    desa = _area(Desa)
    kecamatan = _area(Kecamatan)
    komoditas = models.ForeignKey("mapping.Komoditas", on_delete=models.DO_NOTHING, related_name="+",
                                  db_constraint=False)
    producers = models.IntegerField(default=0)
    workers = models.BigIntegerField(default=0)
    turnover = models.BigIntegerField(default=0)
    ready = models.IntegerField(default=0)
    outside_province = models.IntegerField(default=0)
    export = models.IntegerField(default=0)
    material_sum = models.BigIntegerField(default=0)  # local_material_pct over the products that record it
    material_count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["desa"]), models.Index(fields=["kecamatan", "komoditas"]),
                   models.Index(fields=["komoditas"])]


class ProductStanding(models.Model):
    """An active product with a current verified assessment, where the rankings read it:
    score, MPE and name in the one ranking order, its area and the dashboard filters."""

    product = models.OneToOneField(Product, on_delete=models.DO_NOTHING, primary_key=True, related_name="+",
                                   db_constraint=False)
    assessment = models.ForeignKey("mapping.Assessment", on_delete=models.DO_NOTHING, related_name="+",
                                   db_constraint=False)
    umkm = models.ForeignKey("mapping.UMKM", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    desa = _area(Desa)
    kecamatan = _area(Kecamatan)
    sector = models.ForeignKey(Sector, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    market_reach = models.CharField(max_length=20)
    size_class = models.CharField(max_length=10)
    is_ready = models.BooleanField()
    name = models.CharField(max_length=150)
    weighted_score = models.DecimalField(max_digits=5, decimal_places=2)
    mpe_total = models.FloatField(null=True)  # written 0 when the assessment has none: the ranking's order

    class Meta:
        indexes = [
            models.Index(fields=["umkm"]),
            models.Index(models.F("weighted_score").desc(), models.F("mpe_total").desc(), "name", "product",
                         name="standing_ranking"),
            models.Index("kecamatan", models.F("weighted_score").desc(), models.F("mpe_total").desc(), "name",
                         "product", name="standing_kecamatan_ranking"),
            models.Index("desa", models.F("weighted_score").desc(), name="standing_desa_ranking"),
        ]
