from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from mapping import imports, selectors, services, stats, workbooks
from mapping.exports import CONTENT_TYPES, table_response
from mapping.access import Role, role_required
from mapping.forms import AssessmentForm, ImportUploadForm, PermitForm, ProductForm, ReturnForm, UMKMForm
from mapping.models import UMKM, Assessment, Desa, ImportBatch, ImportChange, Kecamatan, Permit, Product

SURVEY_ROLES = (Role.PENDAMPING, Role.ADMIN_DINAS)


@require_safe
def home(request):
    context = {
        "totals": stats.stats_cached("portal-totals", selectors.portal_totals),
        "kecamatan_list": stats.stats_cached("kecamatan-overview", lambda: list(selectors.kecamatan_overview_list())),
    }
    return render(request, "mapping/home.html", context)


# ConditionalGetMiddleware adds an ETag, so a revalidation costs a 304.
@require_safe
@cache_control(public=True, max_age=300)
def kecamatan_geojson(request):
    return JsonResponse(stats.stats_cached("kecamatan-geojson", selectors.kecamatan_feature_collection))


@require_safe
@cache_control(public=True, max_age=300)
def desa_geojson(request):
    """Desa boundaries of one kecamatan (?kecamatan=<id>): public reference geography."""
    kecamatan = get_object_or_404(Kecamatan, pk=request.GET.get("kecamatan", "") or 0)
    return JsonResponse(selectors.desa_feature_collection(kecamatan=kecamatan))


# --- Survey: UMKM and products -------------------------------------------------------


def _save_survey_form(request, form, *, extra_fields=(), new_photo=None):
    """Save a valid survey form; returns the saved row, or None after a conflict message."""
    fields = [name for name in form.Meta.fields if name in {f.name for f in form.instance._meta.fields}]
    try:
        return services.survey_save(
            form.instance, fields=[*fields, *extra_fields], expected_version=form.cleaned_data.get("version"),
            token=form.cleaned_data.get("submission_token"), by=request.user, new_photo=new_photo,
        )
    except services.EditConflict as conflict:
        form.conflict = conflict
        # Re-saving now deliberately replaces what the other person stored.
        form.data = form.data.copy()
        form.data["version"] = conflict.current.version
        return None


@role_required(*SURVEY_ROLES)
def umkm_create(request):
    form = UMKMForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        umkm = _save_survey_form(request, form)
        messages.success(request, _("UMKM %(name)s terdaftar.") % {"name": umkm.name})
        return redirect("mapping:umkm-detail", pk=umkm.pk)
    return render(request, "mapping/umkm_form.html", {"form": form, "max_accuracy": settings.LOCATION_MAX_ACCURACY_M})


@role_required(*SURVEY_ROLES)
def umkm_update(request, pk):
    umkm = get_object_or_404(UMKM.objects.editable_by(request.user), pk=pk)
    form = UMKMForm(request.POST or None, instance=umkm, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _save_survey_form(request, form, extra_fields=["location"]) is not None:
            messages.success(request, _("Perubahan %(name)s tersimpan.") % {"name": umkm.name})
            return redirect("mapping:umkm-detail", pk=umkm.pk)
    context = {"form": form, "umkm": umkm, "max_accuracy": settings.LOCATION_MAX_ACCURACY_M}
    return render(request, "mapping/umkm_form.html", context)


@require_safe
@login_required
def umkm_detail(request, pk):
    umkm = get_object_or_404(UMKM.objects.visible_to(request.user).with_related(), pk=pk)
    permits = list(umkm.permits.select_related("product"))
    context = {
        "umkm": umkm,
        "products": selectors.umkm_products_with_readiness(umkm=umkm, permits=permits),
        "permits": permits,
        "can_edit": UMKM.objects.editable_by(request.user).filter(pk=pk).exists(),
    }
    return render(request, "mapping/umkm_detail.html", context)


@role_required(*SURVEY_ROLES)
def product_create(request, umkm_pk):
    umkm = get_object_or_404(UMKM.objects.editable_by(request.user), pk=umkm_pk)
    form = ProductForm(request.POST or None, request.FILES or None, instance=Product(umkm=umkm))
    if request.method == "POST" and form.is_valid():
        product = _save_survey_form(request, form)
        messages.success(request, _("Produk %(name)s ditambahkan.") % {"name": product.name})
        return redirect("mapping:umkm-detail", pk=umkm.pk)
    return render(request, "mapping/product_form.html", {"form": form, "umkm": umkm})


@role_required(*SURVEY_ROLES)
def product_update(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user).select_related("umkm"), pk=pk)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("photo")
        photo = upload if "photo" in form.changed_data and hasattr(upload, "content_type") else None
        if _save_survey_form(request, form, new_photo=photo) is not None:
            messages.success(request, _("Perubahan produk %(name)s tersimpan.") % {"name": product.name})
            return redirect("mapping:umkm-detail", pk=product.umkm_id)
    return render(request, "mapping/product_form.html", {"form": form, "umkm": product.umkm, "product": product})


@role_required(*SURVEY_ROLES)
def permit_create(request, umkm_pk):
    umkm = get_object_or_404(UMKM.objects.editable_by(request.user), pk=umkm_pk)
    form = PermitForm(request.POST or None, instance=Permit(umkm=umkm))
    if request.method == "POST" and form.is_valid():
        services.permit_record(permit=form.instance)
        messages.success(request, _("Izin %(kind)s tercatat.") % {"kind": form.instance.get_kind_display()})
        return redirect("mapping:umkm-detail", pk=umkm.pk)
    return render(request, "mapping/permit_form.html", {"form": form, "umkm": umkm})


@role_required(*SURVEY_ROLES)
def permit_update(request, pk):
    permit = get_object_or_404(Permit.objects.editable_by(request.user).select_related("umkm"), pk=pk)
    form = PermitForm(request.POST or None, instance=permit)
    if request.method == "POST" and form.is_valid():
        services.permit_record(permit=form.instance)
        messages.success(request, _("Izin %(kind)s diperbarui.") % {"kind": permit.get_kind_display()})
        return redirect("mapping:umkm-detail", pk=permit.umkm_id)
    return render(request, "mapping/permit_form.html", {"form": form, "umkm": permit.umkm, "permit": permit})


# --- Potential rating --------------------------------------------------------------


@role_required(*SURVEY_ROLES)
def assessment_edit(request, product_pk):
    product = get_object_or_404(Product.objects.editable_by(request.user).with_related(), pk=product_pk)
    try:
        assessment = services.assessment_start(product=product, by=request.user)
    except services.RatingError as error:
        messages.error(request, " ".join(error.errors.values()))
        return redirect("mapping:umkm-detail", pk=product.umkm_id)
    criteria = selectors.rubric_criteria(rubric=assessment.rubric)
    form = AssessmentForm(request.POST or None, assessment=assessment, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                assessment=assessment, scores=form.scores(), note=form.cleaned_data["note"],
                lq_override_reason=form.cleaned_data["lq_override_reason"],
                expected_version=form.cleaned_data["version"], by=request.user,
                submit=request.POST.get("aksi") == "ajukan",
            )
        except services.RatingError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            submitted = request.POST.get("aksi") == "ajukan"
            messages.success(request, _("Penilaian diajukan untuk diverifikasi.") if submitted else _("Draf penilaian tersimpan."))
            return redirect("mapping:assessment-detail", pk=assessment.pk) if submitted else redirect(request.path)
    context = {"form": form, "assessment": assessment, "product": product}
    return render(request, "mapping/assessment_form.html", context)


@require_safe
@login_required
def assessment_detail(request, pk):
    assessment = get_object_or_404(selectors.assessments_visible_to(user=request.user), pk=pk)
    context = {
        "assessment": assessment,
        "explanation": selectors.ranking_explanation(assessment),
        "return_form": ReturnForm(),
        "can_review": selectors.can_review(user=request.user, assessment=assessment),
    }
    return render(request, "mapping/assessment_detail.html", context)


@require_POST
@role_required(Role.ADMIN_DINAS)
def assessment_verify(request, pk):
    assessment = get_object_or_404(Assessment.objects.editable_by(request.user), pk=pk)
    try:
        services.assessment_verify(assessment=assessment, by=request.user)
        messages.success(request, _("Penilaian diverifikasi dan masuk peringkat."))
    except services.RatingError as error:
        messages.error(request, " ".join(error.errors.values()))
    return redirect("mapping:assessment-detail", pk=pk)


@require_POST
@role_required(Role.ADMIN_DINAS)
def assessment_return(request, pk):
    assessment = get_object_or_404(Assessment.objects.editable_by(request.user), pk=pk)
    form = ReturnForm(request.POST)
    try:
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        services.assessment_return(assessment=assessment, by=request.user, comment=comment)
        messages.success(request, _("Penilaian dikembalikan ke pendamping."))
    except services.RatingError as error:
        messages.error(request, " ".join(error.errors.values()))
    return redirect("mapping:assessment-detail", pk=pk)


@require_safe
@role_required(Role.ADMIN_DINAS)
def assessment_review_list(request):
    context = {"assessments": selectors.assessments_awaiting_verification(user=request.user)}
    return render(request, "mapping/assessment_review_list.html", context)


# --- Flagship rankings (public: no personal data) ------------------------------------


@require_safe
def ranking_kabupaten(request):
    ranking = stats.stats_cached("ranking:kabupaten", lambda: selectors.flagship_ranking(limit=20))
    context = {"ranking": ranking, "scope_title": _("Kabupaten Purbalingga")}
    return render(request, "mapping/ranking.html", context)


@require_safe
def ranking_kecamatan(request, kode):
    kecamatan = get_object_or_404(Kecamatan.objects.defer("boundary"), kode=kode)
    context = {
        "ranking": stats.stats_cached(f"ranking:kecamatan:{kecamatan.pk}",
                                      lambda: selectors.flagship_ranking(kecamatan=kecamatan)),
        "scope_title": _("Kecamatan %(nama)s") % {"nama": kecamatan.nama},
        "kecamatan": kecamatan,
        "desa_list": Desa.objects.filter(kecamatan=kecamatan).defer("boundary", "centre"),
    }
    return render(request, "mapping/ranking.html", context)


@require_safe
def ranking_desa(request, kode):
    desa = get_object_or_404(Desa.objects.with_kecamatan().defer("boundary", "kecamatan__boundary"), kode=kode)
    context = {
        "ranking": stats.stats_cached(f"ranking:desa:{desa.pk}", lambda: selectors.flagship_ranking(desa=desa)),
        "scope_title": _("Produk unggulan %(jenis)s %(nama)s") % {"jenis": desa.get_jenis_display(), "nama": desa.nama},
        "kecamatan": desa.kecamatan,
        "desa": desa,
    }
    return render(request, "mapping/ranking.html", context)


# --- Spreadsheet import and export ----------------------------------------------------------

ERRORS_PER_PAGE = 50
BATCHES_PER_PAGE = 20


def _spec_for(request, kind: str, action: str):
    """The import/export spec of `kind`, if the user holds its permission (403 otherwise)."""
    spec = imports.SPECS.get(kind)
    if spec is None or (action == "import" and not spec.importable):
        raise Http404
    if not request.user.has_perm(spec.permission(action)):
        raise PermissionDenied
    return spec


def _batch_for(request, pk: int):
    batch = get_object_or_404(
        ImportBatch.objects.visible_to(request.user).defer("content").select_related("created_by", "undone_by"), pk=pk)
    return imports.import_mark_stale(batch)


@require_safe
@login_required
def transfers(request):
    """Import and export: templates, upload, exports, and the user's import history."""
    importable = imports.specs_for(request.user, "import")
    exportable = imports.specs_for(request.user, "export")
    if not importable and not exportable:
        raise PermissionDenied
    batches = ImportBatch.objects.visible_to(request.user).without_content().select_related("created_by")
    context = {
        "importable": importable,
        "exportable": exportable,
        "form": ImportUploadForm(),
        "page": Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("halaman")),
        "kinds": {s.kind: s.label for s in imports.SPECS.values()},
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_mb": settings.IMPORT_MAX_BYTES // 1_048_576,
    }
    return render(request, "mapping/transfers.html", context)


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
        return redirect(f"{reverse('mapping:transfers')}?jenis={spec.kind}")
    batch = imports.import_start(spec=spec, upload=form.cleaned_data["file"], user=request.user)
    return redirect("mapping:import-detail", pk=batch.pk)


@require_safe
@login_required
def import_detail(request, pk):
    batch = _batch_for(request, pk)
    spec = imports.SPECS[batch.kind]
    context = {
        "batch": batch,
        "spec": spec,
        "status_help": imports.STATUS_HELP[batch.status],
        "errors": Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("halaman")),
        "can_act": batch.created_by_id == request.user.pk and request.user.has_perm(spec.permission("import")),
        "can_undo": request.user.has_perm(spec.permission("import")),
        "form": ImportUploadForm(),
    }
    return render(request, "mapping/import_detail.html", context)


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
        return redirect("mapping:import-detail", pk=batch.pk)
    imports.import_confirm(batch=batch, user=request.user)
    return redirect("mapping:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_recheck(request, pk):
    batch = _batch_for(request, pk)
    imports.import_recheck(batch=batch, user=request.user)
    return redirect("mapping:import-detail", pk=batch.pk)


@require_POST
@login_required
def import_undo(request, pk):
    batch = _batch_for(request, pk)
    blockers = imports.import_undo(batch=batch, user=request.user)
    if blockers:
        messages.error(request, _("Impor ini tidak dibatalkan; tidak ada yang diubah. Penyebabnya:"))
        for reason in blockers:
            messages.warning(request, reason)
    else:
        messages.success(request, _("Impor dibatalkan: data dikembalikan seperti sebelum impor."))
    return redirect("mapping:import-detail", pk=batch.pk)


@require_safe
@login_required
def export_rows(request, kind):
    """A spec's rows in the user's scope, with the template's headers (re-importable)."""
    spec = _spec_for(request, kind, "export")
    # Personal data (NIK) only for those who may change the rows.
    rows = spec.export_rows(spec.export_queryset(request.user), personal=request.user.has_perm(spec.permission("change")))
    return table_response(headers=spec.export_headers(), rows=rows, filename=f"ekspor-{spec.kind}",
                          fmt=request.GET.get("format", "xlsx"), title=str(spec.label), stream=True)
