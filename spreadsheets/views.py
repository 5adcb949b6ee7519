"""Spreadsheet import and export pages: templates, upload, dry run, import, history, undo."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from purbalingga_umkm.tables import CONTENT_TYPES, table_response
from purbalingga_umkm.replica import reads_from_replica
from spreadsheets import columns, imports, workbooks
from spreadsheets.forms import ImportUploadForm
from spreadsheets.models import ImportBatch, ImportChange
from spreadsheets.specs import SPECS, specs_for

ERRORS_PER_PAGE = 50
BATCHES_PER_PAGE = 20


def _spec_for(request, kind: str, action: str):
    """The import/export spec of `kind`, if the user holds its permission (403 otherwise)."""
    spec = SPECS.get(kind)
    if spec is None or (action == "import" and not spec.importable):
        raise Http404
    if not request.user.has_perm(spec.permission(action)):
        raise PermissionDenied
    return spec


def _own_batch(request, pk: int):
    """A batch the user uploaded (only they answer its mapping, reading and matching questions)."""
    batch = _batch_for(request, pk)
    if batch.created_by_id != request.user.pk:
        raise PermissionDenied
    return batch


def _numbered(post, prefix: str) -> dict[int, str]:
    """{n: value} of the form fields named prefix + n ("kolom-3", "sama-12")."""
    return {int(name[len(prefix):]): value for name, value in post.items()
            if name.startswith(prefix) and name[len(prefix):].isdigit()}


def _batch_for(request, pk: int):
    batch = get_object_or_404(
        ImportBatch.objects.visible_to(request.user).defer("content").select_related("created_by", "undone_by"), pk=pk)
    return imports.import_mark_stale(batch)


@require_safe
@login_required
def transfers(request):
    """Import and export: templates, upload, exports, and the user's import history."""
    importable = specs_for(request.user, "import")
    exportable = specs_for(request.user, "export")
    if not importable and not exportable:
        raise PermissionDenied
    batches = ImportBatch.objects.visible_to(request.user).without_content().select_related("created_by")
    context = {
        "importable": importable,
        "exportable": exportable,
        "form": ImportUploadForm(),
        "page": Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("halaman")),
        "kinds": {s.kind: s.label for s in SPECS.values()},
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_mb": settings.IMPORT_MAX_BYTES // 1_048_576,
    }
    return render(request, "spreadsheets/transfers.html", context)


@require_safe
@login_required
def import_template(request, kind):
    spec = _spec_for(request, kind, "import")
    response = HttpResponse(workbooks.template_workbook(spec), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="templat-impor-{spec.kind}.xlsx"'
    return response


@require_POST
@login_required
def import_upload(request, kind):
    spec = _spec_for(request, kind, "import")
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(f"{reverse('spreadsheets:transfers')}?jenis={spec.kind}")
    batch = imports.import_start(spec=spec, upload=form.cleaned_data["file"], user=request.user)
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_safe
@login_required
def import_detail(request, pk):
    batch = _batch_for(request, pk)
    spec = SPECS[batch.kind]
    context = {
        "batch": batch,
        "spec": spec,
        "status_help": imports.STATUS_HELP[batch.status],
        "errors": Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("halaman")),
        "can_act": batch.created_by_id == request.user.pk and request.user.has_perm(spec.permission("import")),
        "can_undo": request.user.has_perm(spec.permission("import")),
        "form": ImportUploadForm(),
        "mapping_rows": _mapping_rows(batch, spec) if batch.status == ImportBatch.Status.MAPPING else [],
        "mapping_targets": _mapping_targets(spec) if batch.status == ImportBatch.Status.MAPPING else [],
    }
    return render(request, "spreadsheets/import_detail.html", context)


def _mapping_targets(spec) -> list[tuple[str, str]]:
    return [(key, target.label + (" *" if target.column.required and not target.append
                                  and key == target.column.name else ""))
            for key, target in columns.targets_of(spec).items()]


def _mapping_rows(batch, spec) -> list[dict]:
    material = batch.columns or {}
    headers, examples = material.get("headers", []), material.get("examples", [])
    suggestions = material.get("suggestions", {})
    return [{"index": index, "header": header or _("(tanpa judul)"),
             "examples": examples[index] if index < len(examples) else [],
             "suggested": suggestions.get(str(index), "")}
            for index, header in enumerate(headers)]


@require_safe
@login_required
def import_status(request, pk):
    batch = _batch_for(request, pk)
    return JsonResponse({
        "status": batch.status, "label": batch.get_status_display(), "running": batch.is_running,
        "progress": batch.progress, "total": batch.total_rows,
    })


@require_safe
@login_required
def import_error_report(request, pk):
    batch = _batch_for(request, pk)
    rows = [[e["row"], e["column"], e["value"], e["message"]] for e in batch.errors]
    if batch.error_count > len(batch.errors):
        rows.append(["", "", "", _("… dan %(n)s galat lainnya tidak dicantumkan.") % {"n": batch.error_count - len(rows)}])
    return table_response(headers=[_("Baris"), _("Kolom"), _("Nilai"), _("Galat")], rows=rows,
                          filename=f"galat-impor-{batch.pk}", fmt=request.GET.get("format", "csv"), title=_("Galat"))


@require_safe
@login_required
def import_row_report(request, pk):
    """Every row an import created or updated, with the id it has in the portal."""
    batch = _batch_for(request, pk)
    if batch.status not in (ImportBatch.Status.DONE, ImportBatch.Status.UNDONE):
        raise Http404
    actions = dict(ImportChange.Action.choices)
    rows = (
        [number, str(actions[action]), object_id]
        for number, action, object_id in batch.changes.order_by("row_number").values_list(
            "row_number", "action", "object_id").iterator(chunk_size=5000)
    )
    return table_response(headers=[_("Baris"), _("Tindakan"), _("ID di portal")], rows=rows,
                          filename=f"laporan-impor-{batch.pk}", fmt=request.GET.get("format", "csv"),
                          title=_("Laporan"), stream=True)


@require_POST
@login_required
def import_confirm(request, pk):
    batch = _batch_for(request, pk)
    if batch.status != ImportBatch.Status.READY:
        messages.error(request, _("Berkas ini tidak dalam status siap diimpor (%(status)s).") % {
            "status": batch.get_status_display()})
        return redirect("spreadsheets:import-detail", pk=batch.pk)
    try:
        imports.import_confirm(batch=batch, user=request.user)
    except imports.NearMatchesOpen as open_rows:
        messages.error(request, _("Jawab dulu %(n)s baris \u201cmungkin sama dengan\u201d: sama (perbarui) atau UMKM baru. "
                                  "Tidak ada yang disimpan.") % {"n": open_rows.args[0]})
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_map(request, pk):
    """The mapping step: for each file column, the field it fills (or 'abaikan')."""
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.MAPPING:
        messages.error(request, _("Berkas ini tidak sedang menunggu pemetaan kolom."))
        return redirect("spreadsheets:import-detail", pk=batch.pk)
    try:
        imports.import_map(batch=batch, user=request.user, choices=_numbered(request.POST, "kolom-"),
                           profile_name=request.POST.get("profil", "") if request.POST.get("simpan") else "")
    except imports.MappingRefused as refused:
        messages.error(request, _("Pemetaan belum diterapkan; tidak ada yang disimpan."))
        for problem in refused.problems:
            messages.warning(request, problem)
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_reading(request, pk):
    """Read the file again: another sheet, or its hidden rows counted or not."""
    batch = _own_batch(request, pk)
    sheets = (batch.columns or {}).get("sheets", [])
    sheet = request.POST.get("lembar")
    hidden = request.POST.get("baris_tersembunyi")
    if (sheet is not None and sheet not in sheets) or batch.status not in (
            ImportBatch.Status.READY, ImportBatch.Status.INVALID, ImportBatch.Status.MAPPING):
        messages.error(request, _("Pilihan pembacaan tidak dapat dipakai untuk berkas ini."))
        return redirect("spreadsheets:import-detail", pk=batch.pk)
    imports.import_reading(batch=batch, user=request.user, sheet=sheet, hidden_rows=hidden)
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_decide(request, pk):
    """Answers to "mungkin sama dengan …": the same stored row, or a new one."""
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.READY:
        messages.error(request, _("Berkas ini tidak dalam status siap diimpor (%(status)s).") % {
            "status": batch.get_status_display()})
        return redirect("spreadsheets:import-detail", pk=batch.pk)
    imports.import_decide(batch=batch, user=request.user, answers=_numbered(request.POST, "sama-"))
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_recheck(request, pk):
    batch = _batch_for(request, pk)
    imports.import_recheck(batch=batch, user=request.user)
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_undo(request, pk):
    batch = _batch_for(request, pk)
    if request.POST.get("yakin") != "1":
        messages.error(request, _("Centang pernyataan bahwa Anda mengerti akibat pembatalan; tidak ada yang diubah."))
        return redirect("spreadsheets:import-detail", pk=batch.pk)
    blockers = imports.import_undo(batch=batch, user=request.user)
    if blockers:
        messages.error(request, _("Impor ini tidak dibatalkan; tidak ada yang diubah. Penyebabnya:"))
        for reason in blockers:
            messages.warning(request, reason)
    else:
        messages.success(request, _("Impor dibatalkan: data dikembalikan seperti sebelum impor."))
    return redirect("spreadsheets:import-detail", pk=batch.pk)


@require_safe
@login_required
@reads_from_replica
def export_rows(request, kind):
    """A spec's rows in the user's scope, with the template's headers (re-importable)."""
    spec = _spec_for(request, kind, "export")
    # Personal data (NIK) only for those who may change the rows.
    rows = spec.export_rows(spec.export_queryset(request.user), personal=request.user.has_perm(spec.permission("change")))
    return table_response(headers=spec.export_headers(), rows=rows, filename=f"ekspor-{spec.kind}",
                          fmt=request.GET.get("format", "xlsx"), title=str(spec.label), stream=True,
                          text_headers=spec.text_headers())
