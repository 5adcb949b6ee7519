"""Verifying an assessment and undoing an import ask for confirmation and say what will happen."""

import pytest
from django.urls import reverse

from mapping.models import Assessment, UMKM
from spreadsheets.models import ImportBatch
from tests.sheets import csv_bytes, umkm_row
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db


def test_verifying_without_the_statement_changes_nothing(client, world):
    client.force_login(world.users["admin"])
    assessment = world.assessment["X"]
    page = client.get(reverse("mapping:assessment-detail", args=[assessment.pk])).content.decode()
    assert "terkunci" in page and 'name="yakin"' in page
    response = client.post(reverse("mapping:assessment-verify", args=[assessment.pk]), follow=True)
    assert "belum diverifikasi" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.SUBMITTED


def test_undoing_without_the_statement_changes_nothing_and_the_page_says_what_it_would_do(client, world):
    client.force_login(world.users["admin"])
    batch = confirm(client, upload(client, csv_bytes([umkm_row(1), umkm_row(2)])))
    page = client.get(reverse("spreadsheets:import-detail", args=[batch.pk])).content.decode()
    assert "2 baris yang dibuat impor ini dihapus dan 0 baris yang diperbaruinya dikembalikan" in page
    client.post(reverse("spreadsheets:import-undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and UMKM.objects.filter(code="BJS-0001").exists()
