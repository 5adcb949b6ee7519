"""sitemap.xml: the public pages a search engine may list — the catalogue, its products and
UMKM (published only, read through the catalogue's allow-list), the commodities, the
produk unggulan of the regency and of each kecamatan."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.text import slugify

from mapping import catalogue
from mapping.models import Kecamatan, Komoditas


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["mapping:home", "mapping:katalog", "mapping:ranking-kabupaten"]

    def location(self, item):
        return reverse(item)


class KecamatanUnggulanSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Kecamatan.objects.order_by("code").values_list("code", flat=True))

    def location(self, code):
        return reverse("mapping:ranking-kecamatan", args=[code])


class KomoditasSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Komoditas.objects.active().filter(sector__eligible_unggulan=True).order_by("code")
                    .values_list("code", flat=True))

    def location(self, code):
        return reverse("mapping:komoditas-detail", args=[code])


class CatalogueProductSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(catalogue.published_products().order_by("pk").values("pk", "name", "updated_at"))

    def location(self, row):
        return reverse("mapping:katalog-product", args=[row["pk"], slugify(row["name"]) or "produk"])

    def lastmod(self, row):
        return row["updated_at"]


class CatalogueUMKMSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(catalogue.published_umkm().order_by("pk").values("pk", "name"))

    def location(self, row):
        return reverse("mapping:katalog-umkm", args=[row["pk"], slugify(row["name"]) or "umkm"])


SITEMAPS = {
    "halaman": PublicPagesSitemap, "unggulan": KecamatanUnggulanSitemap, "komoditas": KomoditasSitemap,
    "produk": CatalogueProductSitemap, "umkm": CatalogueUMKMSitemap,
}
