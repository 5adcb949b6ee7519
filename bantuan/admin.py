from django.contrib import admin

from bantuan.models import (
    Disbursement, Flag, Kelompok, Member, Objection, PersonStatus, Program, Recipient, StackingRule, Stage, UseCheck,
)
from mapping.admin import AuditedAdminMixin, ScopedAdminMixin


class NoDeleteMixin:
    """Aid records are kept for years: a recipient leaves through a state, a payment is cancelled."""

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(NoDeleteMixin, admin.TabularInline):
    model = Member
    extra = 1
    autocomplete_fields = ["umkm"]
    fields = ["umkm", "name", "nik", "kk_number", "desa", "land_area_ha", "joined_on", "left_on"]


@admin.register(Kelompok)
class KelompokAdmin(AuditedAdminMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "desa", "komoditas", "formed_on", "is_active"]
    list_filter = ["kind", "is_active", "desa__kecamatan"]
    search_fields = ["name", "leader_name", "registry_number", "desa__name"]
    autocomplete_fields = ["desa", "komoditas"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("desa", "komoditas").defer("desa__boundary", "desa__centre")


class StageInline(NoDeleteMixin, admin.TabularInline):
    model = Stage
    extra = 1


@admin.register(Program)
class ProgramAdmin(AuditedAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "year", "kind", "recipient_type", "budget", "quota", "dinas"]
    list_filter = ["year", "kind", "recipient_type", "budget_source"]
    search_fields = ["name", "dinas"]
    inlines = [StageInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StackingRule)
class StackingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["kind_a", "kind_b", "note"]


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    can_delete = False
    fields = ["code", "message", "justification", "overridden_by", "overridden_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recipient)
class RecipientAdmin(AuditedAdminMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read here; proposed, checked and decided on the program page (/bantuan/)."""

    list_display = ["__str__", "program", "stage", "kecamatan", "state"]
    list_filter = ["program__year", "program", "state", "kecamatan"]
    search_fields = ["umkm__name", "kelompok__name"]
    readonly_fields = ["program", "stage", "umkm", "kelompok", "kecamatan", "state", "reason", "shortlist_note",
                       "proposed_by", "created_at"]
    inlines = [FlagInline]

    def has_add_permission(self, request):
        return False


@admin.register(Disbursement)
class DisbursementAdmin(AuditedAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["recipient", "value", "status", "delivered_on", "bast_number"]
    list_filter = ["status", "recipient__program"]
    readonly_fields = [f.name for f in Disbursement._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(UseCheck)
class UseCheckAdmin(AuditedAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["disbursement", "months", "due_on", "recorded_on", "result"]
    list_filter = ["months", "result", ("recorded_on", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in UseCheck._meta.fields]

    def has_add_permission(self, request):
        return False



@admin.register(PersonStatus)
class PersonStatusAdmin(AuditedAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    """KUR, ASN and welfare-decile records from official sources, dated, for the programs' rules.
    A record that stops being true gets its end date; it is never deleted."""

    list_display = ["nik", "kind", "decile", "as_of", "ends_on", "source", "recorded_by"]
    list_filter = ["kind", "source"]
    search_fields = ["=nik", "source"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Objection)
class ObjectionAdmin(AuditedAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    """Read here; answered on the program page."""

    list_display = ["pk", "program", "recipient", "status", "sent_at", "answered_at"]
    list_filter = ["status", "program"]
    readonly_fields = [f.name for f in Objection._meta.fields]

    def has_add_permission(self, request):
        return False
