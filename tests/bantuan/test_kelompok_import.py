"""The groups of a kecamatan and their members come from the dinas pertanian's or the
kecamatan's lists: the group list first, then the member list, each through the same dry
run, row errors, all-or-nothing import and undo as every other file."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bantuan.models import Kelompok, Member
from spreadsheets.models import ImportBatch
from tests.factories import UMKMFactory
from tests.sheets import csv_bytes
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db

GROUP_HEADERS = ["Nama Kelompok", "Jenis", "Kecamatan", "Desa/Kelurahan", "Komoditas", "Ketua", "Tanggal Dibentuk",
                 "Nomor Register", "Aktif"]
MEMBER_HEADERS = ["Nama Kelompok", "Kode Desa Kelompok", "Kode UMKM", "Nama Anggota", "NIK", "Nomor KK",
                  "Luas Lahan (ha)", "Tanggal Bergabung", "Tanggal Keluar"]


def group_row(name="Poktan Sida Makmur", *, world, kind="Kelompok tani (poktan)", formed="15/03/2020", **extra):
    return {"Nama Kelompok": name, "Jenis": kind, "Kecamatan": world.kecamatan["X"].name,
            "Desa/Kelurahan": world.desa["X"].name, "Ketua": "Sukarso", "Tanggal Dibentuk": formed,
            "Nomor Register": "'3303140001", "Aktif": "ya", **extra}


def test_a_group_list_then_its_member_list_come_in_and_go_out_with_undo(client, world, today):
    client.force_login(world.users["pendamping_a"])
    groups = upload(client, csv_bytes([group_row(world=world), group_row("KUB Sapu Glagah Makmur", world=world,
                                                                         kind="KUB", Komoditas="Sapu glagah")],
                                      headers=GROUP_HEADERS), name="kelompok.csv", kind="kelompok")
    assert groups.status == ImportBatch.Status.READY, (groups.refusal, groups.errors)
    confirm(client, groups)
    poktan = Kelompok.objects.get(name="Poktan Sida Makmur")
    assert poktan.kind == "poktan" and poktan.formed_on == date(2020, 3, 15) and poktan.registry_number == "3303140001"
    assert Kelompok.objects.get(kind="kub").komoditas.code == "sapu-glagah"

    maker = UMKMFactory(desa=world.desa["X"], code="BJS-0042")
    members = [
        {"Nama Kelompok": "poktan sida  makmur", "Kode Desa Kelompok": world.desa["X"].code, "Nama Anggota": "Waryono",
         "NIK": "'3303144101800001", "Nomor KK": "'3303140101090001", "Luas Lahan (ha)": "0,75"},
        {"Nama Kelompok": "Poktan Sida Makmur", "Kode Desa Kelompok": world.desa["X"].code, "Nama Anggota": "Tarsini",
         "NIK": "'3303144101800002", "Luas Lahan (ha)": "1,5", "Tanggal Bergabung": "01/06/2021"},
        {"Nama Kelompok": "KUB Sapu Glagah Makmur", "Kode Desa Kelompok": world.desa["X"].code, "Kode UMKM": "BJS-0042"},
    ]
    batch = upload(client, csv_bytes(members, headers=MEMBER_HEADERS), name="anggota.csv", kind="anggota-kelompok")
    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors)
    confirm(client, batch)
    waryono = Member.objects.get(name="Waryono")
    assert waryono.kelompok == poktan and waryono.land_area_ha == Decimal("0.75") and waryono.joined_on == poktan.formed_on
    assert Member.objects.get(umkm=maker).kelompok.kind == "kub"

    undone = client.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"}, follow=True)
    assert not Member.objects.exists() and Kelompok.objects.count() == 2, [str(m) for m in undone.context["messages"]]


def test_bad_rows_are_named_and_nothing_is_saved(client, world, today):
    client.force_login(world.users["admin"])
    batch = upload(client, csv_bytes([
        group_row(world=world, formed="01/01/2027"),
        group_row("Poktan Tanpa Jenis", world=world, kind="Paguyuban"),
        group_row("KUB Aneh", world=world, kind="KUB", Komoditas="Batu akik"),
    ], headers=GROUP_HEADERS), name="kelompok.csv", kind="kelompok")
    messages = " ".join(error["message"] for error in batch.errors)
    assert "Tanggal dibentuk tidak boleh di masa depan" in messages
    assert "Pilihan tidak dikenal: Paguyuban" in messages and "Komoditas Batu akik tidak dikenal" in messages
    assert not Kelompok.objects.exists()

    Kelompok.objects.create(name="Poktan Sida Makmur", kind="poktan", desa=world.desa["X"], formed_on=date(2020, 1, 1))
    members = upload(client, csv_bytes([
        {"Nama Kelompok": "Poktan Entah", "Kode Desa Kelompok": world.desa["X"].code, "Nama Anggota": "Waryono"},
        {"Nama Kelompok": "Poktan Sida Makmur", "Kode Desa Kelompok": world.desa["X"].code, "Nama Anggota": "Tarsini",
         "NIK": "'33031441018"},
        {"Nama Kelompok": "Poktan Sida Makmur", "Kode Desa Kelompok": world.desa["X"].code, "Nama Anggota": "Parjo",
         "Tanggal Bergabung": "01/06/2021", "Tanggal Keluar": "01/01/2021"},
        {"Nama Kelompok": "Poktan Sida Makmur", "Kode Desa Kelompok": world.desa["X"].code},
    ], headers=MEMBER_HEADERS), name="anggota.csv", kind="anggota-kelompok")
    messages = " ".join(error["message"] for error in members.errors)
    assert "Tidak ada kelompok Poktan Entah" in messages and "NIK harus tepat 16 digit" in messages
    assert "Tanggal keluar tidak boleh sebelum tanggal bergabung" in messages and "Isi Nama Anggota" in messages
    assert not Member.objects.exists()


def test_a_pendamping_cannot_bring_groups_of_another_kecamatan(client, world, today):
    client.force_login(world.users["pendamping_b"])
    batch = upload(client, csv_bytes([group_row(world=world)], headers=GROUP_HEADERS), name="kelompok.csv",
                   kind="kelompok")
    assert batch.status == ImportBatch.Status.INVALID, (batch.status, batch.errors)
    assert world.kecamatan["X"].name in " ".join(error["message"] for error in batch.errors)
    assert not Kelompok.objects.exists()


def test_the_member_export_leaves_out_nik_and_kk_for_those_who_only_read(client, world, today):
    group = Kelompok.objects.create(name="Poktan Sida Makmur", kind="poktan", desa=world.desa["X"],
                                    formed_on=date(2020, 1, 1))
    Member.objects.create(kelompok=group, name="Waryono", nik="3303144101800001", kk_number="3303140101090001",
                          joined_on=date(2020, 1, 1))
    from spreadsheets.specs import SPECS

    spec = SPECS["anggota-kelompok"]
    personal = list(spec.export_rows(spec.export_queryset(world.users["admin"]), personal=True))
    public = list(spec.export_rows(spec.export_queryset(world.users["admin"]), personal=False))
    assert "3303144101800001" in personal[0] and "3303140101090001" in personal[0]
    assert "3303144101800001" not in public[0] and "3303140101090001" not in public[0]
    assert len(spec.export_headers()) == len(personal[0])


def test_a_later_list_adding_niks_finds_each_member_and_keeps_what_it_does_not_say(client, world, today):
    group = Kelompok.objects.create(name="Poktan Sida Makmur", kind="poktan", desa=world.desa["X"],
                                    formed_on=date(2020, 1, 1))
    Member.objects.create(kelompok=group, name="Waryono", joined_on=date(2021, 6, 1))
    client.force_login(world.users["admin"])
    batch = upload(client, csv_bytes([{"Nama Kelompok": "Poktan Sida Makmur", "Kode Desa Kelompok": world.desa["X"].code,
                                       "Nama Anggota": "WARYONO", "NIK": "'3303144101800001"}],
                                     headers=["Nama Kelompok", "Kode Desa Kelompok", "Nama Anggota", "NIK"]),
                   name="nik.csv", kind="anggota-kelompok")
    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors)
    assert batch.counts["updated"] == 1 and batch.counts["new"] == 0
    confirm(client, batch)
    member = Member.objects.get()
    assert member.nik == "3303144101800001" and member.joined_on == date(2021, 6, 1)
