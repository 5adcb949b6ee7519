from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mapping.models import Desa, Kecamatan, Permit, Sector, SizeClass


class JenisDesaFilter(admin.SimpleListFilter):
    title = _("jenis")
    parameter_name = "jenis"

    def lookups(self, request, model_admin):
        return Desa.Jenis.choices

    def queryset(self, request, queryset):
        if self.value() == Desa.Jenis.KELURAHAN:
            return queryset.kelurahan()
        if self.value() == Desa.Jenis.DESA:
            return queryset.desa_only()
        return queryset


class KecamatanFilter(admin.SimpleListFilter):
    """Filter by kecamatan through the path to it given in `kecamatan_path`."""

    title = _("kecamatan")
    parameter_name = "kecamatan"
    kecamatan_path = "desa__kecamatan"

    def lookups(self, request, model_admin):
        return Kecamatan.objects.values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.kecamatan_path}__code": self.value()})
        return queryset


class ProductKecamatanFilter(KecamatanFilter):
    kecamatan_path = "umkm__desa__kecamatan"


class DesaFilter(admin.SimpleListFilter):
    """Desa of the kecamatan chosen in KecamatanFilter; hidden until one is chosen."""

    title = _("desa/kelurahan")
    parameter_name = "desa"

    def lookups(self, request, model_admin):
        kecamatan_kode = request.GET.get(KecamatanFilter.parameter_name)
        if not kecamatan_kode:
            return []
        return Desa.objects.filter(kecamatan__code=kecamatan_kode).values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(desa__code=self.value())
        return queryset


class SectorFilter(admin.SimpleListFilter):
    title = _("sektor")
    parameter_name = "sektor"

    def lookups(self, request, model_admin):
        return Sector.objects.values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(products__sector__code=self.value()).distinct()
        return queryset


class SizeClassFilter(admin.SimpleListFilter):
    title = _("skala usaha")
    parameter_name = "skala"

    def lookups(self, request, model_admin):
        return SizeClass.choices

    def queryset(self, request, queryset):
        if self.value() in SizeClass.values:
            return queryset.of_size_class(self.value())
        return queryset


class PermitFilter(admin.SimpleListFilter):
    title = _("izin dimiliki")
    parameter_name = "izin"

    def lookups(self, request, model_admin):
        return Permit.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Permit.Kind.values:
            return queryset.holding_permit(self.value())
        return queryset
