"""Writes of the mentoring workflow: visits, follow-ups, coordination meetings, monthly
reports, demo mentors and visits."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mapping import demo as mapping_demo
from mapping.models import UMKM, Kecamatan
from mapping.services import created_once, facts_changed
from purbalingga_umkm.audit import audit_saved, audit_snapshot
from purbalingga_umkm.models import AuditEntry
from purbalingga_umkm.roles import Role, role_of
from spreadsheets import bulk
from mentoring import selectors
from mentoring.models import Assignment, DesaVisitMonth, FollowUp, Meeting, MonthlyReport, Pendamping, Topic, Visit


@transaction.atomic
def visit_log(*, visit: Visit, topics, follow_ups: list[dict], token, by) -> Visit:
    """Save a validated visit with its topics and follow-ups, once per submission token.

    A second request carrying the same token (double tap, resend on a slow network)
    returns the visit saved by the first one instead of creating a duplicate.
    """
    saved = created_once(Visit, visit, token=token, by=by)
    if saved is not visit:
        return saved  # sent before: its topics and follow-ups are stored already
    visit.topics.set(topics)
    FollowUp.objects.bulk_create(
        FollowUp(visit=visit, description=item["description"], due_date=item["due_date"])
        for item in follow_ups
    )
    # A visit changes no UMKM figure: only the visit months of its desa are recounted.
    facts_changed(desa_ids=[visit.umkm.desa_id], kinds={VISITS})
    return visit


def follow_up_complete(*, follow_up: FollowUp, by) -> FollowUp:
    """Mark a follow-up done by `by`; completing it again changes nothing."""
    if follow_up.status != FollowUp.Status.DONE:
        before = audit_snapshot(follow_up)
        follow_up.mark_done(by)
        with transaction.atomic():
            follow_up.save(update_fields=["status", "done_at", "done_by"])
            audit_saved(follow_up, before=before, by=by)
    return follow_up


@dataclass
class DemoMentoringResult:
    pendamping: int
    visits: int
    assessments: int
    accounts: list[tuple[str, str, str]]


@transaction.atomic
def demo_mentoring_seed(*, seed: int = 2026, visits_per_kecamatan: int = 40, with_assessments: bool = True) -> DemoMentoringResult:
    """One demo pendamping per kecamatan (with assignment), a demo Pimpinan, demo visits.

    Idempotent: accounts are reused; visits are generated only when none exist yet.
    """

    User = get_user_model()
    prefix = mapping_demo.DEMO_USERNAME_PREFIX
    password = mapping_demo.DEMO_PASSWORD
    accounts = []
    # Hashing is deliberately slow; 19 accounts share one hash of the same password.
    password_hash = make_password(password)

    pimpinan, _created = User.objects.get_or_create(
        username=f"{prefix}pimpinan", defaults={"first_name": "Pimpinan", "last_name": "Demo"}
    )
    pimpinan.password = password_hash
    pimpinan.save()
    pimpinan.groups.add(Group.objects.get(name=Role.PIMPINAN.value))
    accounts.append((pimpinan.username, password, "Pimpinan (hanya baca)"))

    pendamping_group = Group.objects.get(name=Role.PENDAMPING.value)
    start = date(2025, 1, 2)
    mentors = []
    for kecamatan in Kecamatan.objects.only("pk", "code", "name").order_by("code"):
        user, _created = User.objects.get_or_create(
            username=f"{prefix}pendamping.{slugify(kecamatan.name)}",
            defaults={"first_name": "Pendamping", "last_name": kecamatan.name},
        )
        user.password = password_hash
        user.save()
        user.groups.add(pendamping_group)
        pendamping, _created = Pendamping.objects.get_or_create(
            user=user, defaults={"full_name": f"Pendamping {kecamatan.name} (demo)", "is_demo": True}
        )
        Assignment.objects.get_or_create(
            pendamping=pendamping, kecamatan=kecamatan, defaults={"start_date": start}
        )
        mentors.append((pendamping, kecamatan))
    accounts.append((f"{prefix}pendamping.<kecamatan>", password, "Pendamping, mis. demo.pendamping.kalimanah"))

    visits = 0
    if not Visit.objects.filter(is_demo=True).exists():
        visits = _demo_visits(mentors, random.Random(seed), visits_per_kecamatan)
    assessments = 0
    if with_assessments:
        assessments = mapping_demo.demo_assessments_seed(
            rng=random.Random(seed + 1),
            assessor_by_kecamatan={kecamatan.pk: pendamping.user for pendamping, kecamatan in mentors},
            verifier=User.objects.get(username=f"{prefix}admin"),
        )
    return DemoMentoringResult(pendamping=len(mentors), visits=visits, assessments=assessments, accounts=accounts)


def _demo_visits(mentors, rng, per_kecamatan: int) -> int:
    today = timezone.localdate()
    topics = list(Topic.objects.all())
    umkm_by_kecamatan = {}
    for pk, kecamatan_id in UMKM.objects.demo().order_by("pk").values_list("pk", "desa__kecamatan_id"):
        umkm_by_kecamatan.setdefault(kecamatan_id, []).append(pk)
    count = 0
    for pendamping, kecamatan in mentors:
        candidates = umkm_by_kecamatan.get(kecamatan.pk, [])
        if not candidates:
            continue
        # Some kecamatan are visited far less: the coverage report has something to show.
        for _ in range(per_kecamatan if rng.random() > 0.2 else per_kecamatan // 8):
            visit_date = today - timedelta(days=rng.randint(0, 200))
            visit = Visit.objects.create(
                date=visit_date, pendamping=pendamping, umkm_id=rng.choice(candidates),
                notes="Kunjungan rutin (data demo).", is_demo=True, created_by=pendamping.user,
            )
            visit.topics.set(rng.sample(topics, k=rng.randint(1, 3)))
            if rng.random() < 0.4:
                FollowUp.objects.create(
                    visit=visit,
                    description=rng.choice([
                        "Lengkapi dokumen PIRT", "Foto produk untuk marketplace", "Desain ulang kemasan",
                        "Daftar NIB lewat OSS", "Catat pembukuan sederhana", "Ajukan sertifikat halal",
                    ]),
                    due_date=visit_date + timedelta(days=rng.choice([7, 14, 30])),
                    status=FollowUp.Status.DONE if rng.random() < 0.5 else FollowUp.Status.OPEN,
                )
            count += 1
    return count


@transaction.atomic
def demo_mentoring_clear() -> int:
    """Delete demo visits (with follow-ups), demo assignments and demo pendamping."""
    visited = list(Visit.objects.filter(is_demo=True).values_list("umkm__desa_id", flat=True).distinct())
    deleted, _ = Visit.objects.filter(is_demo=True).delete()
    facts_changed(desa_ids=visited)  # the figures no longer count them
    Assignment.objects.filter(pendamping__is_demo=True).delete()
    deleted_pendamping, _ = Pendamping.objects.filter(is_demo=True).delete()
    return deleted + deleted_pendamping


# --- Rapat koordinasi and the monthly report ---------------------------------------------------

class ReportError(Exception):
    def __init__(self, errors: dict):
        self.errors = {k: str(v) for k, v in errors.items()}
        super().__init__("; ".join(self.errors.values()))


@transaction.atomic
def meeting_log(*, meeting: Meeting, token, by) -> Meeting:
    """Record a coordination meeting once: the same form sent twice (a double tap, a resend
    after the signal came back) finds the first."""
    if token and (found := Meeting.objects.filter(submission_token=token).first()):
        return found
    meeting.submission_token = token
    meeting.full_clean()
    meeting.save()
    audit_saved(meeting, before=None, by=by)
    return meeting


def _report_for(pendamping, year: int, month: int) -> MonthlyReport:
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(
        pendamping=pendamping, year=year, month=month)
    return report


@transaction.atomic
def report_submit(*, pendamping, year: int, month: int, note: str, by) -> MonthlyReport:
    """The pendamping submits the month's report: its figures are frozen as they are now."""
    if (year, month) > (timezone.localdate().year, timezone.localdate().month):
        raise ReportError({"month": _("Laporan bulan yang belum berjalan tidak dapat diajukan.")})
    report = _report_for(pendamping, year, month)
    if report.status not in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED):
        raise ReportError({"status": _("Laporan ini sudah %(status)s.") % {
            "status": report.get_status_display().lower()}})
    activity = selectors.monthly_activity(pendamping=pendamping, year=year, month=month)
    before = audit_snapshot(report)
    report.figures = activity.figures
    report.note = note.strip()
    report.status = MonthlyReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.version += 1
    report.full_clean()
    report.save()
    audit_saved(report, before=before, by=by, action=AuditEntry.Action.SUBMIT)
    return report


@transaction.atomic
def report_decide(*, report: MonthlyReport, approve: bool, comment: str, by) -> MonthlyReport:
    """Admin Dinas approve a submitted report, or return it with a comment saying why."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if role_of(by) is not Role.ADMIN_DINAS:
        raise ReportError({"role": _("Hanya admin Dinas yang dapat menyetujui atau mengembalikan laporan.")})
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise ReportError({"status": _("Hanya laporan berstatus diajukan yang dapat diputuskan.")})
    if not approve and not comment.strip():
        raise ReportError({"comment": _("Tuliskan komentar: apa yang perlu diperbaiki.")})
    before = audit_snapshot(report)
    report.status = MonthlyReport.Status.APPROVED if approve else MonthlyReport.Status.RETURNED
    report.comment = comment.strip()
    report.decided_by, report.decided_at = by, timezone.now()
    report.version += 1
    report.save()
    audit_saved(report, before=before, by=by,
                action=AuditEntry.Action.VERIFY if approve else AuditEntry.Action.RETURN)
    return report


VISITS = "visits"  # the kind of rows visits_recount counts


def visits_recount(desa_ids) -> None:
    """Rewrite DesaVisitMonth of `desa_ids` (of every desa when None) from the visits:
    registered with mapping's summaries recount, which calls it for the desa a write touched."""
    rows = Visit.objects.order_by()
    months = DesaVisitMonth.objects.all()
    if desa_ids is not None:
        rows = rows.filter(umkm__desa_id__in=desa_ids)
        months = months.filter(desa_id__in=desa_ids)
    months.delete()
    bulk.rows_insert(DesaVisitMonth, (
        DesaVisitMonth(desa_id=row["umkm__desa_id"], kecamatan_id=row["umkm__desa__kecamatan_id"],
                       month=row["month"], visits=row["n"], last_visit=row["last"])
        for row in rows.annotate(month=TruncMonth("date")).values("umkm__desa_id", "umkm__desa__kecamatan_id", "month")
        .annotate(n=Count("pk"), last=Max("date"))), want_ids=False)
