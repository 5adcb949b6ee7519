"""Reads for the pendamping home page and the coverage report."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapping import selectors as mapping_selectors
from mapping.models import UMKM, Assessment, Desa, DesaMonth, Kecamatan
from mentoring.models import Assignment, DesaVisitMonth, FollowUp, Meeting, Pendamping, Visit
from purbalingga_umkm.models import AuditEntry

# "Dikunjungi" and "disurvei" are counted over the same window, everywhere they are shown.
COVERAGE_DAYS = 90

def pendamping_of(user) -> Pendamping | None:
    return Pendamping.objects.filter(user=user).first()


def current_assignments(*, user) -> QuerySet[Assignment]:
    """The user's assignments in force today, with their kecamatan (no geometry)."""
    return (
        Assignment.objects.in_force().of_user(user)
        .select_related("kecamatan").defer("kecamatan__boundary", "kecamatan__centre")
        .order_by("kecamatan__code")
    )


def _desa_ids(queryset, within) -> set[int]:
    if within is not None:
        queryset = queryset.filter(desa_id__in=within.values("pk"))
    return set(queryset.order_by().values_list("desa_id", flat=True).distinct())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def desa_ids_recently_visited(since: date, *, within=None) -> set[int]:
    """Desa (of `within`, a desa queryset, or all) where a visit to some UMKM was logged
    on or after `since`: the one definition of "dikunjungi". Read from the per-desa months
    of visits (DesaVisitMonth), kept by every write."""
    return _desa_ids(DesaVisitMonth.objects.filter(month__gte=since.replace(day=1), last_visit__gte=since), within)


def desa_ids_recently_surveyed(since: date, *, within=None) -> set[int]:
    """Desa (of `within`, a desa queryset, or all) where a UMKM or one of its products was
    recorded (registered or changed in the portal) or a product assessed on or after
    `since`: the one definition of "disurvei". Generated demo rows do not count. Read from
    the per-desa months (DesaMonth.last_survey_at), kept by every write."""
    return _desa_ids(DesaMonth.objects.filter(month__gte=since.replace(day=1), last_survey_at__gte=_start_of(since)),
                     within)


@dataclass(frozen=True)
class RecentCoverage:
    """Which desa were visited and which surveyed in the last COVERAGE_DAYS days."""
    visited: set[int]
    surveyed: set[int]


def recent_coverage(*, within=None, days: int = COVERAGE_DAYS) -> RecentCoverage:
    since = timezone.localdate() - timedelta(days=days)
    return RecentCoverage(
        visited=desa_ids_recently_visited(since, within=within),
        surveyed=desa_ids_recently_surveyed(since, within=within),
    )


def desa_coverage_list(*, user, days: int = COVERAGE_DAYS, with_boundary: bool = False) -> list[Desa]:
    """Desa the user may work in, each with its last visit date and whether it was
    visited and surveyed (see recent_coverage) in the last `days` days."""
    last_visit = (  # from the desa's visit months
        DesaVisitMonth.objects.filter(desa=OuterRef("pk")).order_by().values("desa")
        .annotate(last=Max("last_visit")).values("last")
    )
    desa = Desa.objects.editable_by(user)
    coverage = recent_coverage(within=desa, days=days)
    rows = list(
        desa.defer("centre", *([] if with_boundary else ["boundary"])).select_related("kecamatan")
        .defer("kecamatan__boundary", "kecamatan__centre")
        .annotate(last_visit=Subquery(last_visit))
        .order_by("kecamatan__code", "code")
    )
    for row in rows:
        row.visited = row.pk in coverage.visited
        row.surveyed = row.pk in coverage.surveyed
    return rows


def desa_coverage_feature_collection(*, user, days: int = COVERAGE_DAYS) -> dict:
    """The user's desa boundaries as GeoJSON with their coverage, for the home map."""
    rows = desa_coverage_list(user=user, days=days, with_boundary=True)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": desa.code,
                "geometry": desa.boundary,
                "properties": {
                    "code": desa.code,
                    "name": desa.name,
                    "kecamatan": desa.kecamatan.name,
                    "visited": desa.visited,
                    "surveyed": desa.surveyed,
                    "last_visit": desa.last_visit.isoformat() if desa.last_visit else None,
                },
            }
            for desa in rows
        ],
    }


def follow_ups_due(*, user, within_days: int = 7) -> QuerySet[FollowUp]:
    """Open follow-ups in the user's scope that are overdue or due within `within_days`."""
    return (
        FollowUp.objects.editable_by(user).due_within(within_days)
        .select_related("visit__umkm").only(
            "description", "due_date", "status", "visit__date", "visit__umkm__name", "visit__umkm_id"
        )
        .order_by("due_date", "pk")
    )


def recent_visits(*, user, limit: int = 10) -> list[Visit]:
    """The latest visits logged by this user's pendamping profile, with their topics."""
    return list(
        Visit.objects.filter(pendamping__user=user).with_related()
        .prefetch_related("topics", "follow_ups")[:limit]
    )


def _month_starts(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for _month in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


@dataclass
class CoverageRow:
    name: str
    counterpart: str  # the pendamping of a kecamatan row, the kecamatan of a pendamping row
    visits_by_month: list[int]
    visits_total: int
    umkm_visited: int
    umkm_total: int
    desa_visited: int  # in the last COVERAGE_DAYS days, like desa_surveyed
    desa_surveyed: int
    desa_total: int
    overdue_follow_ups: int
    extra: dict = field(default_factory=dict)


@dataclass
class CoverageReport:
    months: list[date]
    per_kecamatan: list[CoverageRow]
    per_pendamping: list[CoverageRow]


def _count(queryset, outer_path: str) -> Coalesce:
    counts = (
        queryset.filter(**{outer_path: OuterRef("pk")}).order_by().values(outer_path)
        .annotate(n=Count("pk", distinct=True)).values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def coverage_report(*, user, months: int = 6) -> CoverageReport:
    """Mentoring coverage per kecamatan and per pendamping over the last `months` months.

    Visits per month, distinct UMKM visited in the period, desa visited and desa
    surveyed in the last COVERAGE_DAYS days (the dashboard's window) and overdue
    follow-ups; a fixed number of queries whatever the number of UMKM.
    """
    today = timezone.localdate()
    month_starts = _month_starts(months, today)
    since = month_starts[0]
    visits = Visit.objects.visible_to(user).since(since)

    kecamatan_rows = list(
        Kecamatan.objects.visible_to(user).only("code", "name").annotate(
            desa_total=_count(Desa.objects.all(), "kecamatan"),
            overdue=_count(FollowUp.objects.overdue(today), "visit__umkm__desa__kecamatan"),
        ).order_by("code")
    )
    # Active UMKM from the per-desa summaries; UMKM visited from the period's visits.
    umkm_totals = mapping_selectors.active_umkm_per_kecamatan([k.pk for k in kecamatan_rows])
    umkm_visited = dict(visits.order_by().values("umkm__desa__kecamatan").annotate(n=Count("umkm", distinct=True))
                        .values_list("umkm__desa__kecamatan", "n"))
    for k in kecamatan_rows:
        k.umkm_total, k.umkm_visited = umkm_totals.get(k.pk) or 0, umkm_visited.get(k.pk, 0)
    desa_in_scope = Desa.objects.filter(kecamatan__in=[k.pk for k in kecamatan_rows])
    coverage = recent_coverage(within=desa_in_scope)
    for k in kecamatan_rows:
        k.desa_visited = k.desa_surveyed = 0
    kecamatan_by_id = {k.pk: k for k in kecamatan_rows}
    for desa_id, kecamatan_id in desa_in_scope.values_list("pk", "kecamatan_id"):
        kecamatan_by_id[kecamatan_id].desa_visited += desa_id in coverage.visited
        kecamatan_by_id[kecamatan_id].desa_surveyed += desa_id in coverage.surveyed
    by_kecamatan_month = {  # from the per-desa visit months
        (kecamatan_id, _as_date(month)): n for kecamatan_id, month, n in
        DesaVisitMonth.objects.filter(kecamatan_id__in=kecamatan_by_id, month__gte=since).order_by()
        .values("kecamatan_id", "month").annotate(n=Sum("visits")).values_list("kecamatan_id", "month", "n")}
    mentors_by_kecamatan = {}
    for assignment in Assignment.objects.in_force().select_related("pendamping").order_by("pendamping__full_name"):
        mentors_by_kecamatan.setdefault(assignment.kecamatan_id, []).append(assignment.pendamping.full_name)

    per_kecamatan = [
        CoverageRow(
            name=k.name, counterpart=", ".join(mentors_by_kecamatan.get(k.pk, [])) or "—",
            visits_by_month=[by_kecamatan_month.get((k.pk, m), 0) for m in month_starts],
            visits_total=sum(by_kecamatan_month.get((k.pk, m), 0) for m in month_starts),
            umkm_visited=k.umkm_visited, umkm_total=k.umkm_total,
            desa_visited=k.desa_visited, desa_surveyed=k.desa_surveyed, desa_total=k.desa_total,
            overdue_follow_ups=k.overdue, extra={"code": k.code},
        )
        for k in kecamatan_rows
    ]

    pendamping_rows = list(
        Pendamping.objects.filter(
            Exists(Assignment.objects.in_force().filter(pendamping=OuterRef("pk")))
            | Exists(visits.filter(pendamping=OuterRef("pk")))
        ).annotate(
            umkm_visited=Coalesce(
                Subquery(
                    visits.filter(pendamping=OuterRef("pk")).order_by().values("pendamping")
                    .annotate(n=Count("umkm", distinct=True)).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            overdue=_count(FollowUp.objects.overdue(today), "visit__pendamping"),
        ).order_by("full_name")
    )
    by_pendamping_month = _visits_by_month(visits, "pendamping")
    assigned = {}
    for pendamping_id, kecamatan_id in Assignment.objects.in_force().values_list("pendamping_id", "kecamatan_id"):
        assigned.setdefault(pendamping_id, []).append(kecamatan_id)

    per_pendamping = []
    for p in pendamping_rows:
        own = [kecamatan_by_id[k] for k in assigned.get(p.pk, []) if k in kecamatan_by_id]
        if not own and not any(by_pendamping_month.get((p.pk, m)) for m in month_starts):
            continue  # outside the user's scope
        per_pendamping.append(
            CoverageRow(
                name=p.full_name, counterpart=", ".join(k.name for k in own) or "—",
                visits_by_month=[by_pendamping_month.get((p.pk, m), 0) for m in month_starts],
                visits_total=sum(by_pendamping_month.get((p.pk, m), 0) for m in month_starts),
                umkm_visited=p.umkm_visited, umkm_total=sum(k.umkm_total for k in own),
                desa_visited=sum(k.desa_visited for k in own),
                desa_surveyed=sum(k.desa_surveyed for k in own),
                desa_total=sum(k.desa_total for k in own),
                overdue_follow_ups=p.overdue,
            )
        )
    return CoverageReport(months=month_starts, per_kecamatan=per_kecamatan, per_pendamping=per_pendamping)


def _visits_by_month(visits, group_path: str) -> dict[tuple[int, date], int]:
    rows = (
        visits.order_by().annotate(month=TruncMonth("date"))
        .values(group_path, "month").annotate(n=Count("pk"))
    )
    return {(row[group_path], _as_date(row["month"])): row["n"] for row in rows}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def umkm_history(*, umkm) -> dict:
    """The UMKM's assessments over time (per product) and its visits, newest first."""
    assessments = list(
        Assessment.objects.filter(product__umkm=umkm).select_related("product", "rubric", "assessed_by")
        .order_by("product__name", "created_at", "pk")
    )
    series = {}
    for a in assessments:
        if a.status == Assessment.Status.VERIFIED and a.weighted_score is not None:
            series.setdefault(a.product.name, []).append(
                {"x": timezone.localtime(a.verified_at).date().isoformat() if a.verified_at else None,
                 "y": float(a.weighted_score)}
            )
    visits = list(
        Visit.objects.filter(umkm=umkm).select_related("pendamping").prefetch_related("topics", "follow_ups")
        .order_by("-date", "-pk")
    )
    return {"assessments": assessments, "score_series": series, "visits": visits}


# Sort keys of the coverage tables; the query string keeps Indonesian words (?urut=-kunjungan).
COVERAGE_SORT_KEYS = {
    "nama": lambda row: row.name,
    "kunjungan": lambda row: row.visits_total,
    "umkm": lambda row: row.umkm_visited,
    "dikunjungi": lambda row: row.desa_visited,
    "disurvei": lambda row: row.desa_surveyed,
    "tindak": lambda row: row.overdue_follow_ups,
}


def coverage_sorted(report: CoverageReport, sort: str) -> CoverageReport:
    """Both tables of `report` sorted by the column named in `sort` ("-" for descending)."""
    key = COVERAGE_SORT_KEYS.get(sort.lstrip("-"), COVERAGE_SORT_KEYS["nama"])
    for rows in (report.per_kecamatan, report.per_pendamping):
        rows.sort(key=key, reverse=sort.startswith("-"))
    return report


def coverage_table(report: CoverageReport, *, by: str) -> dict:
    """One table of the coverage report as a download (the keywords of table_response)."""
    by_pendamping = by == "pendamping"
    rows = report.per_pendamping if by_pendamping else report.per_kecamatan
    month_labels = [m.strftime("%Y-%m") for m in report.months]
    headers = [
        _("Pendamping") if by_pendamping else _("Kecamatan"),
        _("Kecamatan") if by_pendamping else _("Pendamping"),
        *[_("Kunjungan %(month)s") % {"month": m} for m in month_labels],
        _("Jumlah kunjungan"), _("UMKM dikunjungi"), _("Jumlah UMKM"),
        _("Desa dikunjungi %(days)s hari") % {"days": COVERAGE_DAYS},
        _("Desa disurvei %(days)s hari") % {"days": COVERAGE_DAYS},
        _("Jumlah desa"), _("Tindak lanjut terlambat"),
    ]
    data = (
        [r.name, r.counterpart, *r.visits_by_month, r.visits_total, r.umkm_visited, r.umkm_total,
         r.desa_visited, r.desa_surveyed, r.desa_total, r.overdue_follow_ups]
        for r in rows
    )
    return {"headers": headers, "rows": data, "title": _("Cakupan"),
            "filename": "cakupan-pendampingan-" + ("pendamping" if by_pendamping else "kecamatan")}


# --- Laporan kegiatan bulanan ------------------------------------------------------------------

VISIT_GEOMETRY = tuple(f"umkm__desa__{f}" for f in ("boundary", "centre", "kecamatan__boundary", "kecamatan__centre"))

REPORT_FIGURES = {
    "visits": gettext_lazy("Kunjungan"),
    "umkm_visited": gettext_lazy("UMKM dikunjungi"),
    "desa_reached": gettext_lazy("Desa dijangkau"),
    "umkm_registered": gettext_lazy("UMKM didaftarkan"),
    "products_recorded": gettext_lazy("Produk dicatat"),
    "assessments_submitted": gettext_lazy("Penilaian diajukan"),
    "follow_ups_done": gettext_lazy("Tindak lanjut selesai"),
    "meetings": gettext_lazy("Rapat koordinasi"),
}
# What the audit trail says the pendamping recorded: (model, action) → figure.
_RECORDED = {("mapping.umkm", "create"): "umkm_registered", ("mapping.product", "create"): "products_recorded",
             ("mapping.assessment", "submit"): "assessments_submitted"}


@dataclass
class MonthlyActivity:
    """One pendamping's month, from the records themselves: figures, a list per day, the
    desa reached and the photos."""

    pendamping: Pendamping
    first: date
    last: date
    figures: dict = field(default_factory=dict)
    days: list = field(default_factory=list)  # [(date, [(kind, text)])]
    desa: list = field(default_factory=list)  # [(desa name, kecamatan name, visits)]
    photos: list = field(default_factory=list)  # [(kind, pk, date, caption)]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def monthly_activity(*, pendamping, year: int, month: int) -> MonthlyActivity:
    """Visits, meetings, follow-ups done and what the audit trail says the pendamping
    recorded (UMKM registered, products, assessments submitted) in the month."""
    first, last = month_bounds(year, month)
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    activity = MonthlyActivity(pendamping=pendamping, first=first, last=last)
    per_day: dict = {}
    visits = list(Visit.objects.filter(pendamping=pendamping, date__range=(first, last))
                  .select_related("umkm__desa__kecamatan").defer(*VISIT_GEOMETRY)
                  .prefetch_related("topics").order_by("date", "pk"))
    desa = {}
    for visit in visits:
        topics = ", ".join(t.name for t in visit.topics.all())
        per_day.setdefault(visit.date, []).append(("kunjungan", f"{visit.umkm.name} ({visit.umkm.desa.name}): {topics}"))
        key = (visit.umkm.desa.name, visit.umkm.desa.kecamatan.name)
        desa[key] = desa.get(key, 0) + 1
        if visit.photo:
            activity.photos.append(("kunjungan", visit.pk, visit.date, visit.umkm.name))
    meetings = list(Meeting.objects.filter(pendamping=pendamping, date__range=(first, last)).order_by("date", "pk"))
    for meeting in meetings:
        per_day.setdefault(meeting.date, []).append(
            ("rapat", f"{meeting.place}: {meeting.topics[:120]} ({', '.join(meeting.party_labels())})"))
        if meeting.photo:
            activity.photos.append(("rapat", meeting.pk, meeting.date, meeting.place))
    done = list(FollowUp.objects.filter(visit__pendamping=pendamping, status=FollowUp.Status.DONE,
                                        done_at__gte=start, done_at__lt=end).select_related("visit__umkm")
                .only("description", "done_at", "visit__umkm__name").order_by("done_at"))
    for follow_up in done:
        per_day.setdefault(timezone.localtime(follow_up.done_at).date(), []).append(
            ("tindak lanjut", f"{follow_up.visit.umkm.name}: {follow_up.description}"))
    recorded = {figure: 0 for figure in _RECORDED.values()}
    for model, action, at, text in (AuditEntry.objects.filter(user=pendamping.user, at__gte=start, at__lt=end,
                                                               model__in=[m for m, _a in _RECORDED])
                                    .order_by("at").values_list("model", "action", "at", "object_repr")):
        figure = _RECORDED.get((model, action))
        if figure:
            recorded[figure] += 1
            per_day.setdefault(timezone.localtime(at).date(), []).append((str(REPORT_FIGURES[figure]).lower(), text))
    activity.figures = {
        "visits": len(visits), "umkm_visited": len({v.umkm_id for v in visits}), "desa_reached": len(desa),
        **recorded, "follow_ups_done": len(done), "meetings": len(meetings),
    }
    activity.days = sorted(per_day.items())
    activity.desa = sorted(((name, kec, n) for (name, kec), n in desa.items()), key=lambda d: (d[1], d[0]))
    return activity


def offline_kit(*, user) -> dict:
    """What a pendamping's phone keeps for work without signal: the pages (with the key
    a page is kept under when one copy serves every query string) and the data they read.
    Only the user's own scope: every page is rendered for them, every list is theirs."""
    first_umkm = UMKM.objects.editable_by(user).active().order_by("pk").values_list("pk", flat=True).first()
    pages = [reverse("mentoring:my-tasks"), reverse("mapping:survey-quick"), reverse("mapping:umkm-create"),
             reverse("mentoring:meeting-create")]
    if first_umkm is not None:
        # One visit form serves every UMKM offline: the page puts the UMKM of the link in it.
        pages.append(f"{reverse('mentoring:visit-create')}?umkm={first_umkm}")
    pages += [reverse("mapping:assessment-edit", args=[product_id]) for product_id in
              Assessment.objects.visible_to(user).filter(status=Assessment.Status.RETURNED)
              .values_list("product_id", flat=True)]
    data = [reverse("mentoring:offline-umkm"), reverse("mentoring:my-desa-geojson"), reverse("javascript-catalog")]
    data += [f"{reverse('mapping:desa-geojson')}?kecamatan={a.kecamatan_id}" for a in current_assignments(user=user)]
    return {"user": user.pk, "pages": pages, "data": data}


def offline_umkm(*, user) -> list[dict]:
    """The active UMKM the user may visit, as the phone lists them without signal."""
    return [{"id": pk, "name": name, "desa": desa} for pk, name, desa in
            UMKM.objects.editable_by(user).active().order_by("desa__name", "name")
            .values_list("pk", "name", "desa__name")]
