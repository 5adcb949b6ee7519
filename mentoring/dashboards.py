"""Reads for the district dashboards: figures per kecamatan from UMKMFact, with filters.

Lives in mentoring because the dashboards combine the registry (mapping) with visits.
Every read is scoped with visible_to(user) and runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping.models import (
    GEOMETRY_OF_DESA_AND_KECAMATAN, MARKET_REACH_BITS, Assessment, Desa, Kecamatan, Product,
    DesaFigures, DesaFilteredFigures, DesaMonth, DesaSectorPair, ProductStanding, RatingClass, Sector, SizeClass, UMKMFact, fact_mask,
)
from mapping.rating import location_quotient
from mapping.selectors import NO_BIT, STANDING_RANKING, flagship_ranking
from purbalingga_umkm.figures import figures_cached, figures_cached_per_kecamatan
from purbalingga_umkm.params import id_param
from purbalingga_umkm.queries import first_rows_per_group
from purbalingga_umkm.roles import sees_everything
from purbalingga_umkm.scope import scope_key
from spreadsheets import bulk
from mentoring.models import Assignment, DesaVisitMonth, Visit
from mentoring.selectors import COVERAGE_DAYS, recent_coverage

METRICS = ("umkm", "flagship", "avg_score", "ready_share", "visited_share", "surveyed_share")


@dataclass(frozen=True)
class DashboardFilters:
    """Filters shared by every dashboard level; kept in the URL so views can be shared."""

    sector: Sector | None = None
    size_class: str = ""
    ready: bool | None = None
    market_reach: str = ""
    rating_class: RatingClass | None = None

    @classmethod
    def from_query(cls, params) -> "DashboardFilters":
        """Unknown values are ignored, never an error: a shared link keeps working."""
        ready = {"ya": True, "tidak": False}.get(params.get("siap", ""))
        return cls(
            sector=Sector.objects.filter(code=params.get("sektor", "")).first() if params.get("sektor") else None,
            size_class=params.get("skala", "") if params.get("skala") in SizeClass.values else "",
            ready=ready,
            market_reach=params.get("pasar", "") if params.get("pasar") in MARKET_REACH_BITS else "",
            rating_class=RatingClass.objects.filter(pk=id_param(params, "kelas")).first() if id_param(params, "kelas") else None,
        )

    def describe(self) -> list[str]:
        """The filters in words, for a printed page or an export's title ("Sektor: Kerajinan")."""
        words = []
        if self.sector:
            words.append(_("Sektor: %(v)s") % {"v": self.sector.name})
        if self.size_class:
            words.append(_("Skala: %(v)s") % {"v": SizeClass(self.size_class).label})
        if self.ready is not None:
            words.append(_("Kesiapan legal: %(v)s") % {"v": _("lengkap") if self.ready else _("belum lengkap")})
        if self.market_reach:
            from mapping.models import Product

            words.append(_("Jangkauan pasar: %(v)s") % {"v": Product.MarketReach(self.market_reach).label})
        if self.rating_class:
            words.append(_("Kelas potensi: %(v)s") % {"v": self.rating_class.name})
        return words

    def cache_key(self) -> str:
        return "|".join(str(v) for v in (
            self.sector.pk if self.sector else "", self.size_class, self.ready, self.market_reach,
            self.rating_class.pk if self.rating_class else "",
        ))

    def facts(self, user) -> QuerySet[UMKMFact]:
        facts = UMKMFact.objects.visible_to(user).active()
        if self.sector:
            facts = facts.alias(sector_hit=F("sector_mask").bitand(fact_mask(self.sector))).filter(sector_hit__gt=0)
        if self.market_reach:
            facts = facts.alias(reach_hit=F("reach_mask").bitand(MARKET_REACH_BITS[self.market_reach])).filter(reach_hit__gt=0)
        if self.rating_class:
            facts = facts.alias(class_hit=F("class_mask").bitand(fact_mask(self.rating_class))).filter(class_hit__gt=0)
        if self.size_class:
            facts = facts.filter(size_class=self.size_class)
        if self.ready is not None:
            facts = facts.filter(is_ready=self.ready)
        return facts

    def _bits(self) -> tuple[int, int, int]:
        """(sector, market reach, potential class) bits of the summary rows these filters read."""
        ALL = DesaFigures.ALL_SECTORS

        def bit_of(obj):
            return ALL if obj is None else obj.fact_bit if obj.fact_bit is not None else NO_BIT
        reach = MARKET_REACH_BITS[self.market_reach].bit_length() - 1 if self.market_reach else ALL
        return bit_of(self.sector), reach, bit_of(self.rating_class)

    def _summary_rows(self, *, kecamatan_ids):
        """The per-desa rows under the size class and readiness filters, of the table that
        holds this market reach and potential class: (rows, sector bit)."""
        sector_bit, reach_bit, class_bit = self._bits()
        if reach_bit == class_bit == DesaFigures.ALL_SECTORS:
            rows = DesaFigures.objects.filter(kecamatan_id__in=kecamatan_ids)
        else:
            rows = DesaFilteredFigures.objects.filter(kecamatan_id__in=kecamatan_ids, reach_bit=reach_bit,
                                                      class_bit=class_bit)
        if self.size_class:
            rows = rows.filter(size_class=self.size_class)
        if self.ready is not None:
            rows = rows.filter(is_ready=self.ready)
        return rows, sector_bit

    def figures_rows(self, *, kecamatan_ids):
        rows, sector_bit = self._summary_rows(kecamatan_ids=kecamatan_ids)
        return rows.filter(sector_bit=sector_bit)

    def totals(self, user, *, kecamatan_ids, by: str):
        """The sums behind KecamatanFigures per kecamatan or desa (`by`: "kecamatan_id" or
        "desa_id"), as dicts with "area"; from the per-desa figures, which hold every
        combination of size class, readiness, one sector, one market reach and one class."""
        return self.figures_rows(kecamatan_ids=kecamatan_ids).values(area=F(by)).annotate(
            ready=Sum("umkm", filter=Q(is_ready=True)), umkm=Sum("umkm"), products=Sum("products"),
            flagship=Sum("flagship"), score_sum=Sum("score_sum"), score_count=Sum("score_count")).order_by()

    def sector_counts(self, sectors, *, kecamatan_ids, user) -> dict[int, dict]:
        """Per kecamatan: UMKM with products ("total") and with a product of each sector
        ("s<pk>"), under the filters: from the per-desa figures; under a sector filter from
        the sector pairs (UMKM with a product of that sector and one of another), or, with
        a market reach or class filter too, from the facts."""
        pk_of = {s.fact_bit: s.pk for s in sectors if s.fact_bit is not None}
        sector_bit, reach_bit, class_bit = self._bits()
        ALL = DesaFigures.ALL_SECTORS
        if self.sector is None:
            rows, _sector_bit = self._summary_rows(kecamatan_ids=kecamatan_ids)
            total_bit, column = ALL, "sector_bit"
        elif reach_bit == class_bit == ALL:
            rows = DesaSectorPair.objects.filter(kecamatan_id__in=kecamatan_ids, sector_bit=sector_bit)
            if self.size_class:
                rows = rows.filter(size_class=self.size_class)
            if self.ready is not None:
                rows = rows.filter(is_ready=self.ready)
            total_bit, column = sector_bit, "other_bit"
        else:  # a sector with a market reach or class: only the facts know
            return self._sector_counts_of_facts(sectors, kecamatan_ids=kecamatan_ids, user=user)
        counts: dict[int, dict] = {}
        for kecamatan_id, bit, n in (rows.values("kecamatan_id", column).annotate(n=Sum("with_products"))
                                     .values_list("kecamatan_id", column, "n").order_by()):
            row = counts.setdefault(kecamatan_id, {"total": 0, **{f"s{s.pk}": 0 for s in sectors}})
            if bit == total_bit:
                row["total"] = n
            if bit in pk_of and bit != ALL:
                row[f"s{pk_of[bit]}"] = n
        return counts

    def _sector_counts_of_facts(self, sectors, *, kecamatan_ids, user) -> dict[int, dict]:
        counts = {f"s{s.pk}": Count("pk", filter=Q(**{f"hit_{s.pk}__gt": 0})) for s in sectors}
        annotated = self.facts(user).filter(product_count__gt=0, kecamatan_id__in=kecamatan_ids).alias(
            **{f"hit_{s.pk}": F("sector_mask").bitand(fact_mask(s)) for s in sectors}
        ).values("kecamatan_id").annotate(total=Count("pk"), **counts).order_by()
        return {row.pop("kecamatan_id"): row for row in annotated}

    def products(self, queryset: QuerySet, *, to_product: str = "", score: str = "weighted_score") -> QuerySet:
        """Narrow products (or rows reaching a product through `to_product`, e.g.
        "product__" for assessments) by the filters; `score` names the 0–100 score."""
        lookups = {}
        if self.sector:
            lookups[f"{to_product}sector"] = self.sector
        if self.market_reach:
            lookups[f"{to_product}market_reach"] = self.market_reach
        if self.size_class:
            lookups[f"{to_product}umkm__fact__size_class"] = self.size_class
        if self.ready is not None:
            lookups[f"{to_product}umkm__fact__is_ready"] = self.ready
        if self.rating_class:
            low, high = self.score_range()
            lookups[f"{score}__gte"] = low
            if high is not None:
                lookups[f"{score}__lt"] = high
        return queryset.filter(**lookups)

    def score_range(self):
        """The 0–100 scores of the chosen rating class: [its minimum, the next class's minimum)."""
        higher = RatingClass.objects.filter(min_score__gt=self.rating_class.min_score).order_by("min_score").first()
        return self.rating_class.min_score, higher.min_score if higher else None


@dataclass
class KecamatanFigures:
    code: str
    name: str
    umkm: int = 0
    products: int = 0
    flagship: int = 0
    score_sum: Decimal = Decimal(0)
    score_count: int = 0
    ready: int = 0
    desa_total: int = 0
    desa_visited: int = 0  # a visit logged in the last COVERAGE_DAYS days
    desa_surveyed: int = 0  # a UMKM, product or assessment recorded in the same window
    sectors: dict = field(default_factory=dict)  # sector kode -> (UMKM count, LQ or None)

    @property
    def avg_score(self) -> Decimal | None:
        return (self.score_sum / self.score_count).quantize(Decimal("0.01")) if self.score_count else None

    @property
    def ready_share(self) -> Decimal | None:
        return (Decimal(self.ready) * 100 / self.umkm).quantize(Decimal("0.1")) if self.umkm else None

    @property
    def visited_share(self) -> Decimal | None:
        return _share(self.desa_visited, self.desa_total)

    @property
    def surveyed_share(self) -> Decimal | None:
        return _share(self.desa_surveyed, self.desa_total)

    def metric(self, name: str):
        return getattr(self, name)


def _share(part: int, total: int) -> Decimal | None:
    return (Decimal(part) * 100 / total).quantize(Decimal("0.1")) if total else None


def kecamatan_figures(*, user, filters: DashboardFilters) -> list[KecamatanFigures]:
    """Per kecamatan in the user's scope: UMKM, products, flagships, average score,
    legal readiness, desa coverage and sector mix with LQ; five queries."""
    rows = {
        k.pk: KecamatanFigures(k.code, k.name)
        for k in Kecamatan.objects.visible_to(user).only("code", "name").order_by("code")
    }
    _add_totals(rows, filters.totals(user, kecamatan_ids=list(rows), by="kecamatan_id"))

    coverage = recent_coverage()
    for desa_id, kecamatan_id in Desa.objects.filter(kecamatan_id__in=rows).values_list("pk", "kecamatan_id"):
        rows[kecamatan_id].desa_total += 1
        rows[kecamatan_id].desa_visited += desa_id in coverage.visited
        rows[kecamatan_id].desa_surveyed += desa_id in coverage.surveyed

    _add_sector_mix(rows, filters, user)
    return list(rows.values())


def _add_totals(rows: dict, totals) -> None:
    for row in totals:
        figures = rows.get(row.pop("area"))
        if figures is not None:
            for name, value in row.items():
                setattr(figures, name, value or 0)


def _add_sector_mix(rows: dict, filters: "DashboardFilters", user) -> None:
    sectors = list(Sector.objects.all())
    per_kecamatan = filters.sector_counts(sectors, kecamatan_ids=list(rows), user=user)
    regency_total = sum(row["total"] for row in per_kecamatan.values())
    for sector in sectors:
        in_regency = sum(row[f"s{sector.pk}"] for row in per_kecamatan.values())
        for kecamatan_id, figures in rows.items():
            row = per_kecamatan.get(kecamatan_id)
            here = row[f"s{sector.pk}"] if row else 0
            lq = location_quotient(
                sector_in_kecamatan=here, kecamatan_total=row["total"] if row else 0,
                sector_in_kabupaten=in_regency, kabupaten_total=regency_total,
            )
            figures.sectors[sector.code] = (here, lq)


@dataclass
class Headline:
    umkm: int
    products: int
    flagship: int
    desa_visited: int
    desa_surveyed: int
    desa_total: int
    visits_this_month: int
    awaiting_verification: int


def headline(*, user, figures: list[KecamatanFigures]) -> Headline:
    today = timezone.localdate()
    return Headline(
        umkm=sum(f.umkm for f in figures),
        products=sum(f.products for f in figures),
        flagship=sum(f.flagship for f in figures),
        desa_visited=sum(f.desa_visited for f in figures),
        desa_surveyed=sum(f.desa_surveyed for f in figures),
        desa_total=sum(f.desa_total for f in figures),
        visits_this_month=Visit.objects.visible_to(user).filter(date__gte=today.replace(day=1)).count(),
        awaiting_verification=Assessment.objects.visible_to(user).filter(status=Assessment.Status.SUBMITTED).count(),
    )


def top_flagships(*, user, filters: DashboardFilters, per_kecamatan: int = 3) -> dict[str, list[Assessment]]:
    """The best products of each kecamatan by their latest verified assessment, in the one
    ranking order (ASSESSMENT_RANKING), as {kecamatan kode: [assessment, ...]}. Each
    kecamatan's are kept under its own stamp: after a write in one kecamatan only its
    winners are read again."""
    kecamatan = dict(Kecamatan.objects.visible_to(user).order_by("code").values_list("pk", "code"))
    parts = figures_cached_per_kecamatan(
        f"flagships:{filters.cache_key()}:{per_kecamatan}", list(kecamatan),
        lambda ids: _flagships_of(ids, filters=filters, per_kecamatan=per_kecamatan))
    return {code: parts[pk] for pk, code in kecamatan.items() if parts[pk]}


def _flagships_of(kecamatan_ids, *, filters: DashboardFilters, per_kecamatan: int) -> dict[int, list[Assessment]]:
    """{kecamatan id: its best assessments} read from the product standings (ProductStanding),
    then the winners in full: two queries."""
    standings = ProductStanding.objects.filter(kecamatan_id__in=kecamatan_ids, sector__eligible_unggulan=True)
    if filters.sector:
        standings = standings.filter(sector=filters.sector)
    if filters.market_reach:
        standings = standings.filter(market_reach=filters.market_reach)
    if filters.size_class:
        standings = standings.filter(size_class=filters.size_class)
    if filters.ready is not None:
        standings = standings.filter(is_ready=filters.ready)
    if filters.rating_class:
        low, high = filters.score_range()
        standings = standings.filter(weighted_score__gte=low, **({"weighted_score__lt": high} if high is not None else {}))
    # Narrow rows first (each kecamatan's first rows along its ranking index); only the
    # winners are then read in full.
    positions = {assessment_id: position for _kecamatan, assessment_id, position in first_rows_per_group(
        standings, group="kecamatan", groups=kecamatan_ids, order_by=list(STANDING_RANKING),
        fields=["assessment_id"], n=per_kecamatan)}
    ranked = sorted(
        Assessment.objects.filter(pk__in=positions)
        .select_related("product__sector", "product__umkm__desa__kecamatan")
        .defer("facts", *(f"product__umkm__{f}" for f in GEOMETRY_OF_DESA_AND_KECAMATAN)),
        key=lambda a: positions[a.pk],
    )
    result = {pk: [] for pk in kecamatan_ids}
    for assessment in ranked:  # a UMKM moved meanwhile counts where it is now, if in view
        result.setdefault(assessment.product.umkm.desa.kecamatan_id, []).append(assessment)
    return result


def monthly_trend(*, user, months: int = 12) -> dict:
    """Registrations, assessments and visits per month over the last `months` months, added
    up from the per-desa months (DesaMonth, DesaVisitMonth) of the kecamatan in scope."""
    today = timezone.localdate()
    first = today.replace(day=1)
    starts = []
    for _month in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    starts.reverse()
    in_scope = {} if sees_everything(user) else {"kecamatan_id__in": Kecamatan.objects.visible_to(user).values("pk")}

    def per_month(model, **sums):
        rows = (model.objects.filter(month__gte=starts[0], **in_scope).values("month").annotate(**sums)
                .order_by())
        by_month = {row.pop("month"): row for row in rows}
        return {name: [(by_month.get(m) or {}).get(name) or 0 for m in starts] for name in sums}

    registry = per_month(DesaMonth, registrations=Sum("registrations"), assessments=Sum("assessments"))
    return {
        "labels": [m.strftime("%Y-%m") for m in starts],
        **registry,
        **per_month(DesaVisitMonth, visits=Sum("visits")),
    }


def dashboard_data(*, user, filters: DashboardFilters) -> dict:
    """Everything the kabupaten dashboard shows, cached until the next write.

    The cache key holds the dashboard stamp (bumped in the transaction of every write that
    changes a figure), the user's scope and the filters: the first read after a write
    recomputes, the others are served from the cache.
    """
    scope = scope_key(user)

    def compute():
        figures = kecamatan_figures(user=user, filters=filters)
        return {
            "figures": figures,
            "headline": headline(user=user, figures=figures),
            "flagships": top_flagships(user=user, filters=filters),
            "trend": monthly_trend(user=user),
        }

    return figures_cached(f"dashboard:{scope}:{filters.cache_key()}", compute)


def filter_choices() -> dict:
    return {
        "sectors": list(Sector.objects.all()),
        "size_classes": SizeClass.choices,
        "market_reaches": Product.MarketReach.choices,
        "rating_classes": list(RatingClass.objects.all()),
        "metrics": METRICS,
    }



POINTS_LIMIT = 2000
AGGREGATE_BELOW_ZOOM = 14
REGENCY_BBOX = (108.9, -7.7, 109.8, -7.0)


class ViewportError(ValueError):
    pass


@dataclass(frozen=True)
class Viewport:
    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float
    zoom: int

    @classmethod
    def from_query(cls, params) -> "Viewport":
        """`bbox=minLng,minLat,maxLng,maxLat&zoom=Z`; the whole regency when absent."""
        raw = params.get("bbox")
        try:
            box = [float(v) for v in raw.split(",")] if raw else list(REGENCY_BBOX)
            zoom = int(params.get("zoom", "11"))
        except ValueError:
            raise ViewportError(_("bbox harus empat angka: bujur-min,lintang-min,bujur-maks,lintang-maks."))
        if len(box) != 4 or box[0] >= box[2] or box[1] >= box[3]:
            raise ViewportError(_("bbox harus empat angka: bujur-min,lintang-min,bujur-maks,lintang-maks."))
        if not (-180 <= box[0] <= 180 and -180 <= box[2] <= 180 and -90 <= box[1] <= 90 and -90 <= box[3] <= 90):
            raise ViewportError(_("bbox di luar rentang bujur/lintang."))
        return cls(*box, zoom=max(0, min(zoom, 22)))

    def holds(self, lng: float, lat: float) -> bool:
        return self.min_lng <= lng <= self.max_lng and self.min_lat <= lat <= self.max_lat


def umkm_points(*, user, filters: DashboardFilters, viewport: Viewport) -> dict:
    """UMKM in the viewport as GeoJSON: single points when zoomed in and few enough,
    otherwise one feature per desa whose centre is in the viewport, with its UMKM under the
    filters (located or not: the count the dashboard's tables show, from the per-desa
    summaries), so a browser never receives the whole registry. Scoped to the user; names
    are data for text nodes, never HTML.
    Zoomed-out answers are kept until the next write, keyed by the viewport rounded to
    0.01° (a few hundred metres: invisible at those zoom levels)."""
    if viewport.zoom < AGGREGATE_BELOW_ZOOM:
        scope = scope_key(user)
        box = ",".join(f"{v:.2f}" for v in (viewport.min_lng, viewport.min_lat, viewport.max_lng, viewport.max_lat))
        return figures_cached(
            f"points:{scope}:{filters.cache_key()}:{box}",
            lambda: _umkm_points(user=user, filters=filters, viewport=viewport),
        )
    return _umkm_points(user=user, filters=filters, viewport=viewport)


def _umkm_points(*, user, filters: DashboardFilters, viewport: Viewport) -> dict:
    facts = filters.facts(user).filter(
        lng__gte=viewport.min_lng, lng__lte=viewport.max_lng, lat__gte=viewport.min_lat, lat__lte=viewport.max_lat,
    )
    if viewport.zoom >= AGGREGATE_BELOW_ZOOM:
        rows = list(facts.values_list("umkm_id", "lng", "lat", "umkm__name", "desa__name", "desa__code")[
            :POINTS_LIMIT + 1])
        if len(rows) <= POINTS_LIMIT:
            return {"type": "FeatureCollection", "aggregated": False, "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
                 "properties": {"id": pk, "name": name, "desa": desa, "desa_code": desa_code}}
                for pk, lng, lat, name, desa, desa_code in rows
            ]}
    in_scope = Kecamatan.objects.visible_to(user).values("pk")
    counts = {row["area"]: row["umkm"] for row in filters.totals(user, kecamatan_ids=in_scope, by="desa_id")
              if row["umkm"]}
    desa = Desa.objects.filter(pk__in=counts).only("name", "centre").order_by("code")
    return {"type": "FeatureCollection", "aggregated": True, "features": [
        {"type": "Feature", "geometry": d.centre, "properties": {"desa": d.name, "count": counts[d.pk]}}
        for d in desa if d.centre and viewport.holds(*d.centre["coordinates"][:2])
    ]}


def desa_figures(*, user, kecamatan, filters: DashboardFilters) -> list[KecamatanFigures]:
    """The same figures per desa of one kecamatan (visited and surveyed are 0 or 1 per desa)."""
    rows = {
        d.pk: KecamatanFigures(d.code, d.name, desa_total=1)
        for d in Desa.objects.filter(kecamatan=kecamatan).only("code", "name").order_by("code")
    }
    _add_totals(rows, filters.totals(user, kecamatan_ids=[kecamatan.pk], by="desa_id"))
    coverage = recent_coverage(within=Desa.objects.filter(kecamatan=kecamatan))
    for desa_id, figures in rows.items():
        figures.desa_visited = int(desa_id in coverage.visited)
        figures.desa_surveyed = int(desa_id in coverage.surveyed)
    return list(rows.values())


def kecamatan_mentors(*, kecamatan) -> list[dict]:
    """The kecamatan's current pendamping with their visits of the last 90 days there (each
    counted along the visits' (pendamping, date) index, not over all their visits)."""
    since = timezone.localdate() - timedelta(days=COVERAGE_DAYS)
    visits = (Visit.objects.filter(pendamping=OuterRef("pendamping"), date__gte=since, umkm__desa__kecamatan=kecamatan)
              .order_by().values("pendamping").annotate(n=Count("pk")).values("n"))
    return list(
        Assignment.objects.in_force().filter(kecamatan=kecamatan)
        .values("pendamping__full_name")
        .annotate(visits=Coalesce(Subquery(visits), 0))
        .order_by("pendamping__full_name")
    )


def desa_products(*, user, desa, filters: DashboardFilters):
    """Active products of the desa's UMKM in the user's scope, in the order of their UMKM's
    names. Their current score is read for the rows shown (with_scores) — in the query itself
    only under a potential class filter, which selects by it: a desa of 3,000 UMKM then does
    not compute 5,000 scores to show 25."""
    products = (
        Product.objects.active().visible_to(user).filter(umkm__desa=desa)
        .select_related("sector", "umkm").defer("umkm__location")
        .order_by("umkm__name", "name", "pk")
    )
    if filters.rating_class:
        products = products.annotate(score=Subquery(
            Assessment.objects.filter(product=OuterRef("pk"), is_current=True).values("weighted_score")[:1]))
    return filters.products(products, score="score")


def desa_products_count(*, desa, filters: DashboardFilters) -> int | None:
    """How many products desa_products() lists, added up from the desa's summary rows when
    the filters are ones those rows count products by (size class, legal readiness: a
    UMKM's, so all its products); None under a sector, market reach or potential class
    filter, which select products, not UMKM — then the rows are counted."""
    if filters.sector or filters.market_reach or filters.rating_class:
        return None
    rows, sector_bit = filters._summary_rows(kecamatan_ids=[desa.kecamatan_id])
    return rows.filter(desa=desa, sector_bit=sector_bit).aggregate(n=Coalesce(Sum("products"), 0))["n"]


def desa_products_page(products, *, desa, filters: DashboardFilters, per_page: int, number):
    """Page `number` of desa_products() with their scores; counted from the desa's summaries
    where they hold the count (a desa of 5,000 products is not counted row by row)."""
    paginator = Paginator(products, per_page)
    counted = desa_products_count(desa=desa, filters=filters)
    if counted is not None:
        paginator.count = counted
    page = paginator.get_page(number)
    page.object_list = with_scores(page.object_list)
    return page


def with_scores(products) -> list:
    """These products (a page, or an export) with their current score as `score`, read at
    once."""
    products = list(products)
    scores = {}
    for chunk in bulk.in_chunks([p.pk for p in products]):
        scores.update(Assessment.objects.filter(product_id__any_of=chunk, is_current=True)
                      .values_list("product_id", "weighted_score"))
    for product in products:
        product.score = scores.get(product.pk)
    return products


# --- What the dashboard pages show and export ------------------------------------------------

# Sort keys of the figures tables; the query string keeps Indonesian words (?urut=-umkm).
SORT_KEYS = {
    "nama": lambda f: f.name,
    **{metric: (lambda m: lambda f: (f.metric(m) is None, f.metric(m) or 0))(metric) for metric in METRICS},
}


def figures_sorted(figures: list[KecamatanFigures], sort: str) -> list[KecamatanFigures]:
    """`figures` by the column named in `sort` ("-" first for descending); by name otherwise."""
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["nama"])
    return sorted(figures, key=key, reverse=sort.startswith("-"))


def map_figures(figures: list[KecamatanFigures]) -> dict:
    """Each area's metrics by code, for the choropleth's metric switcher."""
    return {
        f.code: {"name": f.name, **{m: float(f.metric(m)) if f.metric(m) is not None else None for m in METRICS}}
        for f in figures
    }


def desa_figures_cached(*, user, kecamatan, filters: DashboardFilters) -> list[KecamatanFigures]:
    """desa_figures(), kept until the next write that changes figures (per scope and filters)."""
    scope = scope_key(user)
    return figures_cached(f"desa-figures:{kecamatan.pk}:{scope}:{filters.cache_key()}",
                          lambda: desa_figures(user=user, kecamatan=kecamatan, filters=filters),
                          kecamatan_id=kecamatan.pk)


def flagship_ranking_cached(*, kecamatan=None, desa=None):
    """The public flagship ranking of a kecamatan or desa, from the figures cache."""
    if desa is not None:
        return figures_cached(f"ranking:desa:{desa.pk}", lambda: flagship_ranking(desa=desa),
                              kecamatan_id=desa.kecamatan_id)
    return figures_cached(f"ranking:kecamatan:{kecamatan.pk}", lambda: flagship_ranking(kecamatan=kecamatan),
                          kecamatan_id=kecamatan.pk)


def figures_table(figures: list[KecamatanFigures], *, filename: str) -> dict:
    """The figures table as a download (the keywords of table_response)."""
    headers = [
        _("Kode"), _("Wilayah"), _("UMKM"), _("Produk"), _("Produk unggulan"), _("Rata-rata skor potensi"),
        _("UMKM siap legal (%)"),
        _("Desa dikunjungi %(days)s hari") % {"days": COVERAGE_DAYS},
        _("Desa disurvei %(days)s hari") % {"days": COVERAGE_DAYS},
        _("Jumlah desa"),
    ]
    rows = (
        [f.code, f.name, f.umkm, f.products, f.flagship, f.avg_score, f.ready_share,
         f.desa_visited, f.desa_surveyed, f.desa_total]
        for f in figures
    )
    return {"headers": headers, "rows": rows, "filename": filename, "title": _("Wilayah")}


def sector_mix_table(figures: list[KecamatanFigures]) -> dict:
    sectors = list(Sector.objects.all())
    headers = [_("Kecamatan")] + [f"{s.name} (UMKM)" for s in sectors] + [f"{s.name} (LQ)" for s in sectors]
    rows = (
        [f.name] + [f.sectors[s.code][0] for s in sectors] + [f.sectors[s.code][1] for s in sectors]
        for f in figures
    )
    return {"headers": headers, "rows": rows, "filename": "sebaran-sektor", "title": _("Sektor")}


def flagship_table(flagships: dict) -> dict:
    rows = (
        [code, a.product.umkm.desa.kecamatan.name, position, a.product.name, a.product.umkm.name,
         a.product.umkm.desa.name, a.product.sector.name, a.weighted_score, a.mpe_total]
        for code, items in sorted(flagships.items()) for position, a in enumerate(items, start=1)
    )
    headers = [_("Kode"), _("Kecamatan"), _("Peringkat"), _("Produk"), _("UMKM"), _("Desa"), _("Sektor"),
               _("Skor"), _("Total MPE")]
    return {"headers": headers, "rows": rows, "filename": "produk-unggulan", "title": _("Unggulan")}


def desa_products_table(products, *, desa) -> dict:
    rows = ([p.name, p.umkm.name, p.sector.name, p.get_market_reach_display(), p.score] for p in with_scores(products))
    return {"headers": [_("Produk"), _("UMKM"), _("Sektor"), _("Jangkauan pasar"), _("Skor potensi")],
            "rows": rows, "filename": f"produk-{desa.code}", "title": _("Produk")}


def visits_to_producers(days: int = COVERAGE_DAYS) -> dict[tuple[str, str], int]:
    """{(kecamatan code, komoditas code): visits in the last `days` days to UMKM of that
    kecamatan with an active product of the commodity} — the visits evidence of a
    commodity in an area, the same window as the coverage words."""
    since = timezone.localdate() - timedelta(days=days)
    return {(kecamatan, komoditas): n for kecamatan, komoditas, n in (
        Visit.objects.filter(date__gte=since, umkm__products__is_active=True,
                             umkm__products__komoditas__isnull=False)
        .values_list("umkm__desa__kecamatan__code", "umkm__products__komoditas__code")
        .annotate(n=Count("pk", distinct=True)).order_by())}


def komoditas_with_visits(rows) -> list:
    """The dashboard's komoditas rows with the visits to each leading commodity's producers."""
    visits = figures_cached("dashboard:komoditas-visits", visits_to_producers)
    for row in rows:
        for leading in row.leading:
            leading.visits = visits.get((row.code, leading.code), 0)
    return rows


def komoditas_table(rows) -> dict:
    """The "komoditas unggulan" view per kecamatan as a table for CSV/XLSX."""
    def leading(row):
        return "; ".join(f"{k.name} ({k.producers}, LQ {k.lq_producers if k.lq_producers is not None else '—'}, "
                         f"{k.visits or 0} {_('kunjungan')})" for k in row.leading)

    table = ([row.code, row.name, row.penetapan.year if row.penetapan else "",
              row.penetapan.decree_number if row.penetapan else "", "; ".join(row.adopted), leading(row),
              "; ".join(row.sentra)] for row in rows)
    headers = [_("Kode"), _("Kecamatan"), _("Tahun penetapan"), _("Nomor keputusan"),
               _("Komoditas unggulan ditetapkan"), _("Komoditas dengan produsen terbanyak (UMKM, LQ, kunjungan 90 hari)"),
               _("Sentra dikenal")]
    return {"headers": headers, "rows": table, "filename": "komoditas-unggulan-kecamatan", "title": _("Komoditas")}


def monthly_report_table(activity, figures) -> dict:
    """The monthly report as a table: the figures, then every day's activities."""
    rows = [[_("Angka"), label, value, ""] for label, value, _live in figures]
    rows += [[day.strftime("%d/%m/%Y"), kind, text, ""] for day, entries in activity.days for kind, text in entries]
    rows += [[_("Desa dijangkau"), name, kecamatan, visits] for name, kecamatan, visits in activity.desa]
    return {"headers": [_("Tanggal / bagian"), _("Jenis"), _("Uraian"), _("Kunjungan")], "rows": rows,
            "filename": f"laporan-bulanan-{activity.pendamping.pk}-{activity.first:%Y-%m}",
            "title": _("Laporan")}
