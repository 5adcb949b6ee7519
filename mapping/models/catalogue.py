"""The public catalogue: which UMKM are shown to buyers, and what their owner agreed to show.

A UMKM appears only when staff or its pendamping publish it (CatalogueEntry.is_published).
Its business contact and marketplace links, and its exact point on the map, appear only
while the owner's recorded consent covers them (Consent: who recorded it, when the owner
gave it, what it covers); a withdrawal removes them at once. What a public page may show at
all is one allow-list of fields (mapping/catalogue.py), never "everything but".
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from mapping.models.common import validate_phone
from mapping.models.registry import UMKM
from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.validators import validate_long_text, validate_not_in_future, validate_plain_text

# Marketplace links: the field, the name buyers know, and the hosts a link may point to.
MARKETPLACES = {
    "shopee_url": ("Shopee", ("shopee.co.id", "shopee.com", "shp.ee")),
    "tokopedia_url": ("Tokopedia", ("tokopedia.com", "tokopedia.link", "tkp.me")),
    "tiktok_url": ("TikTok Shop", ("tiktok.com", "vt.tiktok.com", "shop-id.tokopedia.com")),
}


def validate_web_link(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Tautan harus diawali http:// atau https:// dan memuat nama situs."),
                              code="invalid_link")


@deconstructible
class MarketplaceLinkValidator:
    """An http(s) link to the named marketplace's own hosts."""

    def __init__(self, field_name: str):
        self.field_name = field_name

    def __call__(self, value: str) -> None:
        name, hosts = MARKETPLACES[self.field_name]
        validate_web_link(value)
        host = (urlsplit(value).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValidationError(
                _("Tautan %(name)s harus menuju %(hosts)s, bukan %(host)s.")
                % {"name": name, "hosts": ", ".join(hosts), "host": host}, code="wrong_marketplace")

    def __eq__(self, other):
        return isinstance(other, MarketplaceLinkValidator) and other.field_name == self.field_name


validate_shopee_url = MarketplaceLinkValidator("shopee_url")
validate_tokopedia_url = MarketplaceLinkValidator("tokopedia_url")
validate_tiktok_url = MarketplaceLinkValidator("tiktok_url")


class CatalogueEntry(models.Model):
    """A UMKM's place in the public catalogue and the business channels it may show."""

    umkm = models.OneToOneField(UMKM, on_delete=models.CASCADE, primary_key=True, related_name="catalogue",
                                verbose_name=_("UMKM"))
    is_published = models.BooleanField(_("tampil di katalog"), default=False)
    published_at = models.DateTimeField(_("ditampilkan sejak"), null=True, blank=True)
    published_by = user_stamp_field(_("ditampilkan oleh"))
    business_phone = models.CharField(
        _("WhatsApp/telepon usaha"), max_length=20, blank=True, validators=[validate_phone],
        help_text=_("Nomor usaha untuk pembeli, bukan nomor pribadi pemilik. Tampil hanya dengan persetujuan pemilik."))
    shopee_url = models.URLField(_("tautan Shopee"), blank=True, validators=[validate_shopee_url])
    tokopedia_url = models.URLField(_("tautan Tokopedia"), blank=True, validators=[validate_tokopedia_url])
    tiktok_url = models.URLField(_("tautan TikTok Shop"), blank=True, validators=[validate_tiktok_url])
    website_url = models.URLField(_("situs web"), blank=True, validators=[validate_web_link])
    tagline = models.CharField(_("kalimat singkat untuk pembeli"), max_length=200, blank=True,
                               validators=[validate_plain_text])
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = user_stamp_field(_("diubah oleh"))

    class Meta:
        verbose_name = _("entri katalog")
        verbose_name_plural = _("entri katalog")
        indexes = [models.Index(fields=["is_published"])]

    def __str__(self):
        return str(self.umkm)

    def marketplace_links(self) -> list[tuple[str, str]]:
        """(name, link) of the marketplace links filled in, in a fixed order."""
        return [(name, getattr(self, field)) for field, (name, _hosts) in MARKETPLACES.items() if getattr(self, field)]


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """The owner's consent to show business channels or the exact location publicly,
    recorded by a person of the portal on the owner's word or form."""

    umkm = models.ForeignKey(UMKM, on_delete=models.CASCADE, related_name="consents", verbose_name=_("UMKM"))
    contact = models.BooleanField(_("kontak usaha (WhatsApp/telepon)"), default=False)
    marketplace = models.BooleanField(_("tautan marketplace dan situs web"), default=False)
    exact_location = models.BooleanField(_("titik lokasi tepat di peta"), default=False)
    given_on = models.DateField(_("tanggal persetujuan pemilik"), validators=[validate_not_in_future])
    evidence = models.CharField(
        _("bukti persetujuan"), max_length=200, validators=[validate_plain_text, validate_long_text],
        help_text=_("Mis. formulir persetujuan bertanda tangan, disimpan di kantor kecamatan."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("dicatat oleh"), editable=False)
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True, editable=False)
    withdrawn_by = user_stamp_field(_("penarikan dicatat oleh"))

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("persetujuan publikasi")
        verbose_name_plural = _("persetujuan publikasi")
        constraints = [models.UniqueConstraint(fields=["umkm"], condition=Q(withdrawn_at__isnull=True),
                                               name="one_consent_in_force_per_umkm")]

    def __str__(self):
        return f"{self.umkm} ({self.given_on:%d/%m/%Y})"

    def covers(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name)
                for name in ("contact", "marketplace", "exact_location") if getattr(self, name)]


class CatalogueListing(models.Model):
    """One active product of a published, active UMKM as the catalogue lists it: its public
    fields only (the allow-list of mapping/catalogue.py), its labels as flags and its search
    text. Rewritten with the UMKM's facts by facts_changed(), so a list page reads one
    narrow table; names of places, sectors and commodities are joined from their own rows."""

    product = models.OneToOneField("mapping.Product", on_delete=models.CASCADE, primary_key=True, related_name="+")
    umkm = models.ForeignKey(UMKM, on_delete=models.CASCADE, related_name="+")
    umkm_name = models.CharField(max_length=150)
    name = models.CharField(max_length=150)
    price = models.BigIntegerField(null=True)
    has_photo = models.BooleanField(default=False)
    market_reach = models.CharField(max_length=10)
    labels = models.IntegerField(default=0)  # one flag per code of mapping.catalogue.BADGES
    sector = models.ForeignKey("mapping.Sector", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    komoditas = models.ForeignKey("mapping.Komoditas", on_delete=models.DO_NOTHING, null=True, related_name="+",
                                  db_constraint=False)
    desa = models.ForeignKey("mapping.Desa", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    kecamatan = models.ForeignKey("mapping.Kecamatan", on_delete=models.DO_NOTHING, related_name="+",
                                  db_constraint=False)
    search = models.TextField()  # product, business and commodity names and the description, lower case

    class Meta:
        indexes = [models.Index(fields=["name", "product"]), models.Index(fields=["komoditas", "name"]),
                   models.Index(fields=["kecamatan", "name"]), models.Index(fields=["umkm"]),
                   # an area's first producers of each commodity, by business name (mapping.selectors.area_unggulan)
                   models.Index(fields=["kecamatan", "komoditas", "umkm_name", "umkm"])]
