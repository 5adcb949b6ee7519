"""A recipient list from the kecamatan goes in through the spreadsheet engine: the same dry
run with row errors, the targeting flags listed before anything is saved, then the usual
all-or-nothing import and undo."""

import pytest
from django.urls import reverse

from bantuan.models import Flag, Recipient, RecipientEvent
from spreadsheets.models import ImportBatch
from tests.bantuan.conftest import program_make, visited
from tests.factories import UMKMFactory
from tests.sheets import csv_bytes
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db

HEADERS = ["ID Program", "Tahap", "Kode UMKM", "Nama Kelompok", "Kode Desa Kelompok", "Dasar Usulan"]


def rows(program, *codes):
    return [{"ID Program": program.pk, "Tahap": 1, "Kode UMKM": code, "Dasar Usulan": "Musrenbang Desa"}
            for code in codes]


@pytest.fixture
def list_and_program(today, world):
    program = program_make(quota=5, rules={"kecamatan": ["33.03.14"]})
    visited(UMKMFactory(desa=world.desa["X"], code="BJS-0001", name="Sapu Glagah Bu Rasem", owner_name="Rasem"))
    visited(UMKMFactory(desa=world.desa["X"], code="BJS-0002", name="SAPU GLAGAH Bu Rasem", owner_name="Bu Rasem"))
    visited(UMKMFactory(desa=world.desa["X"], code="BJS-0003", name="Gula Kelapa Pak Warso", owner_name="Warso"))
    return program


def test_the_dry_run_lists_the_flags_and_the_import_keeps_them(client, world, list_and_program):
    program = list_and_program
    client.force_login(world.users["admin"])

    batch = upload(client, csv_bytes(rows(program, "BJS-0001", "BJS-0002", "BJS-0003"), headers=HEADERS),
                   name="usulan.csv", kind="penerima-bantuan")

    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors)
    assert batch.counts["new"] == 3 and not Recipient.objects.exists()  # checked, nothing saved yet
    flagged = [note for note in batch.notes if "temuan sasaran" in note]
    assert len(flagged) == 1 and "SAPU GLAGAH Bu Rasem" in flagged[0]
    assert "usaha yang sama dengan Sapu Glagah Bu Rasem di berkas ini" in flagged[0]

    confirm(client, batch)
    assert Recipient.objects.filter(program=program, state="usulan").count() == 3
    assert RecipientEvent.objects.count() == 3
    # Once saved, both records of the same business are flagged, each against the other.
    assert Flag.objects.filter(code="program_ganda").count() == 2

    client.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"})
    assert not Recipient.objects.exists() and not Flag.objects.exists() and not RecipientEvent.objects.exists()


def test_rows_that_cannot_be_proposed_are_row_errors_and_nothing_is_saved(client, world, list_and_program):
    program = list_and_program
    UMKMFactory(desa=world.desa["Y"], code="KLM-0009")  # outside the target area
    UMKMFactory(desa=world.desa["X"], code="BJS-0099", is_active=False)
    client.force_login(world.users["admin"])

    batch = upload(client, csv_bytes(rows(program, "BJS-0001", "KLM-0009", "BJS-0099", "TIDAK-ADA") +
                                     [{"ID Program": 999, "Kode UMKM": "BJS-0003"}], headers=HEADERS),
                   name="usulan.csv", kind="penerima-bantuan")

    messages = " ".join(error["message"] for error in batch.errors)
    assert "di luar wilayah sasaran" in messages and "Tidak aktif" in messages
    assert "Tidak ada UMKM dengan kode TIDAK-ADA" in messages and "Tidak ada program dengan ID 999" in messages
    assert client.post(reverse("spreadsheets:import-confirm", args=[batch.pk])).status_code in (302, 400)
    assert not Recipient.objects.exists()


def test_the_quota_counts_the_rows_of_the_file(client, world, list_and_program):
    program = list_and_program
    program.quota = 2
    program.save()
    client.force_login(world.users["admin"])
    batch = upload(client, csv_bytes(rows(program, "BJS-0001", "BJS-0002", "BJS-0003"), headers=HEADERS),
                   name="usulan.csv", kind="penerima-bantuan")
    assert [e["row"] for e in batch.errors if "sudah penuh" in e["message"]] == [4]
