"""Scoring arithmetic of the potential rating: pure functions, no database access.

Weighted score (0–100): Σ wᵢ·(sᵢ − minᵢ) / Σ wᵢ·(maxᵢ − minᵢ) × 100, so the lowest level on
every criterion gives 0 and the highest gives 100.
MPE total (Metode Perbandingan Eksponensial): Σ sᵢ^wᵢ, used for ranking.
Location Quotient: (UMKM of the sector in the kecamatan / UMKM in the kecamatan) ÷
(UMKM of the sector in the kabupaten / UMKM in the kabupaten); LQ > 1 marks a basis sector.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class ScoredCriterion:
    code: str
    name: str
    weight: int
    min_score: int
    max_score: int
    score: int


def weighted_score(items: list[ScoredCriterion]) -> Decimal:
    span = sum(i.weight * (i.max_score - i.min_score) for i in items)
    if not span:
        return Decimal("0.00")
    gained = sum(i.weight * (i.score - i.min_score) for i in items)
    return (Decimal(gained) * 100 / Decimal(span)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def mpe_total(items: list[ScoredCriterion]) -> int:
    return sum(i.score ** i.weight for i in items)


def location_quotient(
    *, sector_in_kecamatan: int, kecamatan_total: int, sector_in_kabupaten: int, kabupaten_total: int
) -> Decimal | None:
    """None when a share is undefined (no UMKM in the kecamatan or in the sector)."""
    if not kecamatan_total or not sector_in_kabupaten or not kabupaten_total:
        return None
    local_share = Decimal(sector_in_kecamatan) / Decimal(kecamatan_total)
    regency_share = Decimal(sector_in_kabupaten) / Decimal(kabupaten_total)
    return (local_share / regency_share).quantize(Decimal("0.001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class LevelRule:
    """A measure mapped to the 1–5 scale by four lower bounds: a value below cuts[0] is
    level 1, at least cuts[0] level 2, … at least cuts[3] level 5. Pure and shown on the
    page as it is, so a proposal can be checked by hand."""

    cuts: tuple[Decimal, Decimal, Decimal, Decimal]

    def level(self, value) -> int | None:
        if value is None:
            return None
        value = Decimal(value)
        return 1 + sum(value >= cut for cut in self.cuts)

    def bands(self) -> list[tuple[int, Decimal | None, Decimal | None]]:
        """(level, from, below) for each level; None where open."""
        bounds = [None, *self.cuts, None]
        return [(level, bounds[level - 1], bounds[level]) for level in range(1, 6)]


# LQ → level of criterion (c) "sektor basis ekonomi daerah" on the 1–5 scale.
LQ_RULE = LevelRule((Decimal("0.5"), Decimal("1.0"), Decimal("1.5"), Decimal("2.0")))


def lq_score(lq: Decimal | None) -> int | None:
    """1: LQ < 0.5 · 2: < 1 (not basis) · 3: 1 ≤ LQ < 1.5 (basis) · 4: < 2 · 5: ≥ 2."""
    return LQ_RULE.level(lq)


@dataclass(frozen=True)
class AreaProposal:
    """How a criterion of a determination round is proposed from the evidence of a
    commodity in its area: which measure, in which unit, mapped by which rule."""

    criterion: str
    measure: str  # an attribute of mapping.selectors.AreaMeasures
    unit: str
    rule: LevelRule


def _cuts(*values) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return tuple(Decimal(v) for v in values)


# Criteria with an objective measure in a determination round (Permendagri 9/2014: a, b,
# c, f, g, h). The others are scored by the team. README, "Penetapan produk unggulan".
AREA_PROPOSALS = {
    p.criterion: p for p in (
        AreaProposal("a", "workers", "orang", LevelRule(_cuts(5, 20, 50, 100))),
        AreaProposal("b", "turnover_share", "%", LevelRule(_cuts(1, 5, 10, 20))),
        AreaProposal("c", "lq_producers", "", LQ_RULE),
        AreaProposal("f", "outside_province_share", "%", LevelRule(_cuts(5, 15, 30, 50))),
        AreaProposal("g", "local_material_avg", "%", LevelRule(_cuts(1, 25, 50, 75))),
        AreaProposal("h", "median_capital", "Rp", LevelRule(_cuts(5_000_000, 25_000_000, 100_000_000, 500_000_000))),
    )
}


@dataclass(frozen=True)
class ProductProposal:
    """How a criterion of the potential rating of one business (potensi usaha) is proposed
    from the product's own facts: which fact, in which unit, mapped by which rule."""

    criterion: str
    fact: str  # a key of ProductProposal inputs: workers, market_level, local_material_pct, lq
    unit: str
    rule: LevelRule
    label: str = ""  # the fact in words, shown beside the proposal


# Market reach as a level: lokal 1, kabupaten 2, provinsi 3, nasional 4, ekspor 5.
MARKET_REACH_LEVELS = {"lokal": 1, "kabupaten": 2, "provinsi": 3, "nasional": 4, "ekspor": 5}

# Criteria with an objective measure in one product's facts (a: workers of the business,
# c: LQ of its sector in its kecamatan, f: market reach, g: local raw material). The rule
# for (g) is the one of the determination round; (a) is scaled for one business (BPS: 1–4
# workers micro, 5–19 small, 20–99 medium). README, "Penilaian potensi usaha".
PRODUCT_PROPOSALS = {
    p.criterion: p for p in (
        ProductProposal("a", "workers", "orang", LevelRule(_cuts(2, 5, 10, 20)), gettext_lazy("tenaga kerja")),
        ProductProposal("c", "lq", "", LQ_RULE, gettext_lazy("LQ sektor")),
        ProductProposal("f", "market_level", "", LevelRule(_cuts(2, 3, 4, 5)), gettext_lazy("jangkauan pasar")),
        ProductProposal("g", "local_material_pct", "%", AREA_PROPOSALS["g"].rule, gettext_lazy("bahan baku lokal")),
    )
}

# A score this many levels or more away from its proposal contradicts the facts and is
# flagged to the verifier.
CONTRADICTION_GAP = 2


def product_proposals(*, workers, market_reach: str | None, local_material_pct, lq) -> dict[str, dict]:
    """{criterion code: {"score", "value", "unit"}} for each criterion whose fact is known."""
    inputs = {"workers": workers, "market_level": MARKET_REACH_LEVELS.get(market_reach or ""),
              "local_material_pct": local_material_pct, "lq": lq}
    proposals = {}
    for code, proposal in PRODUCT_PROPOSALS.items():
        value = inputs[proposal.fact]
        if value is not None:
            proposals[code] = {"score": proposal.rule.level(value), "value": str(value), "unit": proposal.unit}
    return proposals


def contradictions(*, scores: dict[str, int], proposals: dict[str, dict]) -> dict[str, int]:
    """{criterion code: proposed score} where the given score is CONTRADICTION_GAP or more
    levels away from the proposal made from the facts."""
    return {code: p["score"] for code, p in proposals.items()
            if code in scores and abs(scores[code] - p["score"]) >= CONTRADICTION_GAP}


def ranking_key(*, weighted: Decimal | None, mpe: int | None, name: str):
    """The one ordering of determination results: weighted score (0–100, the measure
    the class is read from), then MPE total, then name."""
    return (weighted is None, -(weighted or 0), -(mpe or 0), name)


def top_n_changes(candidates: dict[str, list[ScoredCriterion]], n: int) -> list[dict]:
    """Sensitivity: for every criterion and a weight moved by −1 or +1 (never below 1),
    the new top `n` when it differs from the top `n` of the weights as they are.
    `candidates` maps a name to its scored criteria."""
    def top(weights: dict[str, int]) -> list[str]:
        ranked = []
        for name, items in candidates.items():
            moved = [ScoredCriterion(i.code, i.name, weights[i.code], i.min_score, i.max_score, i.score) for i in items]
            ranked.append(ranking_key(weighted=weighted_score(moved), mpe=mpe_total(moved), name=name))
        return [key[3] for key in sorted(ranked)[:n]]

    if not candidates:
        return []
    items = next(iter(candidates.values()))
    weights = {i.code: i.weight for i in items}
    base = set(top(weights))
    changes = []
    for item in items:
        for delta in (-1, 1):
            if weights[item.code] + delta < 1:
                continue
            new_top = top({**weights, item.code: weights[item.code] + delta})
            if set(new_top) != base:
                changes.append({"criterion": item.code, "name": item.name, "delta": delta,
                                "weight": weights[item.code] + delta, "top": new_top,
                                "enters": sorted(set(new_top) - base), "leaves": sorted(base - set(new_top))})
    return changes


def strongest_criteria(items: list[ScoredCriterion], count: int = 2) -> list[ScoredCriterion]:
    """The criteria that explain a high score: highest share of their range, then weight."""
    def strength(item):
        share = (item.score - item.min_score) / ((item.max_score - item.min_score) or 1)
        return (-share, -item.weight, item.code)

    return sorted(items, key=strength)[:count]
