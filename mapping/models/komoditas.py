"""Produk unggulan as the regency means it: commodities of places.

A Komoditas (sapu glagah, knalpot, gula kelapa …) groups the products of many UMKM; a
Sentra is a known production centre of one komoditas in one kecamatan (and desa, where the
source names it), with the evidence and its source. The real sentra of Purbalingga ship
as reference data (fixtures/komoditas.json, loaded with the geography).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mapping.models.geography import CodedQuerySet, Desa, Kecamatan
from mapping.models.registry import Sector
from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.validators import validate_long_text, validate_plain_text


def name_key(text: str) -> str:
    """A product or commodity name compared without case, accents, punctuation or spacing."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def best_match(product_name: str, candidates):
    """The candidate one of whose phrases appears, as whole words, in `product_name`; the
    longest phrase wins ("gula kelapa organik" before "gula kelapa"). `candidates` yields
    (item, phrases). The one rule by which a product name suggests a commodity."""
    key = f" {name_key(product_name)} "
    best, best_length = None, 0
    for item, phrases in candidates:
        for phrase in phrases:
            if phrase and f" {phrase} " in key and len(phrase) > best_length:
                best, best_length = item, len(phrase)
    return best


class KomoditasQuerySet(CodedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def matching(self, product_name: str) -> "Komoditas | None":
        """The active commodity that `product_name` suggests (best_match)."""
        return best_match(product_name, ((k, k.phrases()) for k in self.active()))


class Komoditas(models.Model):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama komoditas"), max_length=100, unique=True, validators=[validate_plain_text])
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="komoditas", verbose_name=_("sektor"))
    synonyms = models.TextField(
        _("sinonim"), blank=True, validators=[validate_long_text, validate_plain_text],
        help_text=_("Satu per baris: nama lain yang dipakai pelaku usaha, mis. 'gula semut' untuk Gula kelapa. "
                    "Nama produk yang memuat salah satunya disarankan masuk komoditas ini."),
    )
    description = models.TextField(_("keterangan"), blank=True, validators=[validate_long_text])
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = KomoditasQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("komoditas")
        verbose_name_plural = _("komoditas")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def phrases(self) -> list[str]:
        return [p for p in {name_key(self.name), *(name_key(s) for s in self.synonyms.splitlines())} if p]


class Sentra(models.Model):
    """A production centre: where a commodity is made, known from a public source."""

    komoditas = models.ForeignKey(Komoditas, on_delete=models.CASCADE, related_name="sentra",
                                  verbose_name=_("komoditas"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="sentra",
                                  verbose_name=_("kecamatan"))
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True, related_name="sentra",
                             verbose_name=_("desa/kelurahan"), help_text=_("Kosongkan bila sumber hanya menyebut kecamatan."))
    product_label = models.CharField(_("nama di sumber"), max_length=150, blank=True,
                                     validators=[validate_plain_text])
    evidence = models.TextField(_("bukti"), validators=[validate_long_text],
                                help_text=_("Apa yang diketahui dari sumber: sejak kapan, berapa pelaku, pasar."))
    source_url = models.URLField(_("sumber (URL)"), max_length=500)
    attribution = models.CharField(_("atribusi"), max_length=200, blank=True)
    is_reference = models.BooleanField(_("data rujukan"), default=False, editable=False,
                                       help_text=_("Dimuat dari berkas fakta resmi bersama data wilayah."))
    created_by = user_stamp_field(_("dicatat oleh"))

    class Meta:
        ordering = ["komoditas__name", "kecamatan__code", "desa__code"]
        verbose_name = _("sentra")
        verbose_name_plural = _("sentra")
        constraints = [models.UniqueConstraint(fields=["komoditas", "kecamatan", "desa", "source_url"],
                                               name="sentra_unique_per_source")]

    def __str__(self):
        place = self.desa.name if self.desa_id else self.kecamatan.name
        return f"{self.komoditas} — {place}"

    def clean(self):
        super().clean()
        if self.desa_id and self.kecamatan_id and self.desa.kecamatan_id != self.kecamatan_id:
            raise ValidationError({"desa": _("Desa %(desa)s ada di Kecamatan %(kec)s, bukan di kecamatan yang dipilih.")
                                   % {"desa": self.desa.name, "kec": self.desa.kecamatan.name}})
