from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from spreadsheets.models import ImportBatch
from spreadsheets.specs import SPECS


class SpreadsheetAdminMixin(ExportMixin):
    """Export with django-import-export (the template's columns, formula cells neutralised,
    permission `<app>.export_<model>`), and a link to the portal's checked import.

    Imports do not use the library's import view: its bulk mode cannot tie errors to
    rows and its row-by-row mode is too slow for 100,000 rows (see spreadsheets/imports.py).
    """

    formats = [XLSX, CSV]
    export_form_class = ExportForm
    import_export_change_list_template = "admin/spreadsheet_change_list.html"
    spec_kind = ""

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Ekspor %(what)s") % {"what": self.model._meta.verbose_name_plural}
        return context

    def changelist_view(self, request, extra_context=None):
        spec = SPECS[self.spec_kind]
        extra_context = {
            **(extra_context or {}),
            "spreadsheet_import_url": (
                f"{reverse('spreadsheets:transfers')}#impor-{spec.kind}"
                if spec.importable and request.user.has_perm(spec.permission("import")) else ""
            ),
        }
        return super().changelist_view(request, extra_context)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Import history for staff: read-only; the portal page shows errors and offers undo."""

    list_display = ("created_at", "kind", "file_name", "created_by", "status", "counts_shown", "portal_link")
    list_filter = ("status", "kind")
    search_fields = ("file_name", "checksum", "created_by__username")
    date_hierarchy = "created_at"
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "content"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_content().select_related("created_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("baru / diperbarui / tetap / galat"))
    def counts_shown(self, obj):
        c = obj.counts or {}
        return f"{c.get('new', 0)} / {c.get('updated', 0)} / {c.get('unchanged', 0)} / {c.get('error', 0)}"

    @admin.display(description=_("rincian"))
    def portal_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("spreadsheets:import-detail", args=[obj.pk]), _("buka"))
