"""Coordination meetings and the laporan kegiatan bulanan: the portal writes each
pendamping's month from the records; they submit it; Admin Dinas approve or return it."""

import io
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mapping.models import Desa
from mentoring import selectors, services
from mentoring.models import FollowUp, Meeting, MonthlyReport, Visit
from purbalingga_umkm.models import AuditEntry
from tests.factories import FollowUpFactory, UMKMFactory, VisitFactory

pytestmark = pytest.mark.django_db


def last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1) - timedelta(days=1)
    return first.year, first.month


def in_month(year, month, day) -> date:
    return date(year, month, day)


@pytest.fixture
def month_of_work(world):
    """Pendamping A's last month: 3 visits to 2 UMKM in 2 desa, a meeting, a follow-up done,
    2 UMKM registered and an assessment submitted (as the audit trail records them); plus
    records that must not count: B's visit, A's visit of the month before, an open follow-up."""
    year, month = last_month()
    a, b = world.pendamping["X"], world.pendamping["Y"]
    other = UMKMFactory(desa=Desa.objects.filter(kecamatan=world.kecamatan["X"]).exclude(pk=world.desa["X"].pk).first(),
                        name="Lain")
    VisitFactory(pendamping=a, umkm=world.umkm["X"], date=in_month(year, month, 3))
    done = VisitFactory(pendamping=a, umkm=world.umkm["X"], date=in_month(year, month, 10))
    VisitFactory(pendamping=a, umkm=other, date=in_month(year, month, 10))
    VisitFactory(pendamping=b, umkm=world.umkm["Y"], date=in_month(year, month, 4))
    VisitFactory(pendamping=a, umkm=world.umkm["X"], date=in_month(year, month, 1) - timedelta(days=1))
    follow_up = FollowUpFactory(visit=done)
    FollowUp.objects.filter(pk=follow_up.pk).update(
        status=FollowUp.Status.DONE, done_at=timezone.make_aware(datetime(year, month, 12, 9, 0)))
    FollowUpFactory(visit=done)  # still open
    Meeting.objects.create(pendamping=a, kecamatan=world.kecamatan["X"], date=in_month(year, month, 15),
                           place="Kantor Kecamatan Bojongsari", parties=["camat", "bank"], topics="KUR untuk perajin")
    at = timezone.make_aware(datetime(year, month, 20, 10, 0))
    for n in range(2):
        AuditEntry.objects.create(at=at, user=a.user, username=a.user.username, action="create", source="portal",
                                  model="mapping.umkm", object_id=str(900 + n), object_repr=f"UMKM baru {n}")
    AuditEntry.objects.create(at=at, user=a.user, username=a.user.username, action="submit", source="portal",
                              model="mapping.assessment", object_id="77", object_repr="Penilaian sapu")
    AuditEntry.objects.create(at=at, user=b.user, username=b.user.username, action="create", source="portal",
                              model="mapping.umkm", object_id="990", object_repr="Milik B")
    return year, month


def recount(world, year, month) -> dict:
    """The month counted again, straight from the rows."""
    a = world.pendamping["X"]
    visits = [v for v in Visit.objects.all() if v.pendamping_id == a.pk and (v.date.year, v.date.month) == (year, month)]
    audit = [e for e in AuditEntry.objects.filter(user=a.user)
             if (timezone.localtime(e.at).year, timezone.localtime(e.at).month) == (year, month)]
    return {
        "visits": len(visits), "umkm_visited": len({v.umkm_id for v in visits}),
        "desa_reached": len({v.umkm.desa_id for v in visits}),
        "umkm_registered": sum(e.model == "mapping.umkm" and e.action == "create" for e in audit),
        "products_recorded": sum(e.model == "mapping.product" and e.action == "create" for e in audit),
        "assessments_submitted": sum(e.model == "mapping.assessment" and e.action == "submit" for e in audit),
        "follow_ups_done": sum(1 for f in FollowUp.objects.filter(status="done")
                               if f.visit.pendamping_id == a.pk and f.done_at
                               and (timezone.localtime(f.done_at).year, timezone.localtime(f.done_at).month) == (year, month)),
        "meetings": sum(1 for m in Meeting.objects.all() if m.pendamping_id == a.pk
                        and (m.date.year, m.date.month) == (year, month)),
    }


def test_the_months_figures_equal_a_recount_of_its_records(world, month_of_work):
    year, month = month_of_work
    activity = selectors.monthly_activity(pendamping=world.pendamping["X"], year=year, month=month)
    assert activity.figures == recount(world, year, month)
    assert activity.figures == {"visits": 3, "umkm_visited": 2, "desa_reached": 2, "umkm_registered": 2,
                                "products_recorded": 0, "assessments_submitted": 1, "follow_ups_done": 1, "meetings": 1}
    days = dict(activity.days)
    assert [kind for kind, _text in days[date(year, month, 10)]] == ["kunjungan", "kunjungan"]
    assert days[date(year, month, 15)][0][0] == "rapat" and "Camat" in days[date(year, month, 15)][0][1]


def test_the_pendamping_submits_the_month_and_its_figures_are_frozen(client, world, month_of_work):
    year, month = month_of_work
    client.force_login(world.users["pendamping_a"])
    page = client.get(reverse("mentoring:monthly-report"), {"bulan": f"{year}-{month:02d}"})
    assert page.status_code == 200 and "Kantor Kecamatan Bojongsari" in page.content.decode()
    client.post(reverse("mentoring:monthly-report-submit"), {"bulan": f"{year}-{month:02d}", "note": "Lancar"})
    report = MonthlyReport.objects.get(pendamping=world.pendamping["X"], year=year, month=month)
    assert report.status == MonthlyReport.Status.SUBMITTED and report.figures["visits"] == 3

    VisitFactory(pendamping=world.pendamping["X"], umkm=world.umkm["X"], date=date(year, month, 25))
    page = client.get(reverse("mentoring:monthly-report"), {"bulan": f"{year}-{month:02d}"}).content.decode()
    assert "sekarang 4" in page  # the submitted figure stays 3; the change is shown beside it
    report.refresh_from_db()
    assert report.figures["visits"] == 3


def test_admin_returns_with_a_comment_then_approves(client, world, month_of_work):
    year, month = month_of_work
    report = services.report_submit(pendamping=world.pendamping["X"], year=year, month=month, note="",
                                    by=world.users["pendamping_a"])
    with pytest.raises(services.ReportError, match="Tuliskan komentar"):
        services.report_decide(report=report, approve=False, comment=" ", by=world.users["admin"])
    with pytest.raises(services.ReportError, match="Hanya admin Dinas"):
        services.report_decide(report=report, approve=True, comment="", by=world.users["pimpinan"])
    client.force_login(world.users["admin"])
    client.post(reverse("mentoring:monthly-report-decide", args=[report.pk]),
                {"aksi": "kembalikan", "comment": "Lampirkan foto rapat"})
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED and report.comment == "Lampirkan foto rapat"

    again = services.report_submit(pendamping=world.pendamping["X"], year=year, month=month, note="Sudah",
                                   by=world.users["pendamping_a"])
    client.post(reverse("mentoring:monthly-report-decide", args=[again.pk]), {"aksi": "setujui"})
    again.refresh_from_db()
    assert again.status == MonthlyReport.Status.APPROVED and again.decided_by == world.users["admin"]
    with pytest.raises(services.ReportError, match="sudah disetujui"):
        services.report_submit(pendamping=world.pendamping["X"], year=year, month=month, note="",
                               by=world.users["pendamping_a"])


def test_a_pendamping_reads_only_their_own_report_and_staff_choose_whose(client, world, month_of_work):
    year, month = month_of_work
    client.force_login(world.users["pendamping_b"])
    page = client.get(reverse("mentoring:monthly-report"),
                      {"bulan": f"{year}-{month:02d}", "pendamping": world.pendamping["X"].pk}).content.decode()
    assert "Kantor Kecamatan Bojongsari" not in page and world.pendamping["Y"].full_name in page
    client.force_login(world.users["pimpinan"])
    listing = client.get(reverse("mentoring:monthly-report"), {"bulan": f"{year}-{month:02d}"}).content.decode()
    assert world.pendamping["X"].full_name in listing and "belum diajukan" in listing
    workbook = load_workbook(io.BytesIO(client.get(reverse("mentoring:monthly-report"), {
        "bulan": f"{year}-{month:02d}", "pendamping": world.pendamping["X"].pk, "unduh": "xlsx"}).content))
    lines = list(workbook.active.iter_rows(values_only=True))
    assert ("Angka", "Kunjungan", 3, None) in lines


def test_a_future_month_cannot_be_submitted_and_a_bad_month_is_this_month(client, world):
    today = timezone.localdate()
    following = (today.replace(day=28) + timedelta(days=5))
    with pytest.raises(services.ReportError, match="belum berjalan"):
        services.report_submit(pendamping=world.pendamping["X"], year=following.year, month=following.month,
                               note="", by=world.users["pendamping_a"])
    client.force_login(world.users["pendamping_a"])
    for bad in ("2026-13", "abc", "1999-01", "9999-01"):
        response = client.get(reverse("mentoring:monthly-report"), {"bulan": bad})
        assert response.status_code == 200 and response.context["month"] == today.month


def test_a_meeting_is_logged_once_and_refuses_what_cannot_be(client, world):
    client.force_login(world.users["pendamping_a"])
    token = str(uuid.uuid4())
    data = {"kecamatan": world.kecamatan["X"].pk, "date": timezone.localdate().isoformat(), "place": "Balai Desa",
            "parties": ["desa", "kelompok"], "topics": "Pameran produk", "submission_token": token}
    assert client.post(reverse("mentoring:meeting-create"), data).status_code == 302
    assert client.post(reverse("mentoring:meeting-create"), data).status_code == 302  # sent again
    assert Meeting.objects.count() == 1

    bad = {**data, "submission_token": str(uuid.uuid4()), "kecamatan": world.kecamatan["Y"].pk, "parties": [],
           "date": (timezone.localdate() + timedelta(days=2)).isoformat(), "follow_up_due": "2026-12-31"}
    page = client.post(reverse("mentoring:meeting-create"), bad).content.decode()
    assert "Pilih minimal satu pihak" in page and "Anda tidak bertugas di kecamatan itu" in page
    assert Meeting.objects.count() == 1
