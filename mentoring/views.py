from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from purbalingga_umkm.figures import figures_cached
from purbalingga_umkm.images import photo_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mapping import selectors as mapping_selectors
from purbalingga_umkm.params import id_param
from purbalingga_umkm.roles import Role, role_of, role_required
from purbalingga_umkm.tables import table_response
from mapping.models import UMKM, Desa, Kecamatan, Sector
from mentoring import dashboards, selectors, services
from mentoring.forms import FollowUpFormSet, VisitForm
from mentoring.models import FollowUp, Visit

UMKM_PER_PAGE = 20


@login_required
def home_for_role(request):
    """Where each role lands after logging in."""
    role = role_of(request.user)
    if role is Role.PENDAMPING:
        return redirect("mentoring:my-tasks")
    if role is Role.PIMPINAN:
        return redirect("mentoring:dashboard")
    if role is Role.ADMIN_DINAS:
        return redirect("admin:index") if request.user.is_staff else redirect("mentoring:coverage-report")
    return redirect("mapping:home")


@require_safe
@role_required(Role.PENDAMPING)
def my_tasks(request):
    query = request.GET.get("q", "").strip()
    umkm = mapping_selectors.umkm_search(
        user=request.user, query=query,
        desa_kode=request.GET.get("desa", ""), sektor_kode=request.GET.get("sektor", ""),
    )
    desa_coverage = list(selectors.desa_coverage_list(user=request.user))
    context = {
        "assignments": selectors.current_assignments(user=request.user),
        "page": Paginator(umkm, UMKM_PER_PAGE).get_page(request.GET.get("halaman")),
        "query": query,
        "desa_choices": desa_coverage,
        "sectors": Sector.objects.all(),
        "follow_ups": selectors.follow_ups_due(user=request.user),
        "returned_assessments": mapping_selectors.assessments_returned(user=request.user),
        "unvisited_desa": [d for d in desa_coverage if not d.visited],
        "unsurveyed_desa": [d for d in desa_coverage if not d.surveyed],
        "coverage_days": selectors.COVERAGE_DAYS,
        "recent_visits": selectors.recent_visits(user=request.user),
    }
    return render(request, "mentoring/my_tasks.html", context)


@require_safe
@role_required(Role.PENDAMPING)
def my_desa_geojson(request):
    return JsonResponse(selectors.desa_coverage_feature_collection(user=request.user))


@role_required(Role.PENDAMPING)
def visit_create(request):
    pendamping = selectors.pendamping_of(request.user)
    if pendamping is None:
        raise Http404
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, pendamping=pendamping)
        form_valid = form.is_valid()
        formset = FollowUpFormSet(request.POST, instance=form.instance, prefix="tindak")
        if form_valid and formset.is_valid():
            services.visit_log(
                visit=form.instance, topics=form.cleaned_data["topics"], follow_ups=formset.follow_ups(),
                token=form.cleaned_data["submission_token"], by=request.user,
            )
            messages.success(request, _("Kunjungan ke %(umkm)s tercatat.") % {"umkm": form.instance.umkm.name})
            return redirect("mentoring:my-tasks")
        umkm = form.cleaned_data.get("umkm") if hasattr(form, "cleaned_data") else None
    else:
        umkm_id = id_param(request.GET, "umkm")
        if umkm_id is None:
            messages.info(request, _("Pilih UMKM yang dikunjungi dari daftar."))
            return redirect("mentoring:my-tasks")
        umkm = get_object_or_404(UMKM.objects.editable_by(request.user).active(), pk=umkm_id)
        form = VisitForm(pendamping=pendamping, initial={"umkm": umkm})
        formset = FollowUpFormSet(instance=form.instance, prefix="tindak")
    context = {"form": form, "formset": formset, "umkm": umkm, "max_accuracy": settings.LOCATION_MAX_ACCURACY_M}
    return render(request, "mentoring/visit_form.html", context)


@require_POST
@role_required(Role.PENDAMPING)
def follow_up_done(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.editable_by(request.user), pk=pk)
    services.follow_up_complete(follow_up=follow_up, by=request.user)
    messages.success(request, _("Tindak lanjut \u201c%(item)s\u201d ditandai selesai.") % {"item": follow_up.description})
    return redirect("mentoring:my-tasks")


@require_safe
@login_required
@permission_required("mentoring.view_coverage_report", raise_exception=True)
def coverage_report(request):
    sort = request.GET.get("urut", "nama")
    report = selectors.coverage_sorted(selectors.coverage_report(user=request.user, months=6), sort)
    export = request.GET.get("unduh")
    if export in ("csv", "xlsx"):
        by = "pendamping" if request.GET.get("tabel") == "pendamping" else "kecamatan"
        return table_response(**selectors.coverage_table(report, by=by), fmt=export)
    tables = [
        ("kecamatan", _("Per kecamatan"), report.per_kecamatan, _("Kecamatan"), _("Pendamping")),
        ("pendamping", _("Per pendamping"), report.per_pendamping, _("Pendamping"), _("Kecamatan")),
    ]
    return render(request, "mentoring/coverage_report.html", {
        "report": report, "sort": sort, "tables": tables, "coverage_days": selectors.COVERAGE_DAYS,
    })


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def dashboard(request):
    filters = dashboards.DashboardFilters.from_query(request.GET)
    data = dashboards.dashboard_data(user=request.user, filters=filters)
    sort = request.GET.get("urut", "nama")
    figures = dashboards.figures_sorted(data["figures"], sort)
    export = request.GET.get("unduh")
    if export in ("csv", "xlsx"):
        table = {"sektor": lambda: dashboards.sector_mix_table(figures),
                 "unggulan": lambda: dashboards.flagship_table(data["flagships"])}.get(
            request.GET.get("tabel"), lambda: dashboards.figures_table(figures, filename="dasbor-kecamatan"))()
        return table_response(**table, fmt=export)
    context = {
        "filters": filters,
        "figures": figures,
        "sort": sort,
        "boundaries_url": reverse("mapping:kecamatan-geojson"),
        "headline": data["headline"],
        "flagships": data["flagships"],
        "trend": data["trend"],
        "map_figures": dashboards.map_figures(figures),
        "coverage_days": selectors.COVERAGE_DAYS,
        **dashboards.filter_choices(),
    }
    return render(request, "mentoring/dashboard.html", context)


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def dashboard_komoditas(request):
    """Komoditas unggulan per kecamatan (adopted, leading in the registry, known sentra)
    and the map of the regency's sentra; a pendamping sees their kecamatan's rows."""
    visible = set(Kecamatan.objects.visible_to(request.user).values_list("code", flat=True))
    rows = [row for row in figures_cached("dashboard:komoditas", mapping_selectors.komoditas_by_kecamatan)
            if row.code in visible]
    if request.GET.get("unduh") in ("csv", "xlsx"):
        return table_response(**dashboards.komoditas_table(rows), fmt=request.GET["unduh"])
    context = {
        "rows": rows,
        "sentra_points": figures_cached("dashboard:sentra", mapping_selectors.sentra_feature_collection),
        "boundaries_url": reverse("mapping:kecamatan-geojson"),
    }
    return render(request, "mentoring/dashboard_komoditas.html", context)


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def dashboard_kecamatan(request, code):
    kecamatan = get_object_or_404(Kecamatan.objects.visible_to(request.user).defer("boundary"), code=code)
    filters = dashboards.DashboardFilters.from_query(request.GET)
    sort = request.GET.get("urut", "nama")
    figures = dashboards.figures_sorted(
        dashboards.desa_figures_cached(user=request.user, kecamatan=kecamatan, filters=filters), sort)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        table = dashboards.figures_table(figures, filename=f"dasbor-desa-{kecamatan.code}")
        return table_response(**table, fmt=request.GET["unduh"])
    context = {
        "kecamatan": kecamatan,
        "boundaries_url": reverse("mapping:desa-geojson") + f"?kecamatan={kecamatan.pk}",
        "filters": filters,
        "figures": figures,
        "sort": sort,
        "ranking": dashboards.flagship_ranking_cached(kecamatan=kecamatan),
        "mentors": dashboards.kecamatan_mentors(kecamatan=kecamatan),
        "map_figures": dashboards.map_figures(figures),
        "coverage_days": selectors.COVERAGE_DAYS,
        **dashboards.filter_choices(),
    }
    return render(request, "mentoring/dashboard_kecamatan.html", context)


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def umkm_history(request, pk):
    umkm = get_object_or_404(UMKM.objects.visible_to(request.user).with_related(), pk=pk)
    return render(request, "mentoring/umkm_history.html", {"umkm": umkm, **selectors.umkm_history(umkm=umkm)})


DESA_PRODUCTS_PER_PAGE = 25


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def dashboard_desa(request, code):
    desa = get_object_or_404(Desa.objects.visible_to(request.user).with_kecamatan().defer(
        "kecamatan__boundary", "kecamatan__centre"), code=code)
    filters = dashboards.DashboardFilters.from_query(request.GET)
    products = dashboards.desa_products(user=request.user, desa=desa, filters=filters)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        return table_response(**dashboards.desa_products_table(products, desa=desa), fmt=request.GET["unduh"])
    context = {
        "desa": desa,
        "filters": filters,
        "page": Paginator(products, DESA_PRODUCTS_PER_PAGE).get_page(request.GET.get("halaman")),
        "ranking": dashboards.flagship_ranking_cached(desa=desa),
        "desa_feature": {"type": "Feature", "geometry": desa.boundary, "properties": {"code": desa.code, "name": desa.name}},
        **dashboards.filter_choices(),
    }
    return render(request, "mentoring/dashboard_desa.html", context)


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
def umkm_points(request):
    try:
        viewport = dashboards.Viewport.from_query(request.GET)
    except dashboards.ViewportError as error:
        return JsonResponse({"error": str(error)}, status=400)
    filters = dashboards.DashboardFilters.from_query(request.GET)
    response = JsonResponse(dashboards.umkm_points(user=request.user, filters=filters, viewport=viewport))
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_safe
@login_required
def visit_photo(request, pk):
    """A visit's photo (?ukuran=kecil: a thumbnail) for those who may see the visit."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user).only("pk", "photo"), pk=pk)
    return photo_response(visit.photo, thumbnail=request.GET.get("ukuran") == "kecil")
