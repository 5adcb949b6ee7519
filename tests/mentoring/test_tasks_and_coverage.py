"""The mentor's "Tugas saya" page and the coverage report for Pimpinan and staff."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from mapping.services.facts import facts_changed
from mapping.models import Desa, Sector
from mentoring.models import FollowUp
from tests.factories import AssignmentFactory, FollowUpFactory, ProductFactory, UMKMFactory, VisitFactory

pytestmark = pytest.mark.django_db


def ok(client, name, params=None):
    """The page or download at URL `name`, which must answer 200."""
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200
    return response


def test_home_lists_only_umkm_of_the_assigned_kecamatan(client, world):
    client.force_login(world.users["pendamping_a"])
    response = client.get(reverse("mentoring:my-tasks"))
    assert response.status_code == 200
    content = response.content.decode()
    assert [u.name for u in response.context["page"]] == ["UMKM X"]
    assert "UMKM Y" not in content
    assert [a.kecamatan.name for a in response.context["assignments"]] == ["Bojongsari"]


def test_home_searches_and_filters_umkm_by_desa_and_sector(client, world):
    other_desa = Desa.objects.get(code="33.03.14.2001")
    knalpot = UMKMFactory(desa=other_desa, name="Knalpot Jaya", owner_name="Darsono")
    ProductFactory(umkm=knalpot, sector=Sector.objects.get(code="logam-otomotif"))
    client.force_login(world.users["pendamping_a"])

    def names(**params):
        return [u.name for u in ok(client, "mentoring:my-tasks", params).context["page"]]

    assert names(q="darsono") == ["Knalpot Jaya"]
    assert names(desa="33.03.14.2008") == ["UMKM X"]
    assert names(sektor="logam-otomotif") == ["Knalpot Jaya"]
    assert names(q="UMKM Y") == []
    assert "Tidak ada UMKM yang cocok" in ok(client, "mentoring:my-tasks", {"q": "zzz"}).content.decode()


def test_home_paginates_the_umkm_list(client, world):
    UMKMFactory.create_batch(25, desa=world.desa["X"])
    client.force_login(world.users["pendamping_a"])
    first = ok(client, "mentoring:my-tasks")
    second = ok(client, "mentoring:my-tasks", {"halaman": 2})
    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 6
    assert "halaman=2" in first.content.decode()


def test_home_lists_desa_without_a_visit_in_90_days(client, world):
    from mapping.models import UMKM

    old_desa = Desa.objects.get(code="33.03.14.2001")
    old_umkm = UMKMFactory(desa=old_desa)
    UMKM.objects.filter(pk=old_umkm.pk).update(updated_at=timezone.now() - timedelta(days=200))
    VisitFactory(umkm=old_umkm, pendamping=world.pendamping["X"], date=timezone.localdate() - timedelta(days=91))
    client.force_login(world.users["pendamping_a"])
    uncovered = {d.code for d in ok(client, "mentoring:my-tasks").context["unvisited_desa"]}
    # Karangbanjar has today's visit.
    expected = set(Desa.objects.filter(kecamatan__code="33.03.14").values_list("code", flat=True)) - {"33.03.14.2008"}
    assert uncovered == expected
    assert "33.03.14.2001" in uncovered


def test_a_recent_survey_counts_as_surveyed_not_as_visited(client, world):
    from mapping.models import UMKM

    surveyed = Desa.objects.get(code="33.03.14.2002")
    UMKMFactory(desa=surveyed)  # registered today
    stale = UMKMFactory(desa=Desa.objects.get(code="33.03.14.2003"))
    UMKM.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=120))
    facts_changed(umkm_ids=[stale.pk])  # recorded 120 days ago, as the figures know it
    client.force_login(world.users["pendamping_a"])
    context = ok(client, "mentoring:my-tasks").context
    unsurveyed = {d.code for d in context["unsurveyed_desa"]}
    unvisited = {d.code for d in context["unvisited_desa"]}
    assert "33.03.14.2002" not in unsurveyed and "33.03.14.2002" in unvisited
    assert "33.03.14.2003" in unsurveyed and "33.03.14.2003" in unvisited


def test_home_shows_follow_ups_due_this_week_and_overdue(client, world):
    FollowUpFactory(visit=world.visit["X"], description="Terlambat", due_date=timezone.localdate() - timedelta(days=2))
    FollowUpFactory(visit=world.visit["X"], description="Bulan depan", due_date=timezone.localdate() + timedelta(days=40))
    FollowUpFactory(visit=world.visit["X"], description="Sudah beres", status=FollowUp.Status.DONE)
    client.force_login(world.users["pendamping_a"])
    due = [f.description for f in ok(client, "mentoring:my-tasks").context["follow_ups"]]
    assert due == ["Terlambat", world.follow_up["X"].description]


def test_desa_geojson_carries_only_the_mentors_desa_with_coverage(client, world):
    client.force_login(world.users["pendamping_a"])
    features = ok(client, "mentoring:my-desa-geojson").json()["features"]
    assert {f["properties"]["code"][:8] for f in features} == {"33.03.14"}
    visited = {f["properties"]["code"] for f in features if f["properties"]["visited"]}
    surveyed = {f["properties"]["code"] for f in features if f["properties"]["surveyed"]}
    assert visited == surveyed == {"33.03.14.2008"}


def test_home_query_count_does_not_grow_with_umkm_visits_or_kecamatan(client, world, django_assert_num_queries):
    # Pendamping A covers 3 kecamatan, each with 2 UMKM, each with 2 visits and follow-ups.
    for code in ("33.03.06", "33.03.01"):
        AssignmentFactory(pendamping=world.pendamping["X"], kecamatan=world.kecamatan["X"].__class__.objects.get(code=code))
    for desa_kode in ("33.03.14.2001", "33.03.06.2001", "33.03.01.2001"):
        for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code=desa_kode)):
            for visit in VisitFactory.create_batch(2, umkm=umkm, pendamping=world.pendamping["X"]):
                FollowUpFactory(visit=visit)
    client.force_login(world.users["pendamping_a"])
    # session, user, role, desa coverage (desa months of visits and of surveys, then the
    # desa list with each desa's last visit), UMKM count,
    # recent visits with pendamping and UMKM, their topics, their follow-ups, navigation
    # permissions (user, groups), assignments, sectors, UMKM page, follow-ups due, returned
    # assessments, other apps' due work (aid use checks): 18,
    # whatever the number of rows.
    with django_assert_num_queries(18):
        response = client.get(reverse("mentoring:my-tasks"))
        assert response.status_code == 200
    assert response.context["page"].paginator.count == 8


def test_coverage_report_figures_match_the_rows(client, world):
    today = timezone.localdate()
    second_umkm_x = UMKMFactory(desa=Desa.objects.get(code="33.03.14.2001"))
    VisitFactory(umkm=second_umkm_x, pendamping=world.pendamping["X"], date=today)
    VisitFactory(umkm=world.umkm["X"], pendamping=world.pendamping["X"], date=today - timedelta(days=400))
    FollowUpFactory(visit=world.visit["X"], due_date=today - timedelta(days=1))
    client.force_login(world.users["pimpinan"])
    report = ok(client, "mentoring:coverage-report").context["report"]
    rows = {row.name: row for row in report.per_kecamatan}
    bojongsari = rows["Bojongsari"]
    assert bojongsari.counterpart == "Pendamping X"
    assert bojongsari.visits_total == 2  # the visit 400 days ago is outside the 6 months
    assert bojongsari.visits_by_month[-1] == 2
    assert bojongsari.umkm_visited == 2 and bojongsari.umkm_total == 2
    # Visited in 90 days: Karangbanjar (UMKM X) and 2001 (today's visit); the same two
    # were surveyed (UMKM registered today).
    assert bojongsari.desa_total == 13 and bojongsari.desa_visited == 2 and bojongsari.desa_surveyed == 2
    assert bojongsari.overdue_follow_ups == 1
    assert rows["Kemangkon"].visits_total == 0 and rows["Kemangkon"].desa_visited == 0
    mentors = {row.name: row for row in report.per_pendamping}
    assert mentors["Pendamping X"].counterpart == "Bojongsari"
    assert mentors["Pendamping X"].umkm_visited == 2 and mentors["Pendamping X"].overdue_follow_ups == 1
    assert mentors["Pendamping Y"].visits_total == 1


def test_coverage_report_sorts_by_a_column(client, world):
    VisitFactory(umkm=world.umkm["Y"], pendamping=world.pendamping["Y"])
    client.force_login(world.users["admin"])
    report = ok(client, "mentoring:coverage-report", {"urut": "-kunjungan"}).context["report"]
    assert [row.name for row in report.per_kecamatan[:2]] == ["Kalimanah", "Bojongsari"]
    by_name = ok(client, "mentoring:coverage-report", {"urut": "-name"}).context["report"]
    assert by_name.per_kecamatan[0].name == "Rembang"


def test_coverage_report_exports_csv_and_xlsx(client, world):
    client.force_login(world.users["pimpinan"])
    response = ok(client, "mentoring:coverage-report", {"unduh": "csv", "tabel": "kecamatan"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Kecamatan" and len(rows) == 19
    bojongsari = next(row for row in rows if row[0] == "Bojongsari")
    assert bojongsari[1] == "Pendamping X"
    xlsx = ok(client, "mentoring:coverage-report", {"unduh": "xlsx", "tabel": "pendamping"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "Pendamping"
    assert sorted(sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)) == ["Pendamping X", "Pendamping Y"]


def test_exported_cells_that_look_like_formulas_are_neutralised(client, world):
    world.pendamping["X"].full_name = "=HYPERLINK(\"http://x\")"
    world.pendamping["X"].save()
    client.force_login(world.users["pimpinan"])
    response = ok(client, "mentoring:coverage-report", {"unduh": "csv", "tabel": "pendamping"})
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_coverage_report_query_count_is_constant(client, world, django_assert_num_queries):
    from tests.factories import PendampingFactory

    # 3 pendamping, each assigned a kecamatan and with at least 2 visits; 3 kecamatan
    # with 2 UMKM each, every UMKM visited twice with an overdue follow-up.
    third = PendampingFactory(full_name="Pendamping Z")
    AssignmentFactory(pendamping=third, kecamatan=world.kecamatan["X"].__class__.objects.get(code="33.03.01"))
    VisitFactory(umkm=world.umkm["Y"], pendamping=world.pendamping["Y"])
    for desa_kode, pendamping in (("33.03.14.2001", world.pendamping["X"]), ("33.03.06.2001", world.pendamping["Y"]),
                                  ("33.03.01.2001", third)):
        for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code=desa_kode)):
            for visit in VisitFactory.create_batch(2, umkm=umkm, pendamping=pendamping):
                FollowUpFactory(visit=visit, due_date=timezone.localdate() - timedelta(days=1))
    client.force_login(world.users["pimpinan"])
    # session, user, user and group permissions, role, kecamatan rows with their counts,
    # active UMKM per kecamatan (summaries), UMKM visited per kecamatan, desa visited and
    # surveyed in 90 days (desa months of visits and of surveys, then the desa of the
    # kecamatan), visits per kecamatan-month, current mentors, pendamping rows with their
    # counts, visits per pendamping-month, current assignments: 16, whatever the number
    # of rows.
    with django_assert_num_queries(16):
        response = client.get(reverse("mentoring:coverage-report"))
        assert response.status_code == 200
    mentors = {row.name: row for row in response.context["report"].per_pendamping}
    assert (mentors["Pendamping X"].umkm_visited, mentors["Pendamping Y"].umkm_visited,
            mentors["Pendamping Z"].umkm_visited) == (3, 3, 2)
