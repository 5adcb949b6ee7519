from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from purbalingga_umkm.figures import figures_cached
from purbalingga_umkm.images import photo_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mapping import selectors as mapping_selectors
from purbalingga_umkm.duties import duties_for
from purbalingga_umkm.panels import panels_for
from purbalingga_umkm.params import id_param
from purbalingga_umkm.roles import Role, role_of, role_required
from purbalingga_umkm.tables import table_response
from purbalingga_umkm.replica import reads_from_replica
from mapping.models import UMKM, Desa, Kecamatan, Sector
from mentoring import dashboards, selectors, services
from mentoring.forms import FollowUpFormSet, HeldSubmissionForm, MeetingForm, ReportDecideForm, ReportSubmitForm, VisitForm
from mentoring.models import FollowUp, Meeting, MonthlyReport, Pendamping, Visit

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
        "duties": duties_for(request.user),  # work other apps give the pendamping (e.g. aid follow-ups)
    }
    return render(request, "mentoring/my_tasks.html", context)


@require_safe
@role_required(Role.PENDAMPING)
def my_desa_geojson(request):
    return JsonResponse(selectors.desa_coverage_feature_collection(user=request.user))


@require_safe
@role_required(Role.PENDAMPING)
def offline_kit(request):
    """The pages and data the service worker keeps on this pendamping's phone."""
    return JsonResponse(selectors.offline_kit(user=request.user))


@require_safe
@role_required(Role.PENDAMPING)
def offline_umkm(request):
    return JsonResponse({"umkm": selectors.offline_umkm(user=request.user)})


@require_POST
@role_required(Role.PENDAMPING)
def held_submission_create(request):
    """The phone hands over a form the portal refused when it was sent (offline.js)."""
    form = HeldSubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    held = form.save_for(user=request.user, data=request.POST)
    return JsonResponse({"id": held.pk, "message": _("Diserahkan ke Dinas untuk ditinjau.")}, status=201)


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
@reads_from_replica
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
@reads_from_replica
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
        return table_response(**table, fmt=export, filters=filters.describe())
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
        "panels": panels_for("dashboard", request),  # sections other apps add (e.g. bantuan)
        **dashboards.filter_choices(),
    }
    return render(request, "mentoring/dashboard.html", context)


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
@reads_from_replica
def dashboard_komoditas(request):
    """Komoditas unggulan per kecamatan (adopted, leading in the registry, known sentra)
    and the map of the regency's sentra; a pendamping sees their kecamatan's rows."""
    visible = set(Kecamatan.objects.visible_to(request.user).values_list("code", flat=True))
    rows = dashboards.komoditas_with_visits(
        [row for row in figures_cached("dashboard:komoditas", mapping_selectors.komoditas_by_kecamatan)
         if row.code in visible])
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
@reads_from_replica
def dashboard_kecamatan(request, code):
    kecamatan = get_object_or_404(Kecamatan.objects.visible_to(request.user).defer("boundary"), code=code)
    filters = dashboards.DashboardFilters.from_query(request.GET)
    sort = request.GET.get("urut", "nama")
    figures = dashboards.figures_sorted(
        dashboards.desa_figures_cached(user=request.user, kecamatan=kecamatan, filters=filters), sort)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        table = dashboards.figures_table(figures, filename=f"dasbor-desa-{kecamatan.code}")
        return table_response(**table, fmt=request.GET["unduh"], filters=filters.describe())
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
    return render(request, "mentoring/umkm_history.html", {
        "umkm": umkm, **selectors.umkm_history(umkm=umkm),
        "panels": panels_for("umkm-history", request, umkm=umkm),  # e.g. the aid it received and its use
    })


DESA_PRODUCTS_PER_PAGE = 25


@require_safe
@role_required(Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
@reads_from_replica
def dashboard_desa(request, code):
    desa = get_object_or_404(Desa.objects.visible_to(request.user).with_kecamatan().defer(
        "kecamatan__boundary", "kecamatan__centre"), code=code)
    filters = dashboards.DashboardFilters.from_query(request.GET)
    products = dashboards.desa_products(user=request.user, desa=desa, filters=filters)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        return table_response(**dashboards.desa_products_table(products, desa=desa), fmt=request.GET["unduh"],
                              filters=filters.describe())
    context = {
        "desa": desa,
        "filters": filters,
        "page": dashboards.desa_products_page(products, desa=desa, filters=filters, per_page=DESA_PRODUCTS_PER_PAGE,
                                              number=request.GET.get("halaman")),
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


# --- Rapat koordinasi and the laporan kegiatan bulanan ------------------------------------------


@role_required(Role.PENDAMPING)
def meeting_create(request):
    pendamping = selectors.pendamping_of(request.user)
    if pendamping is None:
        raise Http404
    form = MeetingForm(request.POST or None, request.FILES or None, pendamping=pendamping)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_log(meeting=form.instance, token=form.cleaned_data["submission_token"],
                                       by=request.user)
        messages.success(request, _("Rapat koordinasi di %(place)s tercatat.") % {"place": meeting.place})
        return redirect("mentoring:my-tasks")
    return render(request, "mentoring/meeting_form.html", {"form": form})


@require_safe
@login_required
def meeting_photo(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).only("pk", "photo"), pk=pk)
    return photo_response(meeting.photo, thumbnail=request.GET.get("ukuran") == "kecil")


def _report_month(request) -> tuple[int, int]:
    """?bulan=2026-11; anything else is this month (a shared link never fails)."""
    today = timezone.localdate()
    raw = request.GET.get("bulan") or request.POST.get("bulan") or ""
    try:
        year, month = (int(part) for part in raw.split("-"))
        if 2000 <= year <= today.year and 1 <= month <= 12 and (year, month) <= (today.year, today.month):
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _report_pendamping(request):
    """Whose report: a pendamping's own; staff and Pimpinan name one (?pendamping=id)."""
    own = selectors.pendamping_of(request.user)
    if role_of(request.user) is Role.PENDAMPING:
        if own is None:
            raise Http404
        return own
    pk = id_param(request.GET, "pendamping") or id_param(request.POST, "pendamping")
    return get_object_or_404(Pendamping.objects.select_related("user"), pk=pk) if pk else None


@require_safe
@role_required(Role.PENDAMPING, Role.PIMPINAN, Role.ADMIN_DINAS)
def monthly_report(request):
    year, month = _report_month(request)
    pendamping = _report_pendamping(request)
    if pendamping is None:  # staff: every pendamping's report of the month
        reports = {r.pendamping_id: r for r in MonthlyReport.objects.filter(year=year, month=month)}
        rows = [(p, reports.get(p.pk)) for p in Pendamping.objects.active().order_by("full_name")]
        return render(request, "mentoring/monthly_report_list.html", {
            "rows": rows, "year": year, "month": month, "month_value": f"{year}-{month:02d}",
            "first": selectors.month_bounds(year, month)[0]})
    activity = selectors.monthly_activity(pendamping=pendamping, year=year, month=month)
    report = MonthlyReport.objects.filter(pendamping=pendamping, year=year, month=month).first()
    shown = report.figures if report and report.status != MonthlyReport.Status.DRAFT and report.figures else \
        activity.figures
    figures = [(str(label), shown.get(key, 0), activity.figures.get(key, 0))
               for key, label in selectors.REPORT_FIGURES.items()]
    if request.GET.get("unduh") == "xlsx":
        return table_response(**dashboards.monthly_report_table(activity, figures), fmt="xlsx")
    is_own = pendamping.user_id == request.user.pk
    context = {
        "activity": activity, "report": report, "figures": figures, "year": year, "month": month,
        "month_value": f"{year}-{month:02d}", "is_own": is_own,
        "can_submit": is_own and (report is None or report.status in (MonthlyReport.Status.DRAFT,
                                                                       MonthlyReport.Status.RETURNED)),
        "can_decide": role_of(request.user) is Role.ADMIN_DINAS and report is not None
        and report.status == MonthlyReport.Status.SUBMITTED,
        "submit_form": ReportSubmitForm(initial={"note": report.note if report else ""}),
        "decide_form": ReportDecideForm(),
        "changed_since": report is not None and report.status != MonthlyReport.Status.DRAFT
        and report.figures and report.figures != activity.figures,
    }
    return render(request, "mentoring/monthly_report.html", context)


@require_POST
@role_required(Role.PENDAMPING)
def monthly_report_submit(request):
    year, month = _report_month(request)
    pendamping = _report_pendamping(request)
    form = ReportSubmitForm(request.POST)
    form.is_valid()
    try:
        services.report_submit(pendamping=pendamping, year=year, month=month,
                               note=form.cleaned_data.get("note", ""), by=request.user)
        messages.success(request, _("Laporan bulan ini diajukan ke Dinas."))
    except services.ReportError as error:
        messages.error(request, " ".join(error.errors.values()))
    return redirect(f"{reverse('mentoring:monthly-report')}?bulan={year}-{month:02d}")


@require_POST
@role_required(Role.ADMIN_DINAS)
def monthly_report_decide(request, pk):
    report = get_object_or_404(MonthlyReport, pk=pk)
    form = ReportDecideForm(request.POST)
    form.is_valid()
    try:
        services.report_decide(report=report, approve=request.POST.get("aksi") == "setujui",
                               comment=form.cleaned_data.get("comment", ""), by=request.user)
        messages.success(request, _("Keputusan atas laporan tersimpan."))
    except services.ReportError as error:
        messages.error(request, " ".join(error.errors.values()))
    return redirect(f"{reverse('mentoring:monthly-report')}?bulan={report.year}-{report.month:02d}"
                    f"&pendamping={report.pendamping_id}")
