"""Holes a hostile tester found, each closed and held closed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "login"


def fail_login(client, *, remote: str, real_ip: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if real_ip is not None:
        headers["HTTP_X_REAL_IP"] = real_ip
    return client.post(reverse(LOGIN), {"username": "pendamping.a", "password": "salah"}, **headers)


def test_a_client_cannot_escape_the_login_lock_by_sending_its_own_x_real_ip(client, world):
    for attempt in range(1, 6):
        response = fail_login(client, remote="203.0.113.9", real_ip=f"10.9.9.{attempt}")
        assert response.status_code == (429 if attempt == 5 else 200)

    again = client.post(reverse(LOGIN), {"username": "pendamping.a", "password": "kata-sandi-uji-123"},
                        REMOTE_ADDR="203.0.113.9", HTTP_X_REAL_IP="10.9.9.99")

    assert again.status_code == 429


def test_behind_the_trusted_proxy_each_client_is_counted_under_its_own_address(client, world, settings):
    for _attempt in range(5):
        fail_login(client, remote="127.0.0.1", real_ip="198.51.100.7")

    other_client = client.post(reverse(LOGIN), {"username": "pendamping.a", "password": "kata-sandi-uji-123"},
                               REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.8")
    locked_client = client.post(reverse(LOGIN), {"username": "pendamping.a", "password": "kata-sandi-uji-123"},
                                REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")

    assert other_client.status_code == 302
    assert locked_client.status_code == 429


def test_a_malformed_x_real_ip_from_the_proxy_counts_as_the_proxy_itself(rf, settings):
    from purbalingga_umkm.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="bukan-alamat")

    assert client_ip(request) == "127.0.0.1"


@pytest.mark.parametrize("url_name, args, query", [
    ("mapping:umkm-detail", "umkm", ""),
    ("mentoring:my-tasks", None, ""),
    ("spreadsheets:export-rows", "kind", "?format=csv"),
    ("mentoring:dashboard", None, "?unduh=csv"),
])
def test_pages_and_exports_with_personal_data_are_never_cached(client, world, url_name, args, query):
    client.force_login(world.users["pendamping_a"])
    kwargs = {"umkm": [world.umkm["X"].pk], "kind": ["umkm"], None: []}[args]

    response = client.get(reverse(url_name, args=kwargs) + query)

    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_public_pages_stay_cacheable_for_everyone(client, wilayah):
    response = client.get(reverse("mapping:kecamatan-geojson"))

    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_an_import_cannot_be_undone_after_the_uploaders_assignment_there_ended(client, world):
    from django.utils import timezone

    from mapping.models import UMKM
    from mentoring.models import Assignment
    from spreadsheets.models import ImportBatch
    from tests.sheets import csv_bytes, umkm_row
    from tests.spreadsheets.test_imports import confirm, upload

    client.force_login(world.users["pendamping_a"])
    batch = confirm(client, upload(client, csv_bytes([umkm_row(1), umkm_row(2)])))
    assert batch.status == ImportBatch.Status.DONE
    Assignment.objects.filter(pendamping=world.pendamping["X"]).update(end_date=timezone.localdate())

    response = client.post(reverse("spreadsheets:import-undo", args=[batch.pk]), follow=True)

    assert response.status_code == 200
    assert "di luar kecamatan tugas Anda" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert UMKM.objects.filter(code__startswith="BJS-").count() == 2


def test_the_assessor_can_neither_verify_nor_return_their_own_assessment(client, world):
    from mapping.models import Assessment

    admin = world.users["admin"]
    Assessment.objects.filter(pk=world.assessment["X"].pk).update(assessed_by=admin)
    client.force_login(admin)

    returned = client.post(reverse("mapping:assessment-return", args=[world.assessment["X"].pk]),
                           {"comment": "Perbaiki skor (c)."}, follow=True)
    verified = client.post(reverse("mapping:assessment-verify", args=[world.assessment["X"].pk]), follow=True)

    assert returned.status_code == 200 and verified.status_code == 200
    assert "Penilai tidak boleh memverifikasi atau mengembalikan penilaiannya sendiri." in returned.content.decode()
    assert Assessment.objects.get(pk=world.assessment["X"].pk).status == Assessment.Status.SUBMITTED
