"""Holes a hostile tester found, each closed and held closed."""

import pytest
from django.urls import reverse
from django.utils import timezone

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

    response = client.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"}, follow=True)

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
    verified = client.post(reverse("mapping:assessment-verify", args=[world.assessment["X"].pk]), {"yakin": "1"}, follow=True)

    assert returned.status_code == 200 and verified.status_code == 200
    assert "Penilai tidak boleh memverifikasi atau mengembalikan penilaiannya sendiri." in returned.content.decode()
    assert Assessment.objects.get(pk=world.assessment["X"].pk).status == Assessment.Status.SUBMITTED


# --- values every path refuses alike: forms, admin, imports ---------------------------------


def post_umkm(client, world, **fields):
    from tests.mapping.test_survey import umkm_data

    return client.post(reverse("mapping:umkm-create"), umkm_data(world, **fields))


@pytest.mark.parametrize("nik, accepted", [
    ("3303013513900001", False),  # day 35
    ("3303011513900001", False),  # month 13
    ("3303011507900000", False),  # serial 0000
    ("3303015507900001", True),   # a woman born on 15 July 1990: day + 40
    ("3303011507900001", True),
])
def test_a_nik_must_hold_a_real_birth_date(client, world, nik, accepted):
    from mapping.models import UMKM

    client.force_login(world.users["pendamping_a"])

    response = post_umkm(client, world, nik=nik, name=f"Usaha {nik}")

    assert response.status_code == (302 if accepted else 200)
    assert UMKM.objects.filter(name=f"Usaha {nik}").exists() is accepted
    if not accepted:
        assert "NIK" in " ".join(response.context["form"].errors["nik"])


def test_hidden_bidi_controls_are_refused_in_names_on_a_form_and_in_a_file(client, world):
    from mapping.models import UMKM
    from tests.sheets import csv_bytes, umkm_row
    from tests.spreadsheets.test_imports import upload

    client.force_login(world.users["pendamping_a"])
    sneaky = "Keripik \u202egpj.exe"

    response = post_umkm(client, world, name=sneaky)
    batch = upload(client, csv_bytes([umkm_row(1, **{"Nama Usaha": sneaky})]))

    assert response.status_code == 200
    assert "karakter kendali" in " ".join(response.context["form"].errors["name"])
    assert any("karakter kendali" in e["message"] and e["column"] == "Nama Usaha" for e in batch.errors)
    assert not UMKM.objects.filter(name=sneaky).exists()


def test_a_permit_issued_in_the_future_is_refused(client, world):
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mapping:permit-create", args=[world.umkm["X"].pk]),
                           {"kind": "nib", "number": "NIB-2099", "issued_on": "2099-01-01"})

    assert response.status_code == 200
    assert "masa depan" in " ".join(response.context["form"].errors["issued_on"])


def test_a_megabyte_product_description_is_refused_naming_the_limit(client, world):
    import uuid

    from mapping.models import Product, Sector

    client.force_login(world.users["pendamping_a"])
    response = client.post(reverse("mapping:product-create", args=[world.umkm["X"].pk]), {
        "name": "Sapu glagah", "sector": Sector.objects.get(code="kerajinan").pk, "description": "x" * 1_000_000,
        "capacity_unit": "pcs", "market_reach": "lokal", "is_active": "on", "version": "",
        "submission_token": str(uuid.uuid4()),
    })

    assert response.status_code == 200
    assert "maksimal 2000 karakter" in " ".join(response.context["form"].errors["description"])
    assert not Product.objects.filter(name="Sapu glagah").exists()


@pytest.mark.parametrize("coordinates", [[181, -7.3], [109.3, -91], ["NaN", "NaN"]])
def test_a_location_outside_the_globe_is_refused(coordinates):
    from django.core.exceptions import ValidationError

    from mapping.geometry import validate_point

    point = {"type": "Point", "coordinates": [float(c) for c in coordinates]}
    with pytest.raises(ValidationError):
        validate_point(point)


@pytest.mark.parametrize("cell", ["nan", "inf", "181", "-200,5", True])
def test_a_coordinate_cell_outside_the_globe_is_a_row_error(cell):
    from spreadsheets.cells import CellError, coordinate

    with pytest.raises(CellError):
        coordinate(cell)


# --- accounts and operations ---------------------------------------------------------------


def test_a_password_needs_at_least_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="12"):
        validate_password("Pbg-2026-ab")  # 11 characters
    validate_password("Sapu-glagah-2026")


def test_an_idle_back_office_session_is_signed_out(client, world):
    import time

    client.force_login(world.users["admin"])
    assert client.get(reverse("admin:index")).status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - 31 * 60
    session.save()

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("mentoring:dashboard")).status_code == 302  # signed out for good


def test_a_busy_back_office_session_stays_signed_in(client, world):
    import time

    client.force_login(world.users["admin"])
    session = client.session
    session["last_activity"] = int(time.time()) - 29 * 60
    session.save()

    assert client.get(reverse("admin:index")).status_code == 200


def test_the_health_endpoint_answers_for_the_proxy_without_a_login(client, db):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "jobs": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_health_endpoint_tells_the_monitoring_when_no_worker_takes_queued_jobs(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from spreadsheets.imports import import_check_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    forgotten = import_check_job.enqueue(1)
    import_check_job.enqueue(2)
    assert client.get(reverse("health")).json()["jobs"] == "ok"  # just queued

    DBTaskResult.objects.filter(id=forgotten.id).update(
        enqueued_at=timezone.now() - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1))
    response = client.get(reverse("health"))

    assert response.status_code == 200  # the portal still serves pages: the proxy keeps it
    assert response.json() == {"status": "degraded", "database": "ok", "jobs": "waiting", "jobs_waiting": 1}
