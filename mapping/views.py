from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from mapping import catalogue, pages, selectors, services
from mapping.forms import AssessmentForm, PermitForm, ProductForm, ReturnForm, UMKMForm
from mapping.models import UMKM, Assessment, Desa, Kecamatan, Komoditas, Permit, Product
from purbalingga_umkm.figures import figures_cached
from purbalingga_umkm.images import photo_response
from purbalingga_umkm.params import id_param
from purbalingga_umkm.roles import Role, role_required

SURVEY_ROLES = (Role.PENDAMPING, Role.ADMIN_DINAS)


@require_safe
def home(request):
    context = {
        "totals": figures_cached("portal-totals", selectors.portal_totals),
        "kecamatan_list": figures_cached("kecamatan-overview", selectors.kecamatan_overview_list),
    }
    return render(request, "mapping/home.html", context)


# ConditionalGetMiddleware adds an ETag, so a revalidation costs a 304.
@require_safe
@cache_control(public=True, max_age=300)
def kecamatan_geojson(request):
    return JsonResponse(figures_cached("kecamatan-geojson", selectors.kecamatan_feature_collection))


@require_safe
@cache_control(public=True, max_age=300)
def desa_geojson(request):
    """Desa boundaries of one kecamatan (?kecamatan=<id>): public reference geography."""
    kecamatan = get_object_or_404(Kecamatan, pk=id_param(request.GET, "kecamatan") or 0)
    return JsonResponse(selectors.desa_feature_collection(kecamatan=kecamatan))


# --- Survey: UMKM and products -------------------------------------------------------


def _save_survey_form(request, form, *, extra_fields=(), new_photo=None):
    """Save a valid survey form; returns the saved row, or None after a conflict message."""
    fields = [name for name in form.Meta.fields if name in {f.name for f in form.instance._meta.fields}]
    extra_fields = (*extra_fields, *getattr(form, "extra_model_fields", ()))
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
def survey_quick(request):
    """A new UMKM with its first product and photo on one page, then straight to the rating."""
    umkm_form = UMKMForm(request.POST or None, user=request.user)
    product_form = ProductForm(request.POST or None, request.FILES or None, instance=Product(), prefix="produk")
    if request.method == "POST" and all([umkm_form.is_valid(), product_form.is_valid()]):
        product = services.quick_survey_save(
            umkm=umkm_form.instance, product=product_form.instance, by=request.user,
            umkm_token=umkm_form.cleaned_data.get("submission_token"),
            product_token=product_form.cleaned_data.get("submission_token"),
        )
        messages.success(request, _("UMKM %(umkm)s dan produk %(product)s tersimpan. Sekarang nilai potensinya.") % {
            "umkm": product.umkm.name, "product": product.name})
        return redirect("mapping:assessment-edit", product_pk=product.pk)
    context = {"form": umkm_form, "product_form": product_form, "max_accuracy": settings.LOCATION_MAX_ACCURACY_M}
    return render(request, "mapping/survey_quick.html", context)


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
        "links": pages.umkm_page_links(umkm),
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
        services.permit_record(permit=form.instance, by=request.user)
        messages.success(request, _("Izin %(kind)s tercatat.") % {"kind": form.instance.get_kind_display()})
        return redirect("mapping:umkm-detail", pk=umkm.pk)
    return render(request, "mapping/permit_form.html", {"form": form, "umkm": umkm})


@role_required(*SURVEY_ROLES)
def permit_update(request, pk):
    permit = get_object_or_404(Permit.objects.editable_by(request.user).select_related("umkm"), pk=pk)
    form = PermitForm(request.POST or None, instance=permit)
    if request.method == "POST" and form.is_valid():
        services.permit_record(permit=form.instance, by=request.user)
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
    flags = assessment.contradicted_scores()
    flagged = {flag["criterion"].code for flag in flags}
    context = {
        "assessment": assessment,
        "flags": flags,
        "score_rows": [{"score": s, "flagged": s.criterion.code in flagged,
                        "proposed": (assessment.proposals.get(s.criterion.code) or {}).get("score")}
                       for s in assessment.scores.all()],
        "explanation": selectors.ranking_explanation(assessment),
        "return_form": ReturnForm(),
        "can_review": selectors.can_review(user=request.user, assessment=assessment),
    }
    return render(request, "mapping/assessment_detail.html", context)


@require_POST
@role_required(Role.ADMIN_DINAS)
def assessment_verify(request, pk):
    assessment = get_object_or_404(Assessment.objects.editable_by(request.user), pk=pk)
    if request.POST.get("yakin") != "1":
        messages.error(request, _("Centang pernyataan bahwa skor dan fakta sudah diperiksa; penilaian belum "
                                  "diverifikasi."))
        return redirect("mapping:assessment-detail", pk=pk)
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


VERIFICATIONS_PER_PAGE = 50


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS)
def verification_log(request):
    """Who verified or returned which assessment, and when (from the audit trail)."""
    page = Paginator(selectors.verification_log(user=request.user), VERIFICATIONS_PER_PAGE).get_page(
        request.GET.get("halaman"))
    context = {"page": page, "rows": selectors.verification_rows(page.object_list)}
    return render(request, "mapping/verification_log.html", context)


# --- Flagship rankings (public: no personal data) ------------------------------------


@require_safe
def ranking_kabupaten(request):
    ranking = figures_cached("ranking:kabupaten", lambda: selectors.flagship_ranking(limit=20))
    context = {"ranking": ranking, "scope_title": _("Kabupaten Purbalingga"),
               "komoditas_list": figures_cached("komoditas-overview", selectors.komoditas_overview)}
    return render(request, "mapping/ranking.html", context)


@require_safe
def ranking_kecamatan(request, code):
    kecamatan = get_object_or_404(Kecamatan.objects.defer("boundary"), code=code)
    context = {
        "ranking": figures_cached(f"ranking:kecamatan:{kecamatan.pk}",
                                  lambda: selectors.flagship_ranking(kecamatan=kecamatan), kecamatan_id=kecamatan.pk),
        "scope_title": _("Kecamatan %(name)s") % {"name": kecamatan.name},
        "kecamatan": kecamatan,
        "desa_list": Desa.objects.filter(kecamatan=kecamatan).defer("boundary", "centre"),
        "sentra": selectors.sentra_of(kecamatan=kecamatan),
        "unggulan": figures_cached(f"unggulan:kecamatan:{kecamatan.pk}",
                                   lambda: selectors.area_unggulan(kecamatan=kecamatan)),
    }
    return render(request, "mapping/ranking.html", context)


@require_safe
def ranking_desa(request, code):
    desa = get_object_or_404(Desa.objects.with_kecamatan().defer("boundary", "kecamatan__boundary"), code=code)
    context = {
        "ranking": figures_cached(f"ranking:desa:{desa.pk}", lambda: selectors.flagship_ranking(desa=desa),
                                  kecamatan_id=desa.kecamatan_id),
        "scope_title": _("Produk unggulan %(jenis)s %(name)s") % {"jenis": desa.get_jenis_display(), "name": desa.name},
        "kecamatan": desa.kecamatan,
        "desa": desa,
        "sentra": selectors.sentra_of(desa=desa),
        "unggulan": figures_cached(f"unggulan:desa:{desa.pk}",
                                   lambda: selectors.area_unggulan(kecamatan=desa.kecamatan, desa=desa)),
    }
    return render(request, "mapping/ranking.html", context)


@require_safe
def komoditas_detail(request, code):
    """A commodity of Purbalingga: its known sentra on the map, with their sources, and the
    evidence of the registry per kecamatan (public figures only, no names of people)."""
    komoditas = get_object_or_404(Komoditas.objects.active().select_related("sector"), code=code)
    evidence, total = figures_cached(f"komoditas:{komoditas.pk}", lambda: selectors.komoditas_evidence(komoditas=komoditas))
    context = {
        "komoditas": komoditas, "evidence": evidence, "total": total,
        "sentra": selectors.sentra_of(komoditas=komoditas),
        "sentra_points": selectors.sentra_feature_collection(komoditas=komoditas),
        "in_catalogue": catalogue.komoditas_in_catalogue(komoditas),
    }
    return render(request, "mapping/komoditas_detail.html", context)


@require_safe
@login_required
def product_photo(request, pk):
    """A product's photo (?ukuran=kecil: a thumbnail) for those who may see the product."""
    product = get_object_or_404(Product.objects.visible_to(request.user).only("pk", "photo"), pk=pk)
    return photo_response(product.photo, thumbnail=request.GET.get("ukuran") == "kecil")
