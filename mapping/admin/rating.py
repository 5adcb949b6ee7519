from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from mapping import services, spreadsheet_specs as specs
from mapping.admin.filters import KecamatanFilter
from mapping.admin.mixins import AuditedAdminMixin, ReferenceListAdminMixin, ScopedAdminMixin
from mapping.models import Assessment, AssessmentScore, Criterion, CriterionLevel, RatingClass, Rubric
from spreadsheets.admin import SpreadsheetAdminMixin


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
class RubricAdmin(AuditedAdminMixin, LockedRubricMixin, admin.ModelAdmin):
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
class CriterionAdmin(AuditedAdminMixin, LockedRubricMixin, admin.ModelAdmin):
    list_display = ["code", "name", "weight", "rubric"]
    list_filter = ["rubric"]
    inlines = [CriterionLevelInline]

    def rubric_of(self, obj):
        return obj.rubric


@admin.register(RatingClass)
class RatingClassAdmin(AuditedAdminMixin, ReferenceListAdminMixin, admin.ModelAdmin):
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
class AssessmentAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
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
