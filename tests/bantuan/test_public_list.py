"""A program's recipient list announced to the public: the business or group and its desa
only, NIK masked; anyone may object (sanggahan) while the period runs; staff answer on record."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from bantuan import services
from bantuan.models import Objection, Recipient
from purbalingga_umkm.audit import AuditEntry
from tests.bantuan.conftest import kelompok_make, program_make, propose, visited
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db

OWNER, NIK, PHONE, ADDRESS = "Marker Pemilik Rasem", "3303144101800077", "081299990077", "Jl. Marker Rumah 77"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.fixture
def announced(today, staff, world):
    program = program_make(name="Bantuan Alat Sapu Glagah", quota=5)
    program.public_list, program.objection_until = True, date(2026, 12, 15)
    program.save()
    owner = visited(UMKMFactory(desa=world.desa["X"], name="Sapu Glagah Bu Rasem", owner_name=OWNER, nik=NIK,
                                phone=PHONE, address=ADDRESS))
    propose(program, staff, umkm=owner)
    refused = propose(program, staff, umkm=visited(UMKMFactory(desa=world.desa["X"], name="Usaha Ditolak")))
    services.recipient_state_set(recipient=refused, state="tidak-memenuhi", reason="Bukan usaha produktif",
                                 by=staff, expected_version=1)
    return program


def test_an_announced_list_shows_the_business_and_desa_only_with_the_nik_masked(client, world, announced):
    page = client.get(reverse("bantuan:public-list", args=[announced.pk])).content.decode()

    assert "Sapu Glagah Bu Rasem" in page and world.desa["X"].name in page
    assert "330314" + "\u2022" * 8 + "77" in page
    for personal in (OWNER, NIK, PHONE, ADDRESS):
        assert personal not in page
    assert "Usaha Ditolak" not in page  # only those who take a place in the program


def test_a_list_not_announced_is_not_found(client, today):
    hidden = program_make(name="Belum diumumkan")
    assert client.get(reverse("bantuan:public-list", args=[hidden.pk])).status_code == 404
    assert "Belum diumumkan" not in client.get(reverse("bantuan:public-programs")).content.decode()


def test_anyone_objects_and_the_sender_is_never_shown_publicly(client, announced):
    recipient = Recipient.objects.get(umkm__name="Sapu Glagah Bu Rasem")
    response = client.post(reverse("bantuan:public-list", args=[announced.pk]), {
        "recipient": recipient.pk, "text": "Usaha ini sudah tutup sejak Agustus, alatnya tidak akan dipakai.",
        "sender_name": "Warga Penyanggah Marker", "sender_contact": "0813-5555-0101"})

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.recipient == recipient and objection.status == Objection.Status.OPEN
    assert AuditEntry.objects.filter(object_id=str(objection.pk), action=AuditEntry.Action.CREATE).exists()
    page = client.get(reverse("bantuan:public-list", args=[announced.pk])).content.decode()
    assert "Warga Penyanggah Marker" not in page and "0813-5555-0101" not in page


def test_an_objection_too_short_is_refused_naming_the_field_and_kept_as_typed(client, announced):
    response = client.post(reverse("bantuan:public-list", args=[announced.pk]),
                           {"text": "tidak layak", "sender_name": "Warga"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "paling sedikit 20 karakter" in page and "tidak layak" in page and 'value="Warga"' in page
    assert not Objection.objects.exists()


def test_a_recipient_of_another_program_cannot_be_objected_to_here(client, today, staff, world, announced):
    other = program_make(name="Program lain")
    elsewhere = propose(other, staff, umkm=visited(UMKMFactory(desa=world.desa["X"])))
    response = client.post(reverse("bantuan:public-list", args=[announced.pk]), {
        "recipient": elsewhere.pk, "text": "Penerima ini tidak tepat sasaran sama sekali.", "sender_name": "Warga"})
    assert response.status_code == 400 and not Objection.objects.exists()


def test_after_the_objection_period_nothing_is_taken(client, announced, monkeypatch):
    announced.objection_until = date(2026, 11, 30)
    announced.save()
    response = client.post(reverse("bantuan:public-list", args=[announced.pk]), {
        "text": "Penerima ini tidak tepat sasaran sama sekali.", "sender_name": "Warga"}, follow=True)
    assert "Masa sanggah program ini sudah berakhir" in response.content.decode()
    assert not Objection.objects.exists()


def test_a_bot_filling_the_hidden_field_and_a_flood_from_one_address_are_not_kept(client, announced):
    url = reverse("bantuan:public-list", args=[announced.pk])
    data = {"text": "Penerima ini tidak tepat sasaran sama sekali.", "sender_name": "Warga"}
    client.post(url, {**data, "website": "http://spam.example"})
    assert not Objection.objects.exists()

    answers = [client.post(url, data).status_code for _ in range(services_limit() + 1)]
    assert answers[:-1] == [302] * services_limit() and answers[-1] == 429
    assert Objection.objects.count() == services_limit()


def services_limit():
    from bantuan.views import OBJECTIONS_PER_HOUR

    return OBJECTIONS_PER_HOUR


def test_staff_answer_on_record_and_the_answer_is_published_without_the_sender(client, world, staff, announced):
    objection = services.objection_submit(program=announced, recipient_id=None, sender_name="Warga Marker",
                                          text="Daftar ini belum memuat pengrajin di Desa Y yang lebih membutuhkan.")
    client.force_login(staff)
    url = reverse("bantuan:objection-answer", args=[objection.pk])

    short = client.post(url, {"status": "ditolak", "answer": "tidak"})
    assert short.status_code == 400 and "paling sedikit 20 karakter" in short.content.decode()
    client.post(url, {"status": "ditolak", "answer": "Pengrajin Desa Y sudah menerima bantuan serupa tahun 2025."})

    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED and objection.answered_by == staff
    assert objection.answered_at is not None
    client.logout()
    page = client.get(reverse("bantuan:public-list", args=[announced.pk])).content.decode()
    assert "sudah menerima bantuan serupa tahun 2025" in page and "Warga Marker" not in page
    with pytest.raises(services.BantuanError, match="sudah dijawab"):
        services.objection_answer(objection=objection, status="diterima", answer="x" * 30, by=staff)


def test_a_group_list_shows_the_group_without_its_members(client, today, staff):
    program = program_make(name="Alat Poktan", recipient_type="kelompok")
    program.public_list = True
    program.save()
    group = kelompok_make(name="Poktan Sida Makmur", members=3)
    visited(UMKMFactory(desa=group.desa))
    propose(program, staff, kelompok=group)
    page = client.get(reverse("bantuan:public-list", args=[program.pk])).content.decode()
    assert "Poktan Sida Makmur" in page and "Anggota 1" not in page and "3303144101800000" not in page
