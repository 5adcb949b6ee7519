"""Every aid figure a leader sees equals an independent recount of the records."""

import csv
import io

import pytest
from django.urls import reverse

from bantuan import services
from bantuan.models import Disbursement, Recipient, UseCheck
from mapping.models import UMKM, Desa
from mapping.services.facts import facts_changed
from tests.bantuan.conftest import TODAY, program_make, propose, visited
from tests.factories import UMKMFactory, desa_moved_in_the_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def aided(today, staff, world):
    program = program_make(quota=10)
    made = [visited(UMKMFactory(desa=world.desa[side], name=f"Usaha {side}{n}")) for side in "XXY" for n in (1,)]
    made.append(visited(UMKMFactory(desa=world.desa["X"], name="Usaha X2")))
    recipients = [propose(program, staff, umkm=u) for u in made]
    Recipient.objects.filter(pk=recipients[-1].pk).update(state=Recipient.State.EXITED)  # not counted
    payment = Disbursement.objects.create(recipient=recipients[0], value=5_000_000, status="diserahkan",
                                          delivered_on=TODAY)
    UseCheck.objects.create(disbursement=payment, months=3, due_on=TODAY, recorded_on=TODAY, result="dijual")
    UseCheck.objects.create(disbursement=payment, months=6, due_on=TODAY, recorded_on=TODAY, result="dipakai")
    facts_changed(everything=True)
    return program


def recount(kecamatan):
    active_umkm = sum(1 for u in UMKM.objects.all() if u.is_active and u.desa.kecamatan_id == kecamatan.pk)
    counting = [r for r in Recipient.objects.all()
                if r.kecamatan_id == kecamatan.pk and r.state in ("usulan", "terdaftar", "ditangguhkan")]
    checks = [c for c in UseCheck.objects.all() if c.recorded_on and c.disbursement.recipient in counting]
    return active_umkm, len(counting), len(checks), sum(c.result in ("dipakai", "sebagian") for c in checks)


def test_the_report_per_kecamatan_equals_a_recount(client, world, aided):
    client.force_login(world.users["pimpinan"])
    report = client.get(reverse("bantuan:aid-report")).context["report"]
    rows = {row.code: row for row in report.rows}
    for side in "XY":
        kecamatan = world.kecamatan[side]
        row = rows[kecamatan.code]
        assert (row.umkm, row.recipients, row.checks, row.productive) == recount(kecamatan)
    assert rows[world.kecamatan["X"].code].recipients == 2 and rows[world.kecamatan["X"].code].productive_pct == 50
    assert report.total.recipients == sum(row.recipients for row in report.rows) == 3


def test_the_export_says_its_year_and_carries_the_same_figures(client, world, aided):
    client.force_login(world.users["admin"])
    response = client.get(reverse("bantuan:aid-report"), {"unduh": "csv", "tahun": "2026"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Bantuan per kecamatan — filter: Tahun: 2026"]
    by_code = {line[0]: line for line in lines[2:]}
    assert by_code[world.kecamatan["X"].code][3] == "2" and lines[-1][1] == "Kabupaten" and lines[-1][3] == "3"


def test_a_pendamping_sees_only_their_kecamatan_and_pimpinan_see_the_dashboard_section(client, world, aided):
    client.force_login(world.users["pendamping_a"])
    rows = client.get(reverse("bantuan:aid-report")).context["report"].rows
    assert [row.code for row in rows] == [world.kecamatan["X"].code]
    client.force_login(world.users["pimpinan"])
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    assert 'id="bantuan-panel"' in page and "3 penerima dari" in page


def test_the_umkm_history_lists_all_aid_received_and_what_its_use_checks_found(client, world, aided):
    umkm = Recipient.objects.filter(state="usulan").order_by("pk").first().umkm
    client.force_login(world.users["pimpinan"])
    page = client.get(reverse("mentoring:umkm-history", args=[umkm.pk])).content.decode()
    assert 'id="aid-received"' in page and "Bantuan Peralatan UMKM 2026" in page
    assert "3 bulan: Dijual" in page and "6 bulan: Dipakai produktif" in page
    other = UMKMFactory(desa=world.desa["X"])
    assert 'id="aid-received"' not in client.get(reverse("mentoring:umkm-history", args=[other.pk])).content.decode()


def test_the_dashboard_aid_map_carries_the_recounted_figures_of_every_kecamatan(client, world, aided):
    import json
    import re

    client.force_login(world.users["pimpinan"])
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    found = re.search(r'<script id="bantuan-map-figures" type="application/json">(.*?)</script>', page, re.S)
    figures = json.loads(found.group(1))
    for side in "XY":
        kecamatan = world.kecamatan[side]
        umkm, recipients, checks, productive = recount(kecamatan)
        shown = figures[kecamatan.code]
        assert (shown["umkm"], shown["recipients"]) == (umkm, recipients)
        assert shown["per_thousand"] == round(recipients * 1000 / umkm, 1)
        assert shown["productive_pct"] == (round(productive * 100 / checks) if checks else None)
    assert 'id="bantuan-map-frame"' in page and "js/bantuan_map." in page


def test_the_umkm_history_draws_turnover_and_workers_from_its_surveys_and_the_use_checks(client, world, aided):
    import json
    import re
    from datetime import datetime, time

    from django.utils import timezone

    from purbalingga_umkm.audit import audit_saved, audit_snapshot
    from purbalingga_umkm.models import AuditEntry

    umkm = Recipient.objects.filter(state="usulan").order_by("pk").first().umkm
    # Registered in March with Rp 36 juta a year and 2 workers; surveyed again in June: Rp 48 juta, 3 workers.
    umkm.annual_turnover, umkm.workers = 36_000_000, 2
    umkm.save()
    created = audit_saved(umkm, before=None, by=world.users["pendamping_a"])
    AuditEntry.objects.filter(pk=created.pk).update(at=timezone.make_aware(datetime.combine(TODAY.replace(month=3), time(9))))
    before = audit_snapshot(umkm)
    umkm.annual_turnover, umkm.workers = 48_000_000, 3
    umkm.save()
    changed = audit_saved(umkm, before=before, by=world.users["pendamping_a"])
    AuditEntry.objects.filter(pk=changed.pk).update(at=timezone.make_aware(datetime.combine(TODAY.replace(month=6), time(9))))
    UseCheck.objects.filter(months=3).update(monthly_turnover=5_500_000, workers=4)

    client.force_login(world.users["pimpinan"])
    page = client.get(reverse("mentoring:umkm-history", args=[umkm.pk])).content.decode()
    series = json.loads(re.search(r'<script id="recovery-series" type="application/json">(.*?)</script>', page, re.S)
                        .group(1))

    shown = [(p["day"], p["turnover"], p["workers"], p["source"]) for p in series["points"]]
    assert shown[:2] == [(TODAY.replace(month=3).isoformat(), 3_000_000, 2, "survei"),
                         (TODAY.replace(month=6).isoformat(), 4_000_000, 3, "survei")]
    assert (TODAY.isoformat(), 5_500_000, 4, "cek pemanfaatan 3 bulan") in shown
    assert series["deliveries"] == [{"day": TODAY.isoformat(), "program": "Bantuan Peralatan UMKM 2026"}]
    assert 'id="recovery-chart"' in page and "js/bantuan_recovery." in page


def test_recipients_by_potential_class_and_their_turnover_before_and_after_equal_a_recount(client, world, today, staff):
    from datetime import date, datetime, time
    from decimal import Decimal

    from django.utils import timezone

    from mapping.models import Assessment, RatingClass, Rubric
    from purbalingga_umkm.audit import audit_saved
    from purbalingga_umkm.models import AuditEntry
    from tests.factories import ProductFactory

    program = program_make(quota=10, stages=2)
    first, second = program.stages.order_by("number")
    grown = visited(UMKMFactory(desa=world.desa["X"], name="Tumbuh", annual_turnover=36_000_000))
    entry = audit_saved(grown, before=None, by=staff)
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.make_aware(datetime.combine(date(2026, 3, 2), time(9))))
    rated = visited(UMKMFactory(desa=world.desa["X"], name="Berpotensi"))
    Assessment.objects.create(product=ProductFactory(umkm=rated), rubric=Rubric.objects.current(), is_current=True,
                              status=Assessment.Status.VERIFIED, weighted_score=Decimal("81.5"))
    later = visited(UMKMFactory(desa=world.desa["X"], name="Tahap Dua"))
    for umkm, stage in ((grown, first), (rated, first), (later, second)):
        services.recipient_propose(program=program, stage=stage, umkm=umkm, by=staff)
    payment = Disbursement.objects.create(recipient=Recipient.objects.get(umkm=grown), value=5_000_000,
                                          status="diserahkan", delivered_on=date(2026, 6, 1))
    UseCheck.objects.create(disbursement=payment, months=3, due_on=date(2026, 9, 1), recorded_on=date(2026, 9, 3),
                            result="dipakai", monthly_turnover=4_500_000)
    UseCheck.objects.create(disbursement=payment, months=6, due_on=date(2026, 12, 1), result="")  # not yet recorded

    client.force_login(world.users["pimpinan"])
    report = client.get(reverse("bantuan:aid-report"), {"program": program.pk}).context["report"]
    row = next(r for r in report.rows if r.code == world.kecamatan["X"].code)

    expected_class = max((c for c in RatingClass.objects.all() if c.min_score <= Decimal("81.5")),
                         key=lambda c: c.min_score).name
    assert row.classes == {expected_class: 1}
    assert (row.compared, row.turnover_before, row.turnover_after) == (1, 36_000_000 // 12, 4_500_000)
    assert row.turnover_change_pct == 50.0
    assert report.class_names == [c.name for c in RatingClass.objects.order_by("-min_score")]

    by_stage = client.get(reverse("bantuan:aid-report"), {"program": program.pk, "tahap": "2"}).context["report"]
    assert next(r for r in by_stage.rows if r.code == world.kecamatan["X"].code).recipients == 1


@pytest.mark.parametrize("query", [{"tahun": "²"}, {"tahun": "99999999999999999999"}, {"program": "x", "tahap": "²"},
                                   {"tahap": "-1"}])
def test_a_report_filter_that_is_not_a_number_is_ignored(client, world, aided, query):
    client.force_login(world.users["pimpinan"])
    assert client.get(reverse("bantuan:aid-report"), {**query, "program": query.get("program", aided.pk)}).status_code == 200


def test_a_desa_moved_to_another_kecamatan_takes_its_aid_recipients_along(admin_client, world, today, staff, umkm_in_x):
    """Staff move Karangbanjar to kecamatan Y in the admin (a new code with it): the aid
    proposed to its UMKM and groups is counted under kecamatan Y and seen by Y's pendamping;
    aid elsewhere stays where it is."""
    from tests.bantuan.conftest import kelompok_make

    umkm_program, group_program = program_make(), program_make(name="Bantuan KUB", recipient_type="kelompok")
    aided = propose(umkm_program, staff, umkm=umkm_in_x)
    kub = kelompok_make(desa=world.desa["X"], members=5)
    aided_kub = propose(group_program, staff, kelompok=kub)
    elsewhere = kelompok_make(name="KUB Knalpot", desa=Desa.objects.get(code="33.03.01.2001"), members=5)
    aided_elsewhere = propose(group_program, staff, kelompok=elsewhere)
    assert {aided.kecamatan, aided_kub.kecamatan} == {world.kecamatan["X"]}

    desa_moved_in_the_admin(admin_client, world.desa["X"], kecamatan=world.kecamatan["Y"], code="33.03.06.2099")

    assert {r.kecamatan for r in Recipient.objects.filter(pk__in=[aided.pk, aided_kub.pk])} == {world.kecamatan["Y"]}
    assert Recipient.objects.get(pk=aided_elsewhere.pk).kecamatan.code == "33.03.01"
    assert set(Recipient.objects.visible_to(world.users["pendamping_b"]).values_list("pk", flat=True)) >= {
        aided.pk, aided_kub.pk}
    assert not Recipient.objects.visible_to(world.users["pendamping_a"]).filter(pk=aided.pk).exists()
