"""A pendamping keeps the groups of their kecamatan: register one with its members, never
without a member, never in another kecamatan, with NIK and KK checked."""

import pytest
from django.urls import reverse

from bantuan.models import Kelompok, Member
from tests.bantuan.conftest import kelompok_make
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db

URL = reverse("bantuan:kelompok-create")


def group_data(world, **overrides):
    data = {"name": "KUB Sapu Glagah Makmur", "kind": "kub", "desa": world.desa["X"].pk, "komoditas": "",
            "leader_name": "Darsono", "formed_on": "2024-03-01", "registry_number": "", "pengukuhan_number": "",
            "koperasi_nik": "", "is_active": "on",
            "anggota-TOTAL_FORMS": "3", "anggota-INITIAL_FORMS": "0", "anggota-MIN_NUM_FORMS": "0",
            "anggota-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def member(n, **fields):
    return {f"anggota-{n}-{key}": value for key, value in fields.items()}


@pytest.fixture
def mentor(client, world):
    client.force_login(world.users["pendamping_a"])
    return client


def test_a_mentor_registers_a_group_with_a_farmer_and_a_umkm_member(mentor, world):
    umkm = UMKMFactory(desa=world.desa["X"], code="BJS-0042")
    data = group_data(world, **member(0, name="Karsono", nik="3303144101800001", kk_number="3303140101200001",
                                      land_area_ha="0,75", joined_on="2024-03-01"),
                      **member(1, umkm_code="BJS-0042", joined_on="2024-03-01"))
    response = mentor.post(URL, data)

    assert response.status_code == 302
    kelompok = Kelompok.objects.get(name="KUB Sapu Glagah Makmur")
    assert kelompok.created_by == world.users["pendamping_a"]
    rows = {(m.display_name, m.umkm_id, str(m.land_area_ha)) for m in kelompok.members.all()}
    assert rows == {("Karsono", None, "0.750"), (umkm.owner_name, umkm.pk, "None")}


def test_a_group_without_members_is_refused_and_nothing_typed_is_lost(mentor, world):
    response = mentor.post(URL, group_data(world))
    assert response.status_code == 200
    assert "Kelompok harus punya paling sedikit satu anggota." in response.content.decode()
    assert 'value="KUB Sapu Glagah Makmur"' in response.content.decode() and not Kelompok.objects.exists()


@pytest.mark.parametrize("fields, message", [
    ({"name": "Karsono", "nik": "12345", "joined_on": "2024-03-01"}, "NIK"),
    ({"name": "Karsono", "kk_number": "33031", "joined_on": "2024-03-01"}, "Nomor KK harus tepat 16 digit angka."),
    ({"umkm_code": "TIDAK-ADA", "joined_on": "2024-03-01"}, "Tidak ada UMKM dengan kode TIDAK-ADA"),
    ({"name": "Karsono", "joined_on": "2024-03-01", "left_on": "2024-01-01"}, "Tanggal keluar tidak boleh sebelum"),
])
def test_bad_member_data_is_refused_naming_the_field(mentor, world, fields, message):
    response = mentor.post(URL, group_data(world, **member(0, **fields)))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Kelompok.objects.exists() and not Member.objects.exists()


def test_a_group_outside_the_mentors_kecamatan_can_be_neither_made_nor_opened(mentor, world):
    response = mentor.post(URL, group_data(world, desa=world.desa["Y"].pk,
                                           **member(0, name="Karsono", joined_on="2024-03-01")))
    assert "Desa ini bukan wilayah tugas Anda." in response.content.decode() and not Kelompok.objects.exists()
    elsewhere = kelompok_make(name="Poktan Kalimanah", desa=world.desa["Y"], members=3)
    assert mentor.get(reverse("bantuan:kelompok-update", args=[elsewhere.pk])).status_code == 404
    assert "Poktan Kalimanah" not in mentor.get(reverse("bantuan:kelompok-list")).content.decode()


def test_a_group_moved_to_another_kecamatan_takes_its_aid_recipients_along(client, world):
    """Staff move a group to a desa of kecamatan Y: the aid proposed to it is counted there."""
    from bantuan.models import Recipient
    from tests.bantuan.conftest import program_make, propose

    staff = world.users["admin"]
    kub = kelompok_make(desa=world.desa["X"], members=5)
    aided = propose(program_make(name="Bantuan KUB", recipient_type="kelompok"), staff, kelompok=kub)
    assert aided.kecamatan == world.kecamatan["X"]
    client.force_login(staff)
    members = {}
    for n, kept in enumerate(kub.members.order_by("pk")):
        members.update(member(n, id=kept.pk, name=kept.name, nik=f"3303144101800{n + 1:03d}", joined_on="2024-01-10"))
    data = group_data(world, name=kub.name, desa=world.desa["Y"].pk, formed_on="2024-01-10", **members,
                      **{"anggota-TOTAL_FORMS": "5", "anggota-INITIAL_FORMS": "5"})
    response = client.post(reverse("bantuan:kelompok-update", args=[kub.pk]), data)
    assert response.status_code == 302, [f.errors for f in (response.context["form"], response.context["members"])] + [response.context["members"].non_form_errors()]
    assert Kelompok.objects.get(pk=kub.pk).desa == world.desa["Y"]
    assert Recipient.objects.get(pk=aided.pk).kecamatan == world.kecamatan["Y"]
