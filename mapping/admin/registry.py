from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from mapping import spreadsheet_specs as specs
from mapping.admin.filters import DesaFilter, KecamatanFilter, PermitFilter, ProductKecamatanFilter, SectorFilter, SizeClassFilter
from mapping.admin.mixins import (
    AuditedAdminMixin,
    FactsAdminMixin, ReferenceListAdminMixin, ScopedAdminMixin, VersionCheckedForm, VersionedAdminMixin,
)
from mapping.models import UMKM, Desa, Permit, Product, Sector
from mapping.services.facts import facts_changed
from mapping.services.komoditas import products_komoditas_suggest
from spreadsheets.admin import SpreadsheetAdminMixin


@admin.register(Sector)
class SectorAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, ReferenceListAdminMixin, admin.ModelAdmin):
    resource_classes = [specs.SectorResource]
    spec_kind = "sektor"

    list_display = ["name", "code", "order", "eligible_unggulan", "product_total"]
    list_editable = ["order", "eligible_unggulan"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("jumlah produk"), ordering="product_total")
    def product_total(self, obj):
        return obj.product_total


class ProductInline(admin.StackedInline):
    model = Product
    form = VersionCheckedForm
    extra = 0
    fields = [
        "edit_version",
        ("name", "sector"),
        "description",
        "photo",
        ("monthly_capacity", "capacity_unit", "price"),
        ("market_reach", "local_material_pct", "is_active"),
    ]
    show_change_link = True


class PermitInline(admin.TabularInline):
    model = Permit
    extra = 0
    fields = ["kind", "product", "number", "issued_on", "valid_until"]


@admin.register(UMKM)
class UMKMAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, FactsAdminMixin, VersionedAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
    resource_classes = [specs.UMKMResource]
    spec_kind = "umkm"
    form = VersionCheckedForm

    def facts_of(self, queryset):
        rows = list(queryset.values_list("pk", "desa_id"))
        return {"umkm_ids": [pk for pk, _desa in rows], "desa_ids": [desa for _pk, desa in rows]}

    list_display = [
        "name", "owner_name", "desa_name", "kecamatan_name", "size_class_display",
        "nib", "is_active", "is_demo",
    ]
    list_filter = [
        KecamatanFilter, DesaFilter, SectorFilter, SizeClassFilter, PermitFilter,
        "is_active", "is_demo",
    ]
    search_fields = ["name", "owner_name", "nib", "desa__name", "products__name"]
    autocomplete_fields = ["desa"]
    inlines = [ProductInline, PermitInline]
    readonly_fields = ["size_class_display", "is_demo", "created_by", "created_at", "updated_by", "updated_at"]
    fieldsets = [
        (_("Usaha"), {"fields": ["name", "owner_name", "nik", "phone", "phone_other", "address", "nib", "is_active"]}),
        (_("Wilayah dan lokasi"), {"fields": ["desa", "location"]}),
        (
            _("Skala usaha (PP 7/2021)"),
            {"fields": ["founded_year", "workers", "capital", "annual_turnover", "size_class_display"]},
        ),
        (_("Riwayat"), {"fields": ["edit_version", "is_demo", "created_by", "created_at", "updated_by", "updated_at"]}),
    ]
    list_per_page = 50

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if products_komoditas_suggest(form.instance.products.values_list("pk", flat=True)):
            facts_changed(umkm_ids=[form.instance.pk])  # its facts know its products' commodities

    def get_queryset(self, request):
        return super().get_queryset(request).with_related()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "desa":
            kwargs["queryset"] = Desa.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("desa/kelurahan"), ordering="desa__name")
    def desa_name(self, obj):
        return obj.desa.name

    @admin.display(description=_("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan_name(self, obj):
        return obj.desa.kecamatan.name

    @admin.display(description=_("skala usaha"))
    def size_class_display(self, obj):
        if obj.capital is None or obj.annual_turnover is None:
            return "—"
        return obj.get_size_class_display()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Product)
class ProductAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, FactsAdminMixin, VersionedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [specs.ProductResource]
    spec_kind = "produk"
    form = VersionCheckedForm
    list_display = ["name", "umkm", "sector", "komoditas", "komoditas_confirmed", "kecamatan_name", "market_reach",
                    "price"]
    list_filter = [ProductKecamatanFilter, "sector", "komoditas", "komoditas_confirmed", "market_reach", "is_active"]
    search_fields = ["name", "umkm__name", "description"]
    autocomplete_fields = ["umkm"]
    list_per_page = 50

    def facts_of(self, queryset):
        return {"umkm_ids": list(queryset.values_list("umkm_id", flat=True))}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        products_komoditas_suggest([obj.pk])

    def get_queryset(self, request):
        return super().get_queryset(request).with_related().select_related("komoditas")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "umkm":
            kwargs["queryset"] = UMKM.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("kecamatan"), ordering="umkm__desa__kecamatan__name")
    def kecamatan_name(self, obj):
        return obj.umkm.desa.kecamatan.name
