from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django.db.models import Prefetch

from mapping.admin import AuditedAdminMixin, FactsAdminMixin, KecamatanFilter, ScopedAdminMixin
from mapping.models import UMKM
from purbalingga_umkm.audit import SOURCE_ADMIN, audit_event
from purbalingga_umkm.models import AuditEntry
from mentoring.models import Assignment, FollowUp, HeldSubmission, Meeting, MonthlyReport, Pendamping, Topic, Visit
from mentoring.spreadsheet_specs import AssignmentResource
from spreadsheets.admin import SpreadsheetAdminMixin


class NoDeleteMixin:
    """History is kept: pendamping are deactivated and assignments ended, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(NoDeleteMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["kecamatan", "start_date", "end_date", "note"]


@admin.register(Pendamping)
class PendampingAdmin(AuditedAdminMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "user", "nip", "phone", "current_kecamatan", "is_active", "is_demo"]
    list_filter = ["is_active", "is_demo", ("assignments__kecamatan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "nip", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [AssignmentInline]

    def get_queryset(self, request):
        in_force = Assignment.objects.in_force().select_related("kecamatan").defer(
            "kecamatan__boundary", "kecamatan__centre")
        return super().get_queryset(request).select_related("user").prefetch_related(
            Prefetch("assignments", queryset=in_force, to_attr="assignments_in_force"))

    @admin.display(description=_("kecamatan saat ini"))
    def current_kecamatan(self, obj):
        return ", ".join(a.kecamatan.name for a in obj.assignments_in_force) or "—"

    def save_formset(self, request, form, formset, change):
        for assignment in formset.save(commit=False):
            if assignment.pk is None:
                assignment.created_by = request.user
            assignment.save()
        formset.save_m2m()


class CurrentAssignmentFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("aktif", _("Berlaku")), ("berakhir", _("Berakhir / belum mulai"))]

    def queryset(self, request, queryset):
        current = Assignment.objects.in_force().values("pk")
        if self.value() == "aktif":
            return queryset.filter(pk__in=current)
        if self.value() == "berakhir":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(SpreadsheetAdminMixin, AuditedAdminMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [AssignmentResource]
    spec_kind = "penugasan"
    list_display = ["pendamping", "kecamatan", "start_date", "end_date", "is_current_display"]
    list_filter = [CurrentAssignmentFilter, "kecamatan"]
    search_fields = ["pendamping__full_name", "kecamatan__name"]
    autocomplete_fields = ["pendamping"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pendamping").defer(
            "kecamatan__boundary", "kecamatan__centre"
        ).select_related("kecamatan").with_in_force()

    @admin.display(description=_("berlaku"), boolean=True, ordering="in_force")
    def is_current_display(self, obj):
        return obj.in_force

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Topic)
class TopicAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"code": ["name"]}


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ["description", "due_date", "status"]


class VisitKecamatanFilter(KecamatanFilter):
    kecamatan_path = "umkm__desa__kecamatan"


@admin.register(Visit)
class VisitAdmin(AuditedAdminMixin, FactsAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "umkm", "pendamping", "topic_list", "is_demo"]
    list_filter = [VisitKecamatanFilter, "topics", "is_demo"]
    date_hierarchy = "date"
    search_fields = ["umkm__name", "pendamping__full_name", "notes"]
    autocomplete_fields = ["umkm", "pendamping"]
    filter_horizontal = ["topics"]
    inlines = [FollowUpInline]
    readonly_fields = ["created_by", "created_at"]

    def facts_of(self, queryset):
        return {"desa_ids": list(queryset.values_list("umkm__desa_id", flat=True))}  # visits count in their desa

    def get_queryset(self, request):
        return super().get_queryset(request).with_related().prefetch_related("topics")

    @admin.display(description=_("topik"))
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "umkm":
            kwargs["queryset"] = UMKM.objects.editable_by(request.user)
        if db_field.name == "pendamping":
            kwargs["queryset"] = Pendamping.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class FollowUpKecamatanFilter(KecamatanFilter):
    kecamatan_path = "visit__umkm__desa__kecamatan"


@admin.register(FollowUp)
class FollowUpAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["description", "visit", "due_date", "status"]
    list_filter = ["status", FollowUpKecamatanFilter]
    search_fields = ["description", "visit__umkm__name"]
    readonly_fields = ["done_at", "done_by"]
    raw_id_fields = ["visit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("visit__umkm")


class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    """Accounts: every change of roles (groups), staff or superuser flags enters the audit
    trail with before and after, so it is known who gave whom access to what."""

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_event(form.instance, action=AuditEntry.Action.ROLES, by=request.user, source=SOURCE_ADMIN,
                        changes={"groups": [before, after]})


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)


@admin.register(Meeting)
class MeetingAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "place", "pendamping", "kecamatan"]
    list_filter = ["kecamatan", "date"]
    search_fields = ["place", "topics", "attendees", "pendamping__full_name"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pendamping", "kecamatan").defer(
            "kecamatan__boundary", "kecamatan__centre")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read here; submitted and decided on the report page (/laporan/bulanan/)."""

    list_display = ["pendamping", "year", "month", "status", "submitted_at", "decided_by"]
    list_filter = ["status", "year", "month"]
    search_fields = ["pendamping__full_name"]
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HandledFilter(admin.SimpleListFilter):
    title = _("penanganan")
    parameter_name = "ditangani"

    def lookups(self, request, model_admin):
        return [("belum", _("Belum ditangani")), ("sudah", _("Sudah ditangani"))]

    def queryset(self, request, queryset):
        if self.value() in ("belum", "sudah"):
            return queryset.filter(done_at__isnull=self.value() == "belum")
        return queryset


@admin.register(HeldSubmission)
class HeldSubmissionAdmin(admin.ModelAdmin):
    """Forms the portal refused when a phone sent them (e.g. after the assignment ended),
    handed over instead of lost: read, act in the portal, then mark them handled."""

    list_display = ["created_at", "user", "path", "reason", "done_at"]
    list_filter = [HandledFilter, "created_at"]
    search_fields = ["user__username", "path", "reason"]
    readonly_fields = ["user", "path", "reason", "fields_text", "photo", "kept_at", "created_at", "done_by", "done_at"]
    exclude = ["fields"]
    actions = ["mark_done"]

    @admin.display(description=_("isian"))
    def fields_text(self, held):
        return "\n".join(f"{name}: {', '.join(values)}" for name, values in held.fields.items())

    @admin.action(description=_("Tandai sudah ditangani"))
    def mark_done(self, request, queryset):
        count = queryset.filter(done_at__isnull=True).update(done_by=request.user, done_at=timezone.now())
        self.message_user(request, _("%(n)s isian ditandai sudah ditangani.") % {"n": count})

    def has_add_permission(self, request):
        return False
