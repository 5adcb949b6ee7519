"""Reads for pages and map endpoints: keyword-only, typed, one purpose each."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mapping.models import UMKM, Desa, Kecamatan, Product


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


def kecamatan_overview_list() -> QuerySet[Kecamatan]:
    """All kecamatan with their desa, kelurahan and active-UMKM counts, without geometry."""
    return (
        Kecamatan.objects.defer("boundary")
        .annotate(
            desa_count=_count_per_kecamatan(Desa.objects.desa_only(), "kecamatan"),
            kelurahan_count=_count_per_kecamatan(Desa.objects.kelurahan(), "kecamatan"),
            umkm_count=_count_per_kecamatan(UMKM.objects.active(), "desa__kecamatan"),
        )
        .order_by("kode")
    )


def kecamatan_feature_collection() -> dict:
    """The 18 kecamatan boundaries as a GeoJSON FeatureCollection with their counts."""
    rows = kecamatan_overview_list().defer(None)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row.kode,
                "geometry": row.boundary,
                "properties": {
                    "kode": row.kode,
                    "nama": row.nama,
                    "desa_count": row.desa_count + row.kelurahan_count,
                    "umkm_count": row.umkm_count,
                },
            }
            for row in rows
        ],
    }


def portal_totals() -> dict[str, int]:
    """Headline counts for the landing page."""
    return {
        "kecamatan": Kecamatan.objects.count(),
        "desa": Desa.objects.count(),
        "umkm": UMKM.objects.active().count(),
        "products": Product.objects.active().count(),
        "demo_umkm": UMKM.objects.demo().count(),
    }


def umkm_search(*, user, query: str = "", desa_kode: str = "", sektor_kode: str = "") -> QuerySet[UMKM]:
    """Active UMKM the user may change, filtered by text (name, owner, NIB), desa and sector."""
    umkm = UMKM.objects.editable_by(user).active().with_related()
    if query:
        umkm = umkm.filter(Q(name__icontains=query) | Q(owner_name__icontains=query) | Q(nib=query))
    if desa_kode:
        umkm = umkm.filter(desa__kode=desa_kode)
    if sektor_kode:
        umkm = umkm.filter(Exists(Product.objects.filter(umkm=OuterRef("pk"), sector__kode=sektor_kode)))
    return umkm.order_by("name", "pk")
