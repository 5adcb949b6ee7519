"""Scoring arithmetic of the potential rating: pure functions, no database access.

Weighted score (0–100): Σ wᵢ·(sᵢ − minᵢ) / Σ wᵢ·(maxᵢ − minᵢ) × 100, so the lowest level on
every criterion gives 0 and the highest gives 100.
MPE total (Metode Perbandingan Eksponensial): Σ sᵢ^wᵢ, used for ranking.
Location Quotient: (UMKM of the sector in the kecamatan / UMKM in the kecamatan) ÷
(UMKM of the sector in the kabupaten / UMKM in the kabupaten); LQ > 1 marks a basis sector.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


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


# LQ → level of criterion (c) "sektor basis ekonomi daerah" on the 1–5 scale.
LQ_LEVELS = ((Decimal("0.5"), 1), (Decimal("1.0"), 2), (Decimal("1.5"), 3), (Decimal("2.0"), 4))


def lq_score(lq: Decimal | None) -> int | None:
    """1: LQ < 0.5 · 2: < 1 (not basis) · 3: 1 ≤ LQ < 1.5 (basis) · 4: < 2 · 5: ≥ 2."""
    if lq is None:
        return None
    for upper, level in LQ_LEVELS:
        if lq < upper:
            return level
    return 5


def strongest_criteria(items: list[ScoredCriterion], count: int = 2) -> list[ScoredCriterion]:
    """The criteria that explain a high score: highest share of their range, then weight."""
    def strength(item):
        share = (item.score - item.min_score) / ((item.max_score - item.min_score) or 1)
        return (-share, -item.weight, item.code)

    return sorted(items, key=strength)[:count]
