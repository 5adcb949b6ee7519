from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from mapping import services, spreadsheet_specs as specs
from mapping.models import (
    UMKM, Assessment, AssessmentScore, Criterion, CriterionLevel, Desa, Kecamatan, Permit, Product,
    RatingClass, Rubric, Sector, SizeClass,
)
from mapping.services.facts import facts_changed
from spreadsheets.admin import SpreadsheetAdminMixin


class ScopedAdminMixin:
    """Admin views see and change only rows in the user's scope (mapping/access.py).

    Rows outside the scope do not exist for the admin: their URLs answer like a
    missing object, and bulk actions and filters work on the scoped queryset.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _editable(self, request, obj) -> bool:
        return self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._editable(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._editable(request, obj))


class VersionCheckedForm(forms.ModelForm):
    """Admin edits honour the same optimistic locking as the portal's survey forms."""

    # Not named "version": the model field is not editable, and this one only carries
    # the version the page was opened at.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["edit_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        sent = cleaned.get("edit_version")
        if self.instance.pk and sent is not None:
            # The admin runs inside a transaction: the row stays locked until it commits.
            stored = (
                type(self.instance).objects.select_for_update().filter(pk=self.instance.pk)
                .values_list("version", flat=True).first()
            )
            if stored != sent:
                raise ValidationError(
                    _("%(what)s ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman untuk "
                      "melihat perubahannya, lalu ulangi isian Anda; tidak ada yang disimpan."),
                    params={"what": self.instance._meta.verbose_name.capitalize()},
                    code="edit_conflict",
                )
        return cleaned


class VersionedAdminMixin:
    """Each admin save of a versioned row (and of its versioned inline rows) bumps its version."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk and inline_form.has_changed() and hasattr(instance, "version"):
                instance.version += 1
        super().save_formset(request, form, formset, change)


class FactsAdminMixin:
    """Every admin write that changes figures goes through facts_changed(), as the
    portal's do: a save with its inlines, a delete, and the bulk action "Hapus yang
    dipilih" (delete_queryset), which Django's signals-free bulk delete would skip.

    `facts_of(queryset)` says what changed (the keywords of facts_changed); read before
    a delete, since the rows are gone after it.
    """

    def facts_of(self, queryset) -> dict:
        return {}  # names and boundaries: only the cached figures are outdated

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        facts_changed(**self.facts_of(self.model._default_manager.filter(pk=form.instance.pk)))

    def delete_model(self, request, obj):
        changed = self.facts_of(self.model._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)
        facts_changed(**changed)

    def delete_queryset(self, request, queryset):
        changed = self.facts_of(queryset)
        super().delete_queryset(request, queryset)
        facts_changed(**changed)


class ReferenceListAdminMixin(FactsAdminMixin):
    """Sectors and rating classes: each has its flag in every UMKM's figures, and a
    class threshold re-classes every product, so any change recomputes them all."""

    def facts_of(self, queryset) -> dict:
        return {"everything": True}


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


@admin.register(Kecamatan)
class KecamatanAdmin(SpreadsheetAdminMixin, FactsAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
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
class DesaAdmin(SpreadsheetAdminMixin, FactsAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
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


@admin.register(Sector)
class SectorAdmin(SpreadsheetAdminMixin, ReferenceListAdminMixin, admin.ModelAdmin):
    resource_classes = [specs.SectorResource]
    spec_kind = "sektor"

    list_display = ["name", "code", "order", "product_total"]
    list_editable = ["order"]
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
class UMKMAdmin(SpreadsheetAdminMixin, FactsAdminMixin, VersionedAdminMixin, ScopedAdminMixin, LeafletGeoAdmin):
    resource_classes = [specs.UMKMResource]
    spec_kind = "umkm"
    form = VersionCheckedForm

    def facts_of(self, queryset):
        return {"umkm_ids": list(queryset.values_list("pk", flat=True))}

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
        (_("Usaha"), {"fields": ["name", "owner_name", "nik", "phone", "address", "nib", "is_active"]}),
        (_("Wilayah dan lokasi"), {"fields": ["desa", "location"]}),
        (
            _("Skala usaha (PP 7/2021)"),
            {"fields": ["founded_year", "workers", "capital", "annual_turnover", "size_class_display"]},
        ),
        (_("Riwayat"), {"fields": ["edit_version", "is_demo", "created_by", "created_at", "updated_by", "updated_at"]}),
    ]
    list_per_page = 50

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
class ProductAdmin(SpreadsheetAdminMixin, FactsAdminMixin, VersionedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [specs.ProductResource]
    spec_kind = "produk"
    form = VersionCheckedForm
    list_display = ["name", "umkm", "sector", "kecamatan_name", "market_reach", "price"]
    list_filter = [ProductKecamatanFilter, "sector", "market_reach", "is_active"]
    search_fields = ["name", "umkm__name", "description"]
    autocomplete_fields = ["umkm"]
    list_per_page = 50

    def facts_of(self, queryset):
        return {"umkm_ids": list(queryset.values_list("umkm_id", flat=True))}

    def get_queryset(self, request):
        return super().get_queryset(request).with_related()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "umkm":
            kwargs["queryset"] = UMKM.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("kecamatan"), ordering="umkm__desa__kecamatan__name")
    def kecamatan_name(self, obj):
        return obj.umkm.desa.kecamatan.name


# --- Potential rating ----------------------------------------------------------------


class LockedRubricMixin:
    """A rubric used by any assessment is frozen: past scores keep their meaning."""

    def rubric_of(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.rubric_of(obj).is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.rubric_of(obj).is_locked:
            return False
        return super().has_delete_permission(request, obj)


@admin.action(description=_("Buat versi baru dari rubrik terpilih"))
def make_new_rubric_version(modeladmin, request, queryset):
    for rubric in queryset.order_by("version"):
        copy = services.rubric_new_version(rubric=rubric)
        modeladmin.message_user(
            request, _("Versi %(v)s dibuat (belum aktif). Ubah kriterianya lalu aktifkan.") % {"v": copy.version}
        )


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["code", "name", "weight", "order", "auto_source"]
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(LockedRubricMixin, admin.ModelAdmin):
    list_display = ["version", "name", "is_active", "locked_display", "created_at"]
    list_filter = ["is_active"]
    actions = [make_new_rubric_version]
    inlines = [CriterionInline]

    @admin.display(description=_("terkunci (sudah dipakai)"), boolean=True)
    def locked_display(self, obj):
        return obj.is_locked


class LevelFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        scores = [f.cleaned_data["score"] for f in self.forms
                  if f.cleaned_data and not f.cleaned_data.get("DELETE") and "score" in f.cleaned_data]
        if len(scores) < 2:
            raise ValidationError(_("Setiap kriteria membutuhkan minimal dua tingkat skor."))
        if len(set(scores)) != len(scores):
            raise ValidationError(_("Skor tingkat tidak boleh kembar."))


class CriterionLevelInline(admin.TabularInline):
    model = CriterionLevel
    formset = LevelFormSet
    extra = 0
    fields = ["score", "description"]


@admin.register(Criterion)
class CriterionAdmin(LockedRubricMixin, admin.ModelAdmin):
    list_display = ["code", "name", "weight", "rubric"]
    list_filter = ["rubric"]
    inlines = [CriterionLevelInline]

    def rubric_of(self, obj):
        return obj.rubric


@admin.register(RatingClass)
class RatingClassAdmin(ReferenceListAdminMixin, admin.ModelAdmin):
    list_display = ["name", "min_score", "colour"]


class AssessmentScoreInline(admin.TabularInline):
    model = AssessmentScore
    extra = 0
    fields = ["criterion", "score"]
    readonly_fields = ["criterion", "score"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AssessmentKecamatanFilter(KecamatanFilter):
    kecamatan_path = "product__umkm__desa__kecamatan"


@admin.register(Assessment)
class AssessmentAdmin(SpreadsheetAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [specs.AssessmentResource]
    spec_kind = "penilaian"
    """Read-only record: assessments change only through the portal's workflow."""

    list_display = ["product", "status", "weighted_score", "mpe_total", "rubric", "assessed_by", "verified_at"]
    list_filter = ["status", AssessmentKecamatanFilter, "rubric"]
    search_fields = ["product__name", "product__umkm__name"]
    inlines = [AssessmentScoreInline]
    readonly_fields = [f.name for f in Assessment._meta.fields if f.name != "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product", "rubric", "assessed_by")

    def has_add_permission(self, request):
        return False
