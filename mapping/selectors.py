"""Reads for pages and map endpoints: keyword-only, typed, one purpose each."""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapping import rating
from mapping.models import (
    GEOMETRY_OF_DESA_AND_KECAMATAN, UMKM, Assessment, AssessmentScore, Candidate, CandidateScore, Desa, DesaFigures,
    CatalogueListing, DesaSummary, Kecamatan, Komoditas, KomoditasSummary, Penetapan, Product, ProductStanding, RatingClass,
    Sentra,
)
from mapping.readiness import ReadinessItem, readiness_items
from purbalingga_umkm.links import reverse_for_ids
from purbalingga_umkm.models import AuditEntry
from purbalingga_umkm.queries import first_rows_per_group


def _count_per_kecamatan(queryset: QuerySet, kecamatan_path: str) -> Coalesce:
    """A correlated subquery counting rows of `queryset` in the outer kecamatan."""
    counts = (
        queryset.filter(**{kecamatan_path: OuterRef("pk")})
        .order_by()
        .values(kecamatan_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def active_umkm_per_kecamatan(kecamatan_ids=None) -> dict[int, int]:
    """{kecamatan id: active UMKM}, added up from the per-desa summaries (of these kecamatan
    only, when given)."""
    rows = DesaFigures.objects.filter(sector_bit=DesaFigures.ALL_SECTORS)
    if kecamatan_ids is not None:
        rows = rows.filter(kecamatan_id__in=kecamatan_ids)
    return dict(rows.values("kecamatan_id").annotate(n=Sum("umkm")).values_list("kecamatan_id", "n").order_by())


def kecamatan_overview_list(*, with_boundary: bool = False) -> list[Kecamatan]:
    """All kecamatan with their desa, kelurahan and active-UMKM counts (geometry only when
    asked): the UMKM counted from the per-desa summaries, not a scan per kecamatan."""
    umkm = active_umkm_per_kecamatan()
    rows = Kecamatan.objects.all() if with_boundary else Kecamatan.objects.defer("boundary")
    rows = list(rows.annotate(
        desa_count=_count_per_kecamatan(Desa.objects.desa_only(), "kecamatan"),
        kelurahan_count=_count_per_kecamatan(Desa.objects.kelurahan(), "kecamatan"),
    ).order_by("code"))
    for row in rows:
        row.umkm_count = umkm.get(row.pk, 0)
    return rows


def kecamatan_feature_collection() -> dict:
    """The 18 kecamatan boundaries as a GeoJSON FeatureCollection with their counts."""
    rows = kecamatan_overview_list(with_boundary=True)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row.code,
                "geometry": row.boundary,
                "properties": {
                    "code": row.code,
                    "name": row.name,
                    "desa_count": row.desa_count + row.kelurahan_count,
                    "umkm_count": row.umkm_count,
                },
            }
            for row in rows
        ],
    }


def portal_totals() -> dict[str, int]:
    """Headline counts for the landing page: active UMKM and their products, and how many
    UMKM are demo data, from the per-desa summaries."""
    facts = DesaFigures.objects.filter(sector_bit=DesaFigures.ALL_SECTORS).aggregate(
        umkm=Coalesce(Sum("umkm"), 0), products=Sum("products"))
    return {
        "kecamatan": Kecamatan.objects.count(),
        "desa": Desa.objects.count(),
        "umkm": facts["umkm"],
        "products": facts["products"] or 0,
        "demo_umkm": DesaSummary.objects.aggregate(n=Coalesce(Sum("demo_umkm"), 0))["n"],
    }


def umkm_search(*, user, query: str = "", desa_kode: str = "", sektor_kode: str = "") -> QuerySet[UMKM]:
    """Active UMKM the user may change, filtered by text (name, owner, NIB), desa and sector."""
    umkm = UMKM.objects.editable_by(user).active().with_related()
    if query:
        umkm = umkm.filter(Q(name__icontains=query) | Q(owner_name__icontains=query) | Q(nib=query))
    if desa_kode:
        umkm = umkm.filter(desa__code=desa_kode)
    if sektor_kode:
        umkm = umkm.filter(Exists(Product.objects.filter(umkm=OuterRef("pk"), sector__code=sektor_kode)))
    return umkm.order_by("name", "pk")


def sector_location_quotient(*, sector, kecamatan) -> Decimal | None:
    """LQ of `sector` in `kecamatan`, counting active UMKM with an active product in it.

    Added up from the per-desa figures (DesaFigures: all UMKM with products, and those with
    a product of the sector), kept true by every write: one read of a few hundred rows."""
    in_kecamatan = Q(kecamatan_id=getattr(kecamatan, "pk", kecamatan))
    sector_bit = sector.fact_bit if sector.fact_bit is not None else NO_BIT
    in_sector = Q(sector_bit=sector_bit)
    all_rows = Q(sector_bit=DesaFigures.ALL_SECTORS)
    counts = DesaFigures.objects.filter(all_rows | in_sector).aggregate(
        kabupaten_total=Coalesce(Sum("with_products", filter=all_rows), 0),
        sector_in_kabupaten=Coalesce(Sum("with_products", filter=in_sector), 0),
        kecamatan_total=Coalesce(Sum("with_products", filter=all_rows & in_kecamatan), 0),
        sector_in_kecamatan=Coalesce(Sum("with_products", filter=in_sector & in_kecamatan), 0))
    return rating.location_quotient(**counts)


NO_BIT = -2  # a sector or class without a fact bit: no figures row carries it


def product_facts(*, product) -> dict:
    """The raw facts an assessor scores against, as plain values for display and history."""
    return {
        "workers": product.umkm.workers,
        "monthly_capacity": str(product.monthly_capacity) if product.monthly_capacity is not None else None,
        "capacity_unit": str(product.get_capacity_unit_display()),
        "price": product.price,
        "market_reach": str(product.get_market_reach_display()),
        "local_material_pct": product.local_material_pct,
        "size_class": str(product.umkm.get_size_class_display()),
    }


def product_readiness(*, product, permits) -> list[ReadinessItem]:
    """What the product holds and lacks of the permits its kind of business needs.

    `permits` are the UMKM's permits (those for this product or for the whole business).
    """
    return readiness_items(
        sector_kode=product.sector.code, has_nib=bool(product.umkm.nib),
        size_class=product.umkm.size_class, product_id=product.pk, permits=permits,
    )


@dataclass
class RankedProduct:
    position: int
    assessment: Assessment
    rating_class: RatingClass | None
    explanation: str


# ASSESSMENT_RANKING as the standings spell it (they copy the product's name and id).
STANDING_RANKING = (F("weighted_score").desc(), F("mpe_total").desc(), F("name").asc(),
                    F("product_id").asc())


def flagship_ranking(*, kecamatan=None, desa=None, limit: int = 10) -> list[RankedProduct]:
    """Top products by their latest verified assessment in the one ranking order
    (ASSESSMENT_RANKING: the 0–100 score, then MPE total, then product name and id). Each comes with the reason it ranks high.
    Products of sectors that are not produced in the region (retail trade) never rank."""
    standings = ProductStanding.objects.filter(sector__eligible_unggulan=True)
    if kecamatan is not None:
        standings = standings.filter(kecamatan=kecamatan)
    if desa is not None:
        standings = standings.filter(desa=desa)
    winners = list(standings.order_by(*STANDING_RANKING).values_list("assessment_id", flat=True)[:limit])
    found = (Assessment.objects.filter(pk__in=winners)
             .select_related("product__sector", "product__umkm__desa__kecamatan")
             .defer(*(f"product__umkm__{f}" for f in GEOMETRY_OF_DESA_AND_KECAMATAN))
             .prefetch_related(Prefetch("scores", queryset=AssessmentScore.objects.select_related("criterion")
                                        .prefetch_related("criterion__levels"))).in_bulk())
    top = [found[pk] for pk in winners]
    classes = list(RatingClass.objects.all())
    return [
        RankedProduct(position, a, RatingClass.of_score(a.weighted_score, classes), ranking_explanation(a))
        for position, a in enumerate(top, start=1)
    ]


def ranking_explanation(assessment) -> str:
    """E.g. "skor tertinggi pada bahan baku dan ketersediaan pasar"."""
    items = []
    for s in assessment.scores.all():
        levels = sorted(level.score for level in s.criterion.levels.all())
        items.append(rating.ScoredCriterion(
            code=s.criterion.code, name=s.criterion.name, weight=s.criterion.weight,
            min_score=levels[0], max_score=levels[-1], score=s.score,
        ))
    names = [i.name.lower() for i in rating.strongest_criteria(items)]
    if not names:
        return ""
    return _("skor tertinggi pada %(criteria)s") % {"criteria": _(" dan ").join(names)}


def desa_feature_collection(*, kecamatan) -> dict:
    """The desa boundaries of one kecamatan as GeoJSON (reference data, public)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": d.code, "geometry": d.boundary,
             "properties": {"id": d.pk, "code": d.code, "name": d.name}}
            for d in Desa.objects.filter(kecamatan=kecamatan).only("pk", "code", "name", "boundary")
        ],
    }


@dataclass
class ProductWithReadiness:
    product: Product
    readiness: list[ReadinessItem]
    latest_assessment: Assessment | None

    @property
    def ready(self) -> bool:
        return not any(item.blocks for item in self.readiness)


def umkm_products_with_readiness(*, umkm, permits) -> list[ProductWithReadiness]:
    """The UMKM's products, each with its legal readiness (from the UMKM's `permits`)
    and its latest assessment."""
    products = umkm.products.select_related("sector").prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.order_by("-created_at", "-pk"))
    )
    return [
        ProductWithReadiness(
            p, product_readiness(product=p, permits=permits), next(iter(p.assessments.all()), None)
        )
        for p in products
    ]


def rubric_criteria(*, rubric):
    return list(rubric.criteria.prefetch_related("levels"))


def assessments_visible_to(*, user) -> QuerySet[Assessment]:
    return (
        Assessment.objects.visible_to(user)
        .select_related("product__sector", "product__umkm__desa__kecamatan", "rubric", "assessed_by", "verified_by")
        .defer(*(f"product__umkm__{f}" for f in GEOMETRY_OF_DESA_AND_KECAMATAN))
        .prefetch_related(Prefetch("scores", queryset=AssessmentScore.objects.select_related("criterion")
                                   .prefetch_related("criterion__levels")))
    )


def assessments_awaiting_verification(*, user) -> QuerySet[Assessment]:
    return assessments_visible_to(user=user).filter(status=Assessment.Status.SUBMITTED).order_by("submitted_at", "pk")


def assessments_returned(*, user) -> QuerySet[Assessment]:
    """Assessments the verifier sent back, in the user's scope, oldest return first."""
    return (Assessment.objects.visible_to(user).filter(status=Assessment.Status.RETURNED)
            .select_related("product__umkm__desa").defer(*(f"product__umkm__{f}" for f in GEOMETRY_OF_DESA_AND_KECAMATAN))
            .order_by("updated_at", "pk"))


def can_review(*, user, assessment) -> bool:
    """Staff may verify or return a submitted assessment that they did not make."""
    return not assessment.review_refusal(user)


@dataclass
class VerificationRow:
    entry: AuditEntry
    assessment: Assessment | None


def verification_log(*, user) -> QuerySet[AuditEntry]:
    """Verifications and returns of assessments the user may see, newest first (from the
    audit trail: who decided, when, and what changed)."""
    visible = Assessment.objects.visible_to(user).values("pk")
    return (AuditEntry.objects.filter(model="mapping.assessment",
                                      action__in=[AuditEntry.Action.VERIFY, AuditEntry.Action.RETURN])
            .filter(object_id__in=Subquery(visible.annotate(text_pk=Cast("pk", CharField())).values("text_pk")))
            .order_by("-at", "-pk"))


def verification_rows(entries) -> list[VerificationRow]:
    """A page of verification_log() with each entry's assessment, product and place (1 query)."""
    entries = list(entries)
    assessments = {a.pk: a for a in Assessment.objects.filter(pk__in=[int(e.object_id) for e in entries])
                   .select_related("product__umkm__desa", "assessed_by")
                   .defer("product__umkm__desa__boundary", "product__umkm__desa__centre")} if entries else {}
    return [VerificationRow(entry, assessments.get(int(entry.object_id))) for entry in entries]


# --- Komoditas: evidence of a commodity per kecamatan ---------------------------------------

OUTSIDE_PROVINCE = ("nasional", "ekspor")


@dataclass
class KomoditasEvidence:
    """What the registry shows of one commodity in one area (public figures only)."""

    code: str
    name: str
    producers: int = 0  # active UMKM with an active product of the commodity
    workers: int = 0  # their workers
    capacity: dict = field(default_factory=dict)  # monthly capacity per unit of the products
    outside_province: int = 0  # producers selling nationally or abroad
    export: int = 0
    lq_producers: Decimal | None = None
    lq_workers: Decimal | None = None


def komoditas_evidence(*, komoditas) -> tuple[list[KomoditasEvidence], KomoditasEvidence]:
    """Per kecamatan (those with producers) and for the kabupaten. The LQ is the one of
    mapping.rating.location_quotient, with the same base as the sector LQ: active UMKM with
    at least one active product, counted by producers or by their workers."""
    products = Product.objects.filter(komoditas=komoditas, is_active=True, umkm__is_active=True)
    by_umkm = {}
    for umkm_id, kecamatan_id, workers, reach, capacity, unit in products.values_list(
            "umkm_id", "umkm__desa__kecamatan_id", "umkm__workers", "market_reach", "monthly_capacity", "capacity_unit"):
        entry = by_umkm.setdefault(umkm_id, {"kecamatan": kecamatan_id, "workers": workers, "reach": set(), "capacity": {}})
        entry["reach"].add(reach)
        if capacity is not None:
            entry["capacity"][unit] = entry["capacity"].get(unit, Decimal(0)) + capacity
    base = DesaSummary.objects.values("kecamatan_id").annotate(n=Sum("lq_umkm"), workers=Sum("lq_workers")).order_by()
    base = {row["kecamatan_id"]: (row["n"], row["workers"]) for row in base}
    names = dict(Kecamatan.objects.values_list("pk", "name"))
    codes = dict(Kecamatan.objects.values_list("pk", "code"))
    rows, total = {}, KomoditasEvidence(code="33.03", name=str(_("Kabupaten Purbalingga")))
    for entry in by_umkm.values():
        for target in (rows.setdefault(entry["kecamatan"], KomoditasEvidence(
                code=codes[entry["kecamatan"]], name=names[entry["kecamatan"]])), total):
            target.producers += 1
            target.workers += entry["workers"]
            target.outside_province += bool(entry["reach"] & set(OUTSIDE_PROVINCE))
            target.export += "ekspor" in entry["reach"]
            for unit, amount in entry["capacity"].items():
                target.capacity[unit] = target.capacity.get(unit, Decimal(0)) + amount
    all_umkm = sum(n for n, _w in base.values())
    all_workers = sum(w for _n, w in base.values())
    for kecamatan_id, row in rows.items():
        umkm_here, workers_here = base.get(kecamatan_id, (0, 0))
        row.lq_producers = rating.location_quotient(sector_in_kecamatan=row.producers, kecamatan_total=umkm_here,
                                                    sector_in_kabupaten=total.producers, kabupaten_total=all_umkm)
        row.lq_workers = rating.location_quotient(sector_in_kecamatan=row.workers, kecamatan_total=workers_here,
                                                  sector_in_kabupaten=total.workers, kabupaten_total=all_workers)
    return sorted(rows.values(), key=lambda r: (-r.producers, r.code)), total


def komoditas_overview() -> list[dict]:
    """Every active commodity with its known sentra and producing UMKM (for /unggulan/)."""
    producers = dict(KomoditasSummary.objects.values("komoditas_id").annotate(n=Sum("producers")).order_by()
                     .values_list("komoditas_id", "n"))
    rows = [row for row in Komoditas.objects.active().filter(sector__eligible_unggulan=True).select_related("sector")
            .annotate(sentra_total=Count("sentra")) if row.sentra_total or producers.get(row.pk)]
    for row in rows:
        row.producers = producers.get(row.pk, 0)
    return sorted(rows, key=lambda row: (-row.sentra_total, -row.producers, row.name))


def sentra_of(*, kecamatan=None, desa=None, komoditas=None):
    """Known production centres of an area (or of a commodity), with their source."""
    sentra = Sentra.objects.select_related("komoditas", "kecamatan", "desa").defer(
        "kecamatan__boundary", "kecamatan__centre", "desa__boundary").filter(komoditas__sector__eligible_unggulan=True)
    if komoditas is not None:
        return list(sentra.filter(komoditas=komoditas))
    if desa is not None:
        return list(sentra.filter(desa=desa))
    if kecamatan is not None:
        return list(sentra.filter(kecamatan=kecamatan))
    return list(sentra)


def sentra_feature_collection(*, komoditas=None) -> dict:
    """The sentra of a commodity (of every eligible commodity when None) as points: the
    desa's centre, else the kecamatan's."""
    sentra = Sentra.objects.select_related("kecamatan", "desa", "komoditas").defer(
        "kecamatan__boundary", "desa__boundary").filter(komoditas__sector__eligible_unggulan=True)
    if komoditas is not None:
        sentra = sentra.filter(komoditas=komoditas)
    features = []
    for row in sentra.order_by("komoditas__name", "kecamatan__code", "desa__code"):
        place = row.desa or row.kecamatan
        features.append({"type": "Feature", "geometry": place.centre,
                         "properties": {"name": place.name, "kecamatan": row.kecamatan.name,
                                        "komoditas": row.komoditas.name, "source": row.attribution}})
    return {"type": "FeatureCollection", "features": features}


@dataclass
class LeadingKomoditas:
    name: str
    code: str
    producers: int
    lq_producers: Decimal | None
    visits: int | None = None  # visits to its producers (mentoring fills it in; mapping knows no visits)


@dataclass
class KecamatanKomoditas:
    """One kecamatan's row of the dashboard's "komoditas unggulan" view."""

    code: str
    name: str
    penetapan: Penetapan | None = None
    adopted: list[str] = field(default_factory=list)
    leading: list[LeadingKomoditas] = field(default_factory=list)
    sentra: list[str] = field(default_factory=list)


LEADING_PER_KECAMATAN = 3


def komoditas_by_kecamatan() -> list[KecamatanKomoditas]:
    """Per kecamatan: the commodities adopted by its latest adopted kecamatan round (in
    their order), the commodities with the most producing UMKM in the registry (with
    their LQ by producers, the README's one LQ) and the known sentra. Eligible sectors only."""
    rows = {pk: KecamatanKomoditas(code=code, name=name)
            for pk, code, name in Kecamatan.objects.order_by("code").values_list("pk", "code", "name")}
    producers = list(KomoditasSummary.objects.filter(komoditas__is_active=True, komoditas__sector__eligible_unggulan=True)
                     .values("kecamatan_id", "komoditas_id", "komoditas__name", "komoditas__code")
                     .annotate(n=Sum("producers")).order_by())
    base = dict(DesaSummary.objects.values("kecamatan_id").annotate(n=Sum("lq_umkm")).order_by()
                .values_list("kecamatan_id", "n"))
    in_kabupaten: dict[int, int] = {}
    for row in producers:
        in_kabupaten[row["komoditas_id"]] = in_kabupaten.get(row["komoditas_id"], 0) + row["n"]
    all_umkm = sum(base.values())
    for row in producers:
        kecamatan_id = row["kecamatan_id"]
        rows[kecamatan_id].leading.append(LeadingKomoditas(
            name=row["komoditas__name"], code=row["komoditas__code"], producers=row["n"],
            lq_producers=rating.location_quotient(
                sector_in_kecamatan=row["n"], kecamatan_total=base.get(kecamatan_id, 0),
                sector_in_kabupaten=in_kabupaten[row["komoditas_id"]], kabupaten_total=all_umkm)))
    for row in rows.values():
        row.leading = sorted(row.leading, key=lambda k: (-k.producers, -(k.lq_producers or 0), k.name))[
            :LEADING_PER_KECAMATAN]
    for kecamatan_id, name in (Sentra.objects.filter(komoditas__sector__eligible_unggulan=True)
                               .order_by("kecamatan_id", "komoditas__name")
                               .values_list("kecamatan_id", "komoditas__name").distinct()):
        rows[kecamatan_id].sentra.append(name)
    latest = {}
    for penetapan in Penetapan.objects.adopted().filter(desa__isnull=True).only(
            "pk", "kecamatan_id", "year", "top_n", "decree_number", "decree_date").order_by("kecamatan_id", "-year"):
        latest.setdefault(penetapan.kecamatan_id, penetapan)
    candidates: dict[int, list[Candidate]] = {}
    for candidate in (Candidate.objects.filter(penetapan__in=list(latest.values()))
                      .select_related("komoditas").prefetch_related("scores")):
        candidates.setdefault(candidate.penetapan_id, []).append(candidate)
    for kecamatan_id, penetapan in latest.items():
        rows[kecamatan_id].penetapan = penetapan
        rows[kecamatan_id].adopted = [c.komoditas.name for c in
                                      scored_in_order(candidates.get(penetapan.pk, []))[:penetapan.top_n]]
    return list(rows.values())


# --- Komoditas: measures of every commodity in one area (determination rounds) -------------

AREA_MEASURE_LABELS = {
    "producers": gettext_lazy("UMKM produsen"),
    "workers": gettext_lazy("Tenaga kerja di UMKM produsen"),
    "turnover_share": gettext_lazy("Pangsa omzet produsen dalam omzet UMKM wilayah"),
    "outside_province_share": gettext_lazy("Produsen yang menjual ke luar provinsi (nasional/ekspor)"),
    "export": gettext_lazy("Produsen pengekspor"),
    "local_material_avg": gettext_lazy("Rata-rata bahan baku lokal produk"),
    "median_capital": gettext_lazy("Median modal usaha produsen"),
    "lq_producers": gettext_lazy("LQ komoditas menurut jumlah produsen"),
    "lq_workers": gettext_lazy("LQ komoditas menurut tenaga kerja"),
    "ready_share": gettext_lazy("Produsen siap legal"),
}


@dataclass
class AreaMeasures:
    """What the registry shows of one commodity in one area (kecamatan or desa), as the
    evidence of a determination round. Shares are percentages; None where undefined."""

    producers: int = 0  # active UMKM of the area with an active product of the commodity
    workers: int = 0
    turnover_share: Decimal | None = None
    outside_province_share: Decimal | None = None
    export: int = 0
    local_material_avg: Decimal | None = None  # over the products that record it
    median_capital: Decimal | None = None
    lq_producers: Decimal | None = None
    lq_workers: Decimal | None = None
    ready_share: Decimal | None = None

    def as_json(self) -> dict:
        return {name: (str(value) if isinstance(value, Decimal) else value) for name, value in vars(self).items()}


def _percent(part, whole) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _area_rows(queryset, *, kecamatan, desa):
    return queryset.filter(desa=desa) if desa is not None else queryset.filter(kecamatan=kecamatan)


def komoditas_area_measures(*, kecamatan, desa=None, median_capital: bool = True) -> dict[int, AreaMeasures]:
    """Per commodity (of an eligible sector) with producers in the area: its AreaMeasures.

    Added up from the per-desa summaries (KomoditasSummary, DesaSummary), whatever the number
    of UMKM. The LQ is mapping.rating.location_quotient on the LQ base (UMKM.objects.lq_base()),
    the area against the kabupaten. The median capital, which no sum can give, reads the
    area's producers (one query, left out with `median_capital=False`).
    """
    sums = dict(producers=Sum("producers"), workers=Sum("workers"), turnover=Sum("turnover"), ready=Sum("ready"),
                outside_province=Sum("outside_province"), export=Sum("export"),
                material_sum=Sum("material_sum"), material_count=Sum("material_count"))
    in_area = {row.pop("komoditas_id"): row for row in _area_rows(
        KomoditasSummary.objects.filter(komoditas__sector__eligible_unggulan=True), kecamatan=kecamatan, desa=desa)
        .values("komoditas_id").annotate(**sums).order_by()}
    if not in_area:
        return {}
    in_regency = {row.pop("komoditas_id"): row for row in KomoditasSummary.objects.filter(komoditas_id__in=list(in_area))
                  .values("komoditas_id").annotate(producers=Sum("producers"), workers=Sum("workers")).order_by()}
    base_sums = dict(n=Coalesce(Sum("lq_umkm"), 0), workers=Coalesce(Sum("lq_workers"), 0),
                     turnover=Coalesce(Sum("lq_turnover"), 0))
    area_base = _area_rows(DesaSummary.objects, kecamatan=kecamatan, desa=desa).aggregate(**base_sums)
    regency_base = DesaSummary.objects.aggregate(**base_sums)
    capitals: dict[int, dict[int, int]] = {}
    if median_capital:
        in_area_products = Q(umkm__desa=desa) if desa is not None else Q(umkm__desa__kecamatan=kecamatan)
        for komoditas_id, umkm_id, capital in Product.objects.filter(
                in_area_products, komoditas_id__in=list(in_area), is_active=True, umkm__is_active=True,
                umkm__capital__isnull=False).values_list("komoditas_id", "umkm_id", "umkm__capital"):
            capitals.setdefault(komoditas_id, {})[umkm_id] = capital
    measures = {}
    for komoditas_id, row in in_area.items():
        regency = in_regency[komoditas_id]
        m = AreaMeasures(producers=row["producers"], workers=row["workers"])
        m.turnover_share = _percent(row["turnover"], area_base["turnover"])
        m.outside_province_share = _percent(row["outside_province"], row["producers"])
        m.export = row["export"]
        if row["material_count"]:
            m.local_material_avg = (Decimal(row["material_sum"]) / row["material_count"]).quantize(Decimal("0.1"))
        known = list(capitals.get(komoditas_id, {}).values())
        m.median_capital = Decimal(statistics.median(known)).quantize(Decimal("1")) if known else None
        m.lq_producers = rating.location_quotient(
            sector_in_kecamatan=m.producers, kecamatan_total=area_base["n"],
            sector_in_kabupaten=regency["producers"], kabupaten_total=regency_base["n"])
        m.lq_workers = rating.location_quotient(
            sector_in_kecamatan=m.workers, kecamatan_total=area_base["workers"],
            sector_in_kabupaten=regency["workers"], kabupaten_total=regency_base["workers"])
        m.ready_share = _percent(row["ready"], row["producers"])
        measures[komoditas_id] = m
    return measures


# --- Determination rounds ---------------------------------------------------------------------

@dataclass
class RankedCandidate:
    position: int
    candidate: object  # mapping.models.Candidate, with its scores
    rating_class: RatingClass | None
    strongest: list[str]  # criterion names that explain the rank
    is_top: bool


@dataclass
class PenetapanResults:
    ranked: list[RankedCandidate]
    unscored: list  # candidates without complete scores, not ranked
    sensitivity: list[dict]  # rating.top_n_changes of the scored candidates

    @property
    def top(self) -> list[RankedCandidate]:
        return [r for r in self.ranked if r.is_top]


def penetapan_visible_list(*, user, year=None, status: str = "") -> QuerySet[Penetapan]:
    """Rounds the user may see, newest year first, with their area (no geometry)."""
    rounds = (Penetapan.objects.visible_to(user).select_related("kecamatan", "desa")
              .defer("kecamatan__boundary", "kecamatan__centre", "desa__boundary", "desa__centre")
              .annotate(candidate_total=Count("candidates")))
    if year:
        rounds = rounds.filter(year=year)
    if status in Penetapan.Status.values:
        rounds = rounds.filter(status=status)
    return rounds.order_by("-year", "kecamatan__code", "desa__code")


def penetapan_candidates(*, penetapan) -> list[Candidate]:
    """The round's candidates with their score rows, criteria and levels (three queries)."""
    return list(penetapan.candidates.select_related("komoditas__sector").prefetch_related(
        Prefetch("scores", queryset=CandidateScore.objects.select_related("criterion", "scored_by")
                 .prefetch_related("criterion__levels"))))


def _scored_items(candidate) -> list[rating.ScoredCriterion]:
    items = []
    for row in candidate.scores.all():
        levels = sorted(level.score for level in row.criterion.levels.all())
        items.append(rating.ScoredCriterion(code=row.criterion.code, name=row.criterion.name,
                                            weight=row.criterion.weight, min_score=levels[0],
                                            max_score=levels[-1], score=row.score))
    return items


def scored_in_order(candidates) -> list[Candidate]:
    """The candidates scored on every criterion, in the one order of results:
    rating.ranking_key (weighted score, then MPE, then name). Scores prefetched."""
    scored = [c for c in candidates if c.is_scored and all(s.score is not None for s in c.scores.all())]
    return sorted(scored, key=lambda c: rating.ranking_key(weighted=c.weighted_score, mpe=c.mpe_total,
                                                           name=c.komoditas.name))


def penetapan_results(*, penetapan, candidates=None) -> PenetapanResults:
    """The ranked candidates of a round by rating.ranking_key (weighted score, then MPE,
    then name), each with the class of its weighted score, the criteria that explain it,
    whether it is in the top N, and which ±1 weight changes would change the top N."""
    candidates = candidates if candidates is not None else penetapan_candidates(penetapan=penetapan)
    scored = scored_in_order(candidates)
    unscored = [c for c in candidates if c not in scored]
    classes = list(RatingClass.objects.all())
    ranked = []
    for position, candidate in enumerate(scored, start=1):
        items = _scored_items(candidate)
        ranked.append(RankedCandidate(
            position=position, candidate=candidate,
            rating_class=RatingClass.of_score(candidate.weighted_score, classes),
            strongest=[i.name for i in rating.strongest_criteria(items)],
            is_top=position <= penetapan.top_n,
        ))
    sensitivity = rating.top_n_changes({c.komoditas.name: _scored_items(c) for c in scored}, penetapan.top_n)
    return PenetapanResults(ranked=ranked, unscored=unscored, sensitivity=sensitivity)


def adopted_unggulan(*, kecamatan=None, desa=None) -> tuple[Penetapan | None, list[Candidate]]:
    """The area's latest adopted round and its top N commodities in order (public)."""
    penetapan = (Penetapan.objects.adopted().of_area(kecamatan=kecamatan, desa=desa)
                 .select_related("kecamatan", "desa").defer("kecamatan__boundary", "desa__boundary")
                 .order_by("-year").first())
    if penetapan is None:
        return None, []
    results = penetapan_results(penetapan=penetapan)
    return penetapan, [r.candidate for r in results.top]


def penetapan_lampiran_table(*, penetapan, results: PenetapanResults) -> dict:
    """The results laid out as the lampiran of the decree (keywords of table_response)."""
    criteria = list(penetapan.rubric.criteria.all())
    headers = [_("Peringkat"), _("Komoditas"), _("Sektor"),
               *[f"({c.code}) {c.name} ×{c.weight}" for c in criteria],
               _("Skor tertimbang (0–100)"), _("Total MPE"), _("Kelas"), _("Ditetapkan")]
    rows = []
    for r in results.ranked:
        scores = {s.criterion_id: s.score for s in r.candidate.scores.all()}
        rows.append([r.position, r.candidate.komoditas.name, r.candidate.komoditas.sector.name,
                     *[scores.get(c.pk) for c in criteria], r.candidate.weighted_score, r.candidate.mpe_total,
                     r.rating_class.name if r.rating_class else "", _("Ya") if r.is_top else ""])
    return {"headers": headers, "rows": rows, "title": _("Lampiran"),
            "filename": f"lampiran-penetapan-{penetapan.desa.code if penetapan.desa_id else penetapan.kecamatan.code}-{penetapan.year}"}


@dataclass
class AreaCommodity:
    """A commodity on an area's public produk unggulan page."""

    komoditas: Komoditas
    measures: AreaMeasures
    producers: list["NamedProducer"]  # the first published in the catalogue
    candidate: Candidate | None = None  # its row in the adopted round, when adopted

    @property
    def producers_more(self) -> int:
        """Producing UMKM not named (not in the catalogue, or beyond the first)."""
        return max(self.measures.producers - len(self.producers), 0)


class NamedProducer(NamedTuple):
    """A producer named on an area's page: its business, its catalogue page and its desa."""

    name: str
    umkm_id: int
    desa_name: str
    url: str


PRODUCERS_SHOWN = 10
PRODUCERS_READ = 3 * PRODUCERS_SHOWN  # catalogue rows read per commodity: a UMKM may list several products of one


def _first_producers_named(*, kecamatan, desa, komoditas_ids) -> dict[int, list[NamedProducer]]:
    """{commodity id: its first PRODUCERS_SHOWN producers published in the area's catalogue,
    by name}: a UMKM with two products of a commodity is named once. Each commodity's first
    PRODUCERS_READ rows are read along the catalogue's (kecamatan, komoditas, business name)
    index, whatever the size of the area; a commodity whose first rows are all one UMKM's
    products names fewer — the others are still counted."""
    listings = CatalogueListing.objects.filter(kecamatan=kecamatan)
    if desa is not None:
        listings = listings.filter(desa=desa)
    names: dict[int, list[NamedProducer]] = {}
    catalogue_page = reverse_for_ids("mapping:katalog-umkm-short")
    rows = first_rows_per_group(listings, group="komoditas", groups=komoditas_ids,
                                order_by=[F("umkm_name"), F("umkm_id")], fields=["umkm_name", "umkm_id", "desa__name"],
                                n=PRODUCERS_READ)
    for komoditas_id, umkm_name, umkm_id, desa_name, _position in sorted(rows, key=lambda row: (row[0], row[-1])):
        named = names.setdefault(komoditas_id, [])
        if len(named) < PRODUCERS_SHOWN and all(umkm_id != known.umkm_id for known in named):
            named.append(NamedProducer(umkm_name, umkm_id, desa_name, catalogue_page(umkm_id)))
    return names


def area_unggulan(*, kecamatan, desa=None) -> dict:
    """The public produk unggulan of a kecamatan or desa: the commodities adopted by its
    latest adopted round (in their order), then the other commodities made there as
    candidates (most producers first), each with its evidence and producers named where published in the catalogue."""
    penetapan, adopted = adopted_unggulan(kecamatan=kecamatan, desa=desa)
    measures = komoditas_area_measures(kecamatan=kecamatan, desa=desa, median_capital=False)
    names = _first_producers_named(kecamatan=kecamatan, desa=desa, komoditas_ids=list(measures))
    komoditas = Komoditas.objects.in_bulk(list(measures))
    adopted_ids = [c.komoditas_id for c in adopted]
    adopted_rows = [AreaCommodity(c.komoditas, measures.get(c.komoditas_id, AreaMeasures()),
                                  names.get(c.komoditas_id, []), candidate=c) for c in adopted]
    candidates = sorted(
        (AreaCommodity(komoditas[k], m, names.get(k, [])) for k, m in measures.items() if k not in adopted_ids),
        key=lambda row: (-row.measures.producers, -(row.measures.lq_producers or 0), row.komoditas.name))
    return {"penetapan": penetapan, "adopted": adopted_rows, "candidates": candidates}


# --- A UMKM's own figures over time -----------------------------------------------------------


@dataclass(frozen=True)
class FiguresAt:
    """What a survey recorded of a UMKM on a day: its turnover per month and its workers."""

    day: object
    monthly_turnover: int | None
    workers: int | None
    source: str


def umkm_figures_over_time(umkm) -> list[FiguresAt]:
    """Turnover per month (annual / 12) and workers as recorded by each survey of the UMKM —
    registration and every later edit, from the audit trail — and as stored now (a
    spreadsheet import's values count from its date through the record's last change)."""
    return figures_over_time([umkm])[umkm.pk]


def figures_over_time(umkms) -> dict[int, list[FiguresAt]]:
    """umkm_figures_over_time() of many UMKM in one query: {UMKM id: its figures, oldest first}."""
    from django.utils import timezone

    umkms = list(umkms)
    running = {u.pk: {} for u in umkms}
    found = {u.pk: [] for u in umkms}
    entries = (AuditEntry.objects.filter(model=UMKM._meta.label_lower, object_id__in=[str(u.pk) for u in umkms])
               .order_by("at", "pk").values_list("object_id", "at", "changes"))
    for object_id, at, changes in entries:
        touched = {name: change[1] for name, change in (changes or {}).items()
                   if name in ("annual_turnover", "workers") and isinstance(change, list) and len(change) == 2}
        if not touched:
            continue
        state = running[int(object_id)]
        state.update(touched)
        annual = state.get("annual_turnover")
        found[int(object_id)].append(FiguresAt(timezone.localtime(at).date(),
                                               None if annual is None else int(annual) // 12,
                                               state.get("workers"), _("survei")))
    for umkm in umkms:
        points = found[umkm.pk]
        now = FiguresAt(timezone.localtime(umkm.updated_at).date(),
                        None if umkm.annual_turnover is None else umkm.annual_turnover // 12, umkm.workers,
                        _("data saat ini"))
        if not points or (points[-1].monthly_turnover, points[-1].workers) != (now.monthly_turnover, now.workers):
            points.append(now)
    return found
