"""The catalogue's records in the back office, to read: who published a UMKM and when, and
the owners' consents with their evidence (UU 27/2022: a consent must be shown on request).
They are written on the portal's own pages (mapping/services/catalogue.py), which check,
audit and keep the catalogue's list rows true; here nothing is added, changed or deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mapping.admin.filters import ProductKecamatanFilter
from mapping.models.catalogue import CatalogueEntry, Consent
from purbalingga_umkm.admin import ReadOnlyAdminMixin


class InForceFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("berlaku", _("berlaku")), ("ditarik", _("ditarik"))]

    def queryset(self, request, queryset):
        in_force = queryset.in_force()  # the one rule of a consent in force (ConsentQuerySet)
        if self.value() == "berlaku":
            return in_force
        if self.value() == "ditarik":
            return queryset.exclude(pk__in=in_force.values("pk"))
        return queryset


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["umkm", "is_published", "published_at", "updated_at"]
    list_filter = ["is_published", ProductKecamatanFilter]  # through the UMKM, as for products
    search_fields = ["umkm__name", "umkm__code"]
    list_select_related = ["umkm", "published_by", "updated_by"]
    exclude = ["version"]
    readonly_fields = ["published_by", "updated_at", "updated_by"]  # stamps the form would leave out

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except OverflowError:  # its key is the UMKM's: an id beyond SQLite's integers finds no entry
            return None


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["umkm", "shows_contact", "shows_marketplace", "shows_exact_location", "given", "withdrawn_at"]
    list_filter = [InForceFilter, ProductKecamatanFilter, "given_on"]
    search_fields = ["umkm__name", "umkm__code", "evidence"]
    list_select_related = ["umkm", "recorded_by"]
    date_hierarchy = "recorded_at"
    readonly_fields = ["recorded_by", "recorded_at", "withdrawn_at", "withdrawn_by"]  # stamps the form would leave out

    # Short column titles: the fields' own labels are sentences.
    @admin.display(boolean=True, description=_("kontak"), ordering="contact")
    def shows_contact(self, consent):
        return consent.contact

    @admin.display(boolean=True, description=_("marketplace"), ordering="marketplace")
    def shows_marketplace(self, consent):
        return consent.marketplace

    @admin.display(boolean=True, description=_("lokasi tepat"), ordering="exact_location")
    def shows_exact_location(self, consent):
        return consent.exact_location

    @admin.display(description=_("disetujui"), ordering="given_on")
    def given(self, consent):
        return consent.given_on
