from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from purbalingga_umkm.admin import ReadOnlyAdminMixin
from spreadsheets.models import ImportBatch
from spreadsheets.resources import SpreadsheetFile
from spreadsheets.specs import SPECS


class SpreadsheetAdminMixin(ImportExportMixin):
    """django-import-export's import and export buttons and screens, with the engine behind
    them (spreadsheets/resources.py): exports in the template's columns with formula cells
    neutralised, imports checked by the engine (dry run with row errors, then all rows or
    none, with history the portal can undo). Permissions `<app>.import_<model>` and
    `<app>.export_<model>`; rows outside the user's scope refuse the whole file.
    """

    formats = [XLSX, CSV]
    import_formats = [SpreadsheetFile]
    export_form_class = ExportForm
    import_export_change_list_template = "admin/spreadsheet_change_list.html"
    import_template_name = "admin/spreadsheet_import.html"
    import_error_display = ("message",)
    spec_kind = ""

    def has_import_permission(self, request):
        return SPECS[self.spec_kind].importable and super().has_import_permission(request)

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Ekspor %(what)s") % {"what": self.model._meta.verbose_name_plural}
        return context

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["spec"] = SPECS[self.spec_kind]
        return context

    def add_success_message(self, result, request):
        messages.success(request, _("Impor selesai: %(new)s baru, %(update)s diperbarui, %(skip)s tidak berubah.") % {
            "new": result.totals["new"], "update": result.totals["update"], "skip": result.totals["skip"]})

    def process_result(self, result, request):
        response = super().process_result(result, request)
        if result.batch is not None:
            messages.info(request, format_html(
                _('Riwayat impor ini, laporan per baris dan "Batalkan impor ini": <a href="{}">{}</a>.'),
                reverse("spreadsheets:import-detail", args=[result.batch.pk]), result.batch.file_name))
        return response

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
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Import history for staff: read-only; the portal page shows errors and offers undo."""

    list_display = ("created_at", "kind", "file_name", "created_by", "status", "counts_shown", "portal_link")
    list_filter = ("status", "kind")
    search_fields = ("file_name", "checksum", "created_by__username")
    date_hierarchy = "created_at"
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "content"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_content().select_related("created_by")

    @admin.display(description=_("baru / diperbarui / tetap / galat"))
    def counts_shown(self, obj):
        c = obj.counts or {}
        return f"{c.get('new', 0)} / {c.get('updated', 0)} / {c.get('unchanged', 0)} / {c.get('error', 0)}"

    @admin.display(description=_("rincian"))
    def portal_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("spreadsheets:import-detail", args=[obj.pk]), _("buka"))
