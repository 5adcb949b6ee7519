"""Staff run a program on its page: the figures are true, a refused action keeps what was
typed, and each role sees and does only what it may."""

import pytest
from django.urls import reverse

from bantuan import services
from bantuan.models import Disbursement, Flag, Recipient
from tests.bantuan.conftest import program_make, propose, visited
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(today, staff, world, umkm_in_x):
    program = program_make(quota=5, budget=50_000_000)
    propose(program, staff, umkm=umkm_in_x)
    stale = visited(UMKMFactory(desa=world.desa["X"], name="Keripik Lama"), days_ago=500)
    propose(program, staff, umkm=stale)
    far = visited(UMKMFactory(desa=world.desa["Y"], name="Bulu Mata Kalimanah"))
    propose(program, staff, umkm=far)
    return program


def test_the_program_page_figures_equal_a_recount(client, world, program):
    first = Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem")
    Disbursement.objects.create(recipient=first, value=12_000_000, proposed_by=world.users["admin"])
    Disbursement.objects.create(recipient=first, value=5_000_000, status=Disbursement.Status.REJECTED)
    client.force_login(world.users["pimpinan"])

    context = client.get(reverse("bantuan:program-detail", args=[program.pk])).context

    assert context["places"] == Recipient.objects.filter(program=program, state__in=["usulan", "terdaftar", "ditangguhkan"]).count() == 3
    assert context["budget_used"] == 12_000_000  # the rejected one does not count
    assert context["open_flags"] == Flag.objects.filter(recipient__program=program, overridden_at=None).count() == 1


def test_a_justification_too_short_is_refused_and_shown_back_as_typed(client, world, program):
    flag = Flag.objects.get(recipient__umkm__name="Keripik Lama")
    client.force_login(world.users["admin"])

    response = client.post(reverse("bantuan:flag-override", args=[flag.pk]), {"justification": "sudah dicek"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "alasan paling sedikit 20 karakter" in page and ">sudah dicek</textarea>" in page
    flag.refresh_from_db()
    assert flag.is_open


def test_a_pendamping_sees_only_their_kecamatans_recipients_and_cannot_decide(client, world, program):
    client.force_login(world.users["pendamping_a"])
    page = client.get(reverse("bantuan:program-detail", args=[program.pk])).content.decode()
    assert "Sapu Glagah Bu Rasem" in page and "Bulu Mata Kalimanah" not in page

    recipient = Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem")
    assert client.post(reverse("bantuan:recipient-state", args=[recipient.pk]),
                       {"state": "terdaftar", "version": 1}).status_code == 403
    assert client.post(reverse("bantuan:disbursement-propose", args=[recipient.pk]), {"value": 1}).status_code == 403


def test_the_shortlist_proposes_eligible_umkm_with_reasons_and_staff_propose_one(client, world, today, staff):
    program = program_make(quota=2, rules={"kecamatan": ["33.03.14"]})
    strong = visited(UMKMFactory(desa=world.desa["X"], name="Anyaman Bambu Kuat"))
    visited(UMKMFactory(desa=world.desa["Y"], name="Di Luar Sasaran"))
    client.force_login(world.users["admin"])

    page = client.get(reverse("bantuan:program-shortlist", args=[program.pk]))
    names = [c.umkm.name for c in page.context["candidates"]]
    assert "Anyaman Bambu Kuat" in names and "Di Luar Sasaran" not in names and len(names) <= 2
    assert "belum pernah menerima bantuan" in page.content.decode()

    client.post(reverse("bantuan:program-shortlist", args=[program.pk]),
                {"stage": program.stages.get().pk, "umkm": strong.pk, "note": "daftar pendek"})
    recipient = Recipient.objects.get(program=program, umkm=strong)
    assert recipient.proposed_by == world.users["admin"] and recipient.shortlist_note == "daftar pendek"


def test_a_bad_or_missing_query_never_breaks_the_pages(client, world, program):
    client.force_login(world.users["admin"])
    assert client.get(reverse("bantuan:program-detail", args=[program.pk]), {"halaman": "x'"}).status_code == 200
    assert client.get(reverse("bantuan:program-detail", args=[999999])).status_code == 404
    assert client.post(reverse("bantuan:program-shortlist", args=[program.pk]), {"stage": "abc"}).status_code == 302
    assert client.get(reverse("bantuan:program-list")).status_code == 200


def test_the_use_check_is_recorded_by_the_mentor_of_the_kecamatan_only(client, world, program, staff):
    from bantuan.models import UseCheck
    from tests.conftest import user_with_role
    from purbalingga_umkm.roles import Role

    recipient = Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem")
    recipient = services.recipient_state_set(recipient=recipient, state="terdaftar", reason="", by=staff,
                                             expected_version=1)
    payment = services.disbursement_propose(recipient=recipient, value=10_000_000, items="Mesin", by=staff)
    services.disbursement_approve(disbursement=payment, by=user_with_role("staf.dua", Role.ADMIN_DINAS, staff=True))
    services.disbursement_deliver(disbursement=payment, delivered_on=program.created_at.date(), bast_number="9/BAST",
                                  by=staff)
    check = UseCheck.objects.get(disbursement=payment, months=3)
    url = reverse("bantuan:use-check", args=[check.pk])

    client.force_login(world.users["pendamping_b"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["pendamping_a"])
    refused = client.post(url, {}).content.decode()
    assert "Pilih pemanfaatan bantuan." in refused, refused[refused.find("<main"):refused.find("</main>")]
    response = client.post(url, {"result": "dipakai", "workers": 3, "monthly_turnover": 6_000_000})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.result == "dipakai" and check.recorded_by == world.users["pendamping_a"] and check.workers == 3


def test_the_rules_read_as_words_not_codes(client, world, today):
    program = program_make(rules={"kecamatan": ["33.03.14"], "ukuran": ["mikro", "kecil"], "dokumen": ["pirt"]})
    client.force_login(world.users["pimpinan"])
    page = client.get(reverse("bantuan:program-detail", args=[program.pk])).content.decode()
    assert "Skala usaha: Mikro, Kecil; Kecamatan: Bojongsari; Dokumen wajib: SPP-IRT / PIRT" in page


def test_staff_see_every_change_of_a_recipient_in_its_history(client, world, program, staff):
    recipient = Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem")
    services.recipient_state_set(recipient=recipient, state="ditangguhkan", reason="Menunggu surat desa", by=staff,
                                 expected_version=1)
    client.force_login(world.users["admin"])
    page = client.get(reverse("admin:bantuan_recipient_history", args=[recipient.pk])).content.decode()
    assert "Menunggu surat desa" in page and "ditangguhkan" in page


def three_month_check(program, staff):
    """Bu Rasem enrolled, 1 juta proposed, approved by a second staff member and handed over:
    her 3-month use check."""
    from bantuan.models import UseCheck
    from purbalingga_umkm.roles import Role
    from tests.conftest import user_with_role

    recipient = services.recipient_state_set(recipient=Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem"),
                                             state="terdaftar", reason="", by=staff, expected_version=1)
    payment = services.disbursement_propose(recipient=recipient, value=1_000_000, items="", by=staff)
    services.disbursement_approve(disbursement=payment, by=user_with_role("staf.dua", Role.ADMIN_DINAS, staff=True))
    services.disbursement_deliver(disbursement=payment, delivered_on=program.created_at.date(), bast_number="9/BAST",
                                  by=staff)
    return UseCheck.objects.get(disbursement=payment, months=3)


@pytest.mark.parametrize("point, message", [
    ({"lat": "0", "lng": "0"}, "tidak berada di sekitar Purbalingga"),
    ({"lat": "-7.35"}, "Lokasi GPS tidak lengkap"),
])
def test_a_use_check_point_that_cannot_be_true_is_refused(client, world, program, staff, point, message):
    check = three_month_check(program, staff)
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("bantuan:use-check", args=[check.pk]), {"result": "dipakai", **point})

    assert response.status_code == 200 and message in response.content.decode()
    check.refresh_from_db()
    assert check.recorded_on is None


def test_a_pendamping_is_offered_only_candidates_of_their_kecamatan(client, world, today):
    program = program_make(quota=5)
    visited(UMKMFactory(desa=world.desa["X"], name="Calon Bojongsari"))
    visited(UMKMFactory(desa=world.desa["Y"], name="Calon Kalimanah"))
    client.force_login(world.users["pendamping_a"])
    names = [c.umkm.name for c in client.get(reverse("bantuan:program-shortlist", args=[program.pk])).context["candidates"]]
    assert "Calon Bojongsari" in names and "Calon Kalimanah" not in names


def test_a_use_check_photo_without_a_phone_location_gives_its_camera_point_and_is_stored_without_it(
        client, world, program, staff, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tests.test_images import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    check = three_month_check(program, staff)
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("bantuan:use-check", args=[check.pk]), {
        "result": "dipakai", "photo": SimpleUploadedFile("bukti.jpg", jpeg_with_gps(), "image/jpeg")})

    assert response.status_code == 302
    check.refresh_from_db()
    # 7° 22' 5" S, 109° 20' 12" E — the point the camera wrote, kept as data
    assert (check.lat, check.lng) == (round(-(7 + 22 / 60 + 5 / 3600), 6), round(109 + 20 / 60 + 12 / 3600, 6))
    with check.photo.open("rb") as stored:
        assert not Image.open(stored).getexif().get_ifd(0x8825)
