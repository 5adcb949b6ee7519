from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from mapping import spreadsheet_specs as specs
from mapping.admin.filters import JenisDesaFilter
from mapping.admin.mixins import AuditedAdminMixin, FactsAdminMixin, ScopedAdminMixin
from mapping.models import UMKM, Desa, Kecamatan
from spreadsheets.admin import SpreadsheetAdminMixin


@admin.register(Kecamatan)
class KecamatanAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, FactsAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
    resource_classes = [specs.KecamatanResource]
    spec_kind = "kecamatan"
    list_display = ["code", "name", "desa_total"]
    fields = ["code", "name", "boundary", "centre"]
    search_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(desa_total=Count("desa_set"))

    @admin.display(description=_("jumlah desa/kelurahan"), ordering="desa_total")
    def desa_total(self, obj):
        return obj.desa_total


@admin.register(Desa)
class DesaAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, FactsAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
    resource_classes = [specs.DesaResource]
    spec_kind = "desa"
    list_display = ["code", "name", "jenis_display", "kecamatan"]
    fields = ["kecamatan", "code", "name", "boundary", "centre"]
    list_filter = [JenisDesaFilter, "kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    ordering = ["code"]
    list_select_related = ["kecamatan"]
    change_form_template = "admin/mapping/desa/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("kecamatan__boundary", "kecamatan__centre")

    @admin.display(description=_("jenis"))
    def jenis_display(self, obj):
        return obj.get_jenis_display()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "kecamatan" in form.changed_data:
            # Moved to another kecamatan (its code with it): its UMKM's facts go along.
            request.facts_before["umkm_ids"] = list(UMKM.objects.filter(desa=obj).values_list("pk", flat=True))

    def facts_of(self, queryset) -> dict:
        """The desa's summaries and its kecamatan's kept figures (before and after a save:
        both kecamatan when it moves)."""
        desa = list(queryset.values_list("pk", "kecamatan_id"))
        return {"desa_ids": [pk for pk, _k in desa], "kecamatan_ids": [k for _pk, k in desa]}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The desa is drawn inside its kecamatan: the page's map script adds this outline.
        desa = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if desa is not None:
            kecamatan = Kecamatan.objects.only("code", "name", "boundary").get(pk=desa.kecamatan_id)
            extra_context["kecamatan_outline"] = {
                "type": "Feature",
                "geometry": kecamatan.boundary,
                "properties": {"name": kecamatan.name, "code": kecamatan.code},
            }
        return super().change_view(request, object_id, form_url, extra_context)
