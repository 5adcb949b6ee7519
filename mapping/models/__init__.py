"""The mapping app's models, by subdomain: geography, registry, rating, facts.

Callers import them from here (`from mapping.models import UMKM`).
"""

from mapping.models.common import (
    KABUPATEN_KODE, SWAPPED_COORDINATES_MESSAGE, non_negative_constraint, not_negative, validate_desa_kode,
    validate_kecamatan_kode, validate_nib, validate_nik, validate_phone,
)
from mapping.models.catalogue import CatalogueEntry, CatalogueListing, Consent
from mapping.models.facts import MARKET_REACH_BITS, FactBitCounter, UMKMFact, bit, fact_mask
from mapping.models.geography import CodedQuerySet, Desa, Kecamatan, Region
from mapping.models.komoditas import Komoditas, Sentra, name_key
from mapping.models.penetapan import Candidate, CandidateScore, Participant, Penetapan
from mapping.models.summaries import DesaFigures, DesaFilteredFigures, DesaMonth, DesaSectorPair, DesaSummary, KomoditasSummary, ProductStanding
from mapping.models.rating import ASSESSMENT_RANKING, Assessment, AssessmentScore, Criterion, CriterionLevel, RatingClass, Rubric
from mapping.models.registry import (
    GEOMETRY_OF_DESA_AND_KECAMATAN, SIZE_CLASS_LIMITS, UMKM, Permit, Product, Sector, SizeClass, size_class_for,
    umkm_kode_new, validate_photo_size, validate_umkm_kode,
)

__all__ = [
    "ASSESSMENT_RANKING",
    "GEOMETRY_OF_DESA_AND_KECAMATAN", "KABUPATEN_KODE", "MARKET_REACH_BITS", "SIZE_CLASS_LIMITS",
    "SWAPPED_COORDINATES_MESSAGE", "UMKM", "Assessment", "AssessmentScore", "Candidate", "CandidateScore", "CatalogueEntry", "CatalogueListing", "Consent",
    "Participant", "Penetapan", "CodedQuerySet", "Criterion",
    "CriterionLevel", "Desa", "DesaFigures", "DesaFilteredFigures", "DesaMonth", "DesaSectorPair", "DesaSummary", "KomoditasSummary", "ProductStanding", "FactBitCounter", "Kecamatan", "Komoditas", "Sentra", "name_key", "Permit", "Product", "RatingClass", "Region", "Rubric",
    "Sector", "SizeClass", "UMKMFact", "bit", "fact_mask", "non_negative_constraint", "not_negative",
    "size_class_for", "umkm_kode_new", "validate_desa_kode", "validate_kecamatan_kode", "validate_nib",
    "validate_nik", "validate_phone", "validate_photo_size", "validate_umkm_kode",
]
