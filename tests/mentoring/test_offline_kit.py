"""What a pendamping's phone keeps for work without signal: only their own scope, and the
installable app's manifest and service worker. (The browser journey is in
tests/e2e/test_offline_field_work.py.)"""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from mapping.models import Assessment
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


def test_the_field_kit_lists_the_mentors_pages_and_the_desa_of_their_kecamatan_only(client, world):
    world.assessment["X"].status = Assessment.Status.RETURNED
    world.assessment["X"].save()
    world.assessment["Y"].status = Assessment.Status.RETURNED
    world.assessment["Y"].save()
    client.force_login(world.users["pendamping_a"])

    kit = client.get(reverse("mentoring:offline-kit")).json()

    assert kit["user"] == world.users["pendamping_a"].pk
    assert kit["pages"] == [
        "/tugas-saya/", "/survei/cepat/", "/umkm/baru/", "/koordinasi/baru/",
        f"/kunjungan/baru/?umkm={world.umkm['X'].pk}",
        f"/produk/{world.product['X'].pk}/penilaian/",  # returned to them; Y's is not theirs
    ]
    assert f"/peta/desa.geojson?kecamatan={world.kecamatan['X'].pk}" in kit["data"]
    assert f"/peta/desa.geojson?kecamatan={world.kecamatan['Y'].pk}" not in kit["data"]


def test_every_page_of_the_kit_opens_for_its_mentor(client, world):
    client.force_login(world.users["pendamping_a"])
    kit = client.get(reverse("mentoring:offline-kit")).json()

    for url in kit["pages"] + kit["data"]:
        assert client.get(url).status_code == 200, url


def test_the_offline_umkm_list_holds_the_mentors_active_umkm_and_no_personal_data(client, world):
    closed = UMKMFactory(desa=world.desa["X"], name="Sudah Tutup", is_active=False)
    client.force_login(world.users["pendamping_a"])

    listed = client.get(reverse("mentoring:offline-umkm")).json()["umkm"]

    assert listed == [{"id": world.umkm["X"].pk, "name": "UMKM X", "desa": world.desa["X"].name}]
    assert closed.pk not in {u["id"] for u in listed}


def test_the_manifest_makes_the_portal_installable_with_icons_that_exist(client):
    manifest = client.get(reverse("manifest")).json()

    assert manifest["display"] == "standalone" and manifest["start_url"] == "/beranda/"
    icons = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    for size in ("192", "512"):
        name = f"img/icon-{size}.png"
        assert icons[f"{size}x{size}"] == static(name) and finders.find(name)


def test_the_service_worker_is_served_from_the_root_and_revalidated(client):
    response = client.get(reverse("service-worker"))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/" and "no-cache" in response["Cache-Control"]
    assert b'var TASKS = "/tugas-saya/"' in response.content


def test_only_a_pendamping_page_sets_up_offline_work(client, world):
    assert b"data-offline-user" not in client.get(reverse("mapping:home")).content
    client.force_login(world.users["pimpinan"])
    assert b"data-offline-user" not in client.get(reverse("mapping:home")).content
    client.force_login(world.users["pendamping_a"])
    page = client.get(reverse("mentoring:my-tasks")).content.decode()
    assert f'data-offline-user="{world.users["pendamping_a"].pk}"' in page and 'id="outbox"' in page


def hand_over(client, **extra):
    data = {"_luring_path": "/survei/cepat/", "_luring_alasan": "perlu diperiksa", "name": "Usaha Tertahan",
            "produk-name": "Tikar pandan", "csrfmiddlewaretoken": "x", "_luring_waktu": "2026-11-30T08:15:00Z"}
    data.update(extra)
    return client.post(reverse("mentoring:held-submission-create"), data)


def test_a_refused_offline_form_is_handed_to_the_dinas_whole(client, world):
    from mentoring.models import HeldSubmission

    client.force_login(world.users["pendamping_a"])
    response = hand_over(client)

    assert response.status_code == 201 and response.json()["message"] == "Diserahkan ke Dinas untuk ditinjau."
    held = HeldSubmission.objects.get()
    assert held.user == world.users["pendamping_a"] and held.path == "/survei/cepat/"
    assert held.fields == {"name": ["Usaha Tertahan"], "produk-name": ["Tikar pandan"]}  # no CSRF token, no controls
    assert held.kept_at.isoformat() == "2026-11-30T08:15:00+00:00" and held.reason == "perlu diperiksa"


@pytest.mark.parametrize("extra, field, message", [
    ({"_luring_path": "/admin/auth/user/"}, "_luring_path", "Formulir asal tidak dikenal."),
    ({"_luring_path": ""}, "_luring_path", "Formulir asal tidak disebut."),
    ({"_luring_foto": None}, "_luring_foto", None),
])
def test_a_hand_over_that_is_not_an_offline_form_is_refused_naming_the_field(client, world, extra, field, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentoring.models import HeldSubmission

    if field == "_luring_foto":
        extra = {"_luring_foto": SimpleUploadedFile("foto.jpg", b"bukan gambar", content_type="image/jpeg")}
    client.force_login(world.users["pendamping_a"])
    response = hand_over(client, **extra)

    assert response.status_code == 400 and field in response.json()["errors"]
    if message:
        assert response.json()["errors"][field] == [message]
    assert not HeldSubmission.objects.exists()


def test_only_a_pendamping_hands_over(client, world):
    client.force_login(world.users["pimpinan"])
    assert hand_over(client).status_code == 403


def test_staff_read_held_forms_and_mark_them_handled(client, world):
    from mentoring.models import HeldSubmission

    held = HeldSubmission.objects.create(user=world.users["pendamping_a"], path="/survei/cepat/",
                                         fields={"name": ["Usaha Tertahan"]}, reason="perlu diperiksa")
    client.force_login(world.users["admin"])
    listing = reverse("admin:mentoring_heldsubmission_changelist")

    assert "Usaha Tertahan" in client.get(reverse("admin:mentoring_heldsubmission_change", args=[held.pk])).content.decode()
    response = client.post(listing, {"action": "mark_done", "_selected_action": [held.pk]}, follow=True)
    assert "1 isian ditandai sudah ditangani." in response.content.decode()
    held.refresh_from_db()
    assert held.done_by == world.users["admin"] and held.done_at is not None
    assert client.get(listing, {"ditangani": "belum"}).context["cl"].result_count == 0
    assert client.get(listing, {"ditangani": "sudah"}).context["cl"].result_count == 1
