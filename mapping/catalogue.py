"""Public reads of the catalogue: what a buyer may see of a published UMKM and its products.

What is public is decided here, once, by allow-lists of fields: every public page, JSON,
sitemap entry, tag and QR code is built from rows read with these fields only, never from a
model instance that carries the rest. NIK, the owner's name, personal phones, the home
address, turnover and capital are in none of them. Business channels and the exact point
come in only through the owner's consent in force (consented_channels, public_point).
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mapping.models import UMKM, Desa, Kecamatan, Komoditas, Permit, Product, Sector
from mapping.models.catalogue import CatalogueEntry, CatalogueListing, Consent
from purbalingga_umkm.figures import figures_cached, figures_cached_per_kecamatan
from purbalingga_umkm.params import text_param
from spreadsheets import bulk

# The allow-lists: the only fields of the registry a public page reads.
PUBLIC_UMKM_FIELDS = (
    "pk", "name", "founded_year", "desa__name", "desa__code", "desa__kecamatan__name", "desa__kecamatan__code",
    "catalogue__tagline",
)
PUBLIC_PRODUCT_FIELDS = (
    "pk", "name", "description", "price", "monthly_capacity", "capacity_unit", "market_reach", "sector__name",
    "sector__code", "komoditas__name", "komoditas__code", "photo", "umkm_id", "updated_at",
)

# Permits shown as badges (the kind, never the number); NIB only as "registered".
BADGES = {
    "halal": _("Halal"), "pirt": _("PIRT"), "bpom": _("BPOM"), "sni": _("SNI"), "hki": _("Merek terdaftar"),
    "ekspor": _("Siap ekspor"), "nib": _("NIB terdaftar"),
}
PERMIT_BADGES = ("halal", "pirt", "bpom", "sni", "hki")
PAGE_SIZE = 24


def published_umkm():
    return UMKM.objects.filter(is_active=True, catalogue__is_published=True)


def published_products():
    return Product.objects.filter(is_active=True, umkm__is_active=True, umkm__catalogue__is_published=True)


@dataclass
class PublicUMKM:
    pk: int
    name: str
    founded_year: int | None
    desa: str
    desa_code: str
    kecamatan: str
    kecamatan_code: str
    tagline: str
    badges: list = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "umkm"

    @classmethod
    def from_row(cls, row: dict, prefix: str = "") -> "PublicUMKM":
        return cls(pk=row[f"{prefix}pk"] if not prefix else row["umkm_id"], name=row[f"{prefix}name"],
                   founded_year=row[f"{prefix}founded_year"], desa=row[f"{prefix}desa__name"],
                   desa_code=row[f"{prefix}desa__code"], kecamatan=row[f"{prefix}desa__kecamatan__name"],
                   kecamatan_code=row[f"{prefix}desa__kecamatan__code"], tagline=row[f"{prefix}catalogue__tagline"] or "")


@dataclass
class PublicProduct:
    pk: int
    name: str
    description: str
    price: int | None
    monthly_capacity: Decimal | None
    capacity_unit: str
    market_reach: str
    sector: str
    sector_code: str
    komoditas: str | None
    komoditas_code: str | None
    has_photo: bool
    updated_at: object
    umkm: PublicUMKM
    badges: list = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "produk"

    @property
    def capacity_unit_label(self) -> str:
        return Product.CapacityUnit(self.capacity_unit).label if self.capacity_unit else ""

    @property
    def market_reach_label(self) -> str:
        return Product.MarketReach(self.market_reach).label if self.market_reach else ""


_UMKM_VIA_PRODUCT = tuple(f"umkm__{name}" for name in PUBLIC_UMKM_FIELDS if name != "pk")


def _product_of(row: dict) -> PublicProduct:
    return PublicProduct(
        pk=row["pk"], name=row["name"], description=row["description"], price=row["price"],
        monthly_capacity=row["monthly_capacity"], capacity_unit=row["capacity_unit"],
        market_reach=row["market_reach"], sector=row["sector__name"], sector_code=row["sector__code"],
        komoditas=row["komoditas__name"], komoditas_code=row["komoditas__code"], has_photo=bool(row["photo"]),
        updated_at=row["updated_at"], umkm=PublicUMKM.from_row(row, prefix="umkm__"))


def _product_rows(products):
    return products.values(*PUBLIC_PRODUCT_FIELDS, *_UMKM_VIA_PRODUCT, umkm__has_nib=ExpressionWrapper(
        ~Q(umkm__nib=""), output_field=BooleanField()))


LABEL_BITS = {code: 1 << index for index, code in enumerate(BADGES)}


def _permit_kinds(umkm_ids) -> dict[tuple[int, int | None], set]:
    """{(UMKM id, product id or None for the whole business): permit kinds shown as labels}."""
    permits: dict[tuple[int, int | None], set] = {}
    for chunk in bulk.in_chunks(sorted(umkm_ids)):
        for umkm_id, product_id, kind in Permit.objects.filter(umkm_id__in=chunk, kind__in=PERMIT_BADGES).values_list(
                "umkm_id", "product_id", "kind"):
            permits.setdefault((umkm_id, product_id), set()).add(kind)
    return permits


def _label_codes(permits, *, umkm_id, product_id, market_reach, has_nib) -> set[str]:
    """The one rule of a product's labels: its own permits and its business's, export reach, NIB."""
    kinds = permits.get((umkm_id, None), set()) | permits.get((umkm_id, product_id), set())
    if market_reach == "ekspor":
        kinds = kinds | {"ekspor"}
    if has_nib:
        kinds = kinds | {"nib"}
    return kinds


def _badges_of(codes) -> list:
    return [(code, BADGES[code]) for code in BADGES if code in codes]


def _with_badges(items: list[PublicProduct], rows: list[dict]) -> list[PublicProduct]:
    """Each product's badges (one query for their permits)."""
    permits = _permit_kinds({p.umkm.pk for p in items})
    for item, row in zip(items, rows):
        item.badges = _badges_of(_label_codes(permits, umkm_id=item.umkm.pk, product_id=item.pk,
                                              market_reach=item.market_reach, has_nib=row["umkm__has_nib"]))
    return items


def listings_refresh(umkm_ids=None) -> None:
    """Rewrite the catalogue's list rows (CatalogueListing) of these UMKM (of all when None)
    from their public fields: called by facts_changed() with the UMKM a write touched."""
    products = published_products()
    if umkm_ids is None:
        CatalogueListing.objects.all().delete()
        chunks = [None]
    else:
        chunks = bulk.in_chunks(sorted(set(umkm_ids)))
        for chunk in chunks:
            CatalogueListing.objects.filter(umkm_id__in=chunk).delete()
    for chunk in chunks:
        rows = list((products if chunk is None else products.filter(umkm_id__in=chunk)).values(
            "pk", "name", "description", "price", "photo", "market_reach", "sector_id", "komoditas_id",
            "komoditas__name", "umkm_id", "umkm__name", "umkm__desa_id", "umkm__desa__kecamatan_id",
            has_nib=ExpressionWrapper(~Q(umkm__nib=""), output_field=BooleanField())))
        if not rows:
            continue  # none of them published: their rows are gone, nothing to write
        permits = _permit_kinds({row["umkm_id"] for row in rows})
        bulk.rows_insert(CatalogueListing, (CatalogueListing(
            product_id=row["pk"], umkm_id=row["umkm_id"], umkm_name=row["umkm__name"], name=row["name"],
            price=row["price"], has_photo=bool(row["photo"]), market_reach=row["market_reach"],
            labels=sum(LABEL_BITS[code] for code in _label_codes(
                permits, umkm_id=row["umkm_id"], product_id=row["pk"], market_reach=row["market_reach"],
                has_nib=row["has_nib"])),
            sector_id=row["sector_id"], komoditas_id=row["komoditas_id"], desa_id=row["umkm__desa_id"],
            kecamatan_id=row["umkm__desa__kecamatan_id"],
            search=" ".join(filter(None, (row["name"], row["umkm__name"], row["komoditas__name"],
                                          row["description"]))).lower()) for row in rows), want_ids=False)


LISTING_FIELDS = ("product_id", "name", "price", "has_photo", "market_reach", "labels", "umkm_id", "umkm_name",
                  "sector__name", "sector__code", "komoditas__name", "komoditas__code", "desa__name", "desa__code",
                  "kecamatan__name", "kecamatan__code")


def _listed(row: dict) -> PublicProduct:
    umkm = PublicUMKM(pk=row["umkm_id"], name=row["umkm_name"], founded_year=None, desa=row["desa__name"],
                      desa_code=row["desa__code"], kecamatan=row["kecamatan__name"],
                      kecamatan_code=row["kecamatan__code"], tagline="")
    return PublicProduct(
        pk=row["product_id"], name=row["name"], description="", price=row["price"], monthly_capacity=None,
        capacity_unit="", market_reach=row["market_reach"], sector=row["sector__name"],
        sector_code=row["sector__code"], komoditas=row["komoditas__name"], komoditas_code=row["komoditas__code"],
        has_photo=row["has_photo"], updated_at=None, umkm=umkm,
        badges=_badges_of({code for code, flag in LABEL_BITS.items() if row["labels"] & flag}))


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    komoditas: str = ""
    sektor: str = ""
    kecamatan: str = ""
    desa: str = ""
    badge: str = ""

    @classmethod
    def from_query(cls, params) -> "CatalogueFilters":
        """Unknown values are ignored, never an error: a shared link keeps working."""
        return cls(query=text_param(params, "q", 100), komoditas=text_param(params, "komoditas", 60),
                   sektor=text_param(params, "sektor", 40), kecamatan=text_param(params, "kecamatan", 8),
                   desa=text_param(params, "desa", 13),
                   badge=params.get("label", "") if params.get("label", "") in BADGES else "")

    def apply(self, listings):
        """The catalogue's list rows (CatalogueListing) that match."""
        if self.query:
            listings = listings.filter(search__contains=self.query.lower())
        if self.komoditas:
            listings = listings.filter(komoditas__code=self.komoditas)
        if self.sektor:
            listings = listings.filter(sector__code=self.sektor)
        if self.kecamatan:
            listings = listings.filter(kecamatan__code=self.kecamatan)
        if self.desa:
            listings = listings.filter(desa__code=self.desa)
        if self.badge:
            listings = listings.alias(label_hit=F("labels").bitand(LABEL_BITS[self.badge])).filter(label_hit__gt=0)
        return listings

    def is_empty(self) -> bool:
        return not any(vars(self).values())

    def cache_key(self) -> str:
        return hashlib.sha256(repr(sorted(vars(self).items())).encode()).hexdigest()[:32]


def catalogue_page(*, filters: CatalogueFilters, page: str | int = 1):
    """One page of published products matching the filters, with their labels, from the list
    rows (CatalogueListing): two queries (count, the page) whatever the number of products.
    The count reads the list rows alone (not the names the page joins in); without a search
    text (chosen from lists: a bounded number of keys) it is added up from each kecamatan's
    count, kept until the next write in that kecamatan."""
    listings = filters.apply(CatalogueListing.objects.all())
    paginator = Paginator(listings.order_by("name", "product_id").values(*LISTING_FIELDS), PAGE_SIZE)
    paginator.count = listings.count() if filters.query else _kept_count(listings, filters)
    page_obj = paginator.get_page(page)
    page_obj.object_list = [_listed(row) for row in page_obj.object_list]
    return page_obj


def _kept_count(listings, filters: CatalogueFilters) -> int:
    """How many list rows match, as the sum of per-kecamatan counts each kept under its
    kecamatan's stamp: after a write in one kecamatan only its rows are counted again."""
    def count_in(kecamatan_ids):
        return dict(listings.filter(kecamatan_id__in=kecamatan_ids).values("kecamatan_id")
                    .annotate(n=Count("pk")).values_list("kecamatan_id", "n").order_by())

    parts = figures_cached_per_kecamatan(f"katalog:count:{filters.cache_key()}",
                                         list(Kecamatan.objects.order_by().values_list("pk", flat=True)), count_in)
    return sum(n or 0 for n in parts.values())


def _published_lists() -> dict:
    listed = CatalogueListing.objects.all()
    return {
        "komoditas": list(Komoditas.objects.filter(Exists(listed.filter(komoditas=OuterRef("pk"))))
                          .order_by("name").values_list("code", "name")),
        "sectors": list(Sector.objects.filter(Exists(listed.filter(sector=OuterRef("pk"))))
                        .values_list("code", "name")),
        "kecamatan": list(Kecamatan.objects.order_by("name").values_list("code", "name")),
    }


def catalogue_choices(filters: CatalogueFilters) -> dict:
    """The filter lists: commodities and sectors with published products and every kecamatan
    (kept until the next write that changes figures or the catalogue), the desa of the
    chosen kecamatan."""
    return {
        **figures_cached("katalog:choices", _published_lists),
        "desa": list(Desa.objects.filter(kecamatan__code=filters.kecamatan).order_by("name").values_list("code", "name"))
        if filters.kecamatan else [],
        "badges": [(code, str(label)) for code, label in BADGES.items()],
    }


def public_product(pk: int) -> PublicProduct | None:
    rows = list(_product_rows(published_products().filter(pk=pk)))
    return _with_badges([_product_of(rows[0])], rows)[0] if rows else None


def public_products_of(umkm_id: int) -> list[PublicProduct]:
    rows = list(_product_rows(published_products().filter(umkm_id=umkm_id).order_by("name", "pk")))
    return _with_badges([_product_of(r) for r in rows], rows)


def public_umkm(pk: int) -> PublicUMKM | None:
    row = published_umkm().filter(pk=pk).values(*PUBLIC_UMKM_FIELDS).first()
    return PublicUMKM.from_row(row) if row else None


def komoditas_in_catalogue(komoditas, limit: int = 12) -> list[PublicProduct]:
    """Published products of a commodity, for its page (one query)."""
    return [_listed(row) for row in CatalogueListing.objects.filter(komoditas=komoditas)
            .order_by("name", "product_id").values(*LISTING_FIELDS)[:limit]]


@dataclass
class Channels:
    """The business channels a published UMKM's owner agreed to show."""

    phone: str = ""
    whatsapp: str = ""  # a wa.me link for the phone
    marketplaces: list = field(default_factory=list)  # (name, link)
    website: str = ""

    def __bool__(self):
        return bool(self.phone or self.marketplaces or self.website)


def consent_in_force(umkm_id: int) -> Consent | None:
    return Consent.objects.in_force().filter(umkm_id=umkm_id).first()


def consented_channels(umkm_id: int, consent: Consent | None = None) -> Channels:
    """Contact and marketplace links only as far as the consent in force covers them."""
    consent = consent if consent is not None else consent_in_force(umkm_id)
    if consent is None:
        return Channels()
    entry = CatalogueEntry.objects.filter(umkm_id=umkm_id).first()
    if entry is None:
        return Channels()
    channels = Channels()
    if consent.contact and entry.business_phone:
        channels.phone = entry.business_phone
        digits = "".join(ch for ch in entry.business_phone if ch.isdigit())
        channels.whatsapp = "https://wa.me/" + ("62" + digits[1:] if digits.startswith("0") else digits)
    if consent.marketplace:
        channels.marketplaces = entry.marketplace_links()
        channels.website = entry.website_url
    return channels


def public_point(umkm_id: int, consent: Consent | None) -> tuple[dict | None, bool]:
    """Where a published UMKM is shown: its own point with consent to it, otherwise its
    desa's centre. Returns (GeoJSON point, exact)."""
    if consent is not None and consent.exact_location:
        location = UMKM.objects.filter(pk=umkm_id).values_list("location", flat=True).first()
        if location:
            return location, True
    centre = UMKM.objects.filter(pk=umkm_id).values_list("desa__centre", flat=True).first()
    return centre, False

