"""A pendamping logs a mentoring visit, with follow-ups, from a phone."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Assignment, FollowUp, Topic, Visit

pytestmark = pytest.mark.django_db


def visit_form_data(world, side="X", **overrides):
    data = {
        "umkm": world.umkm[side].pk,
        "date": timezone.localdate().isoformat(),
        "topics": [Topic.objects.get(code="kemasan").pk, Topic.objects.get(code="perizinan-legalitas").pk],
        "notes": "Membahas desain kemasan baru.",
        "submission_token": str(uuid.uuid4()),
        "tindak-TOTAL_FORMS": "2", "tindak-INITIAL_FORMS": "0",
        "tindak-MIN_NUM_FORMS": "0", "tindak-MAX_NUM_FORMS": "5",
        "tindak-0-description": "Lengkapi dokumen PIRT",
        "tindak-0-due_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "tindak-1-description": "", "tindak-1-due_date": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def mentor_a(client, world):
    client.force_login(world.users["pendamping_a"])
    return client


def test_pendamping_logs_a_visit_with_a_follow_up_and_sees_it_at_home(mentor_a, world):
    response = mentor_a.post(reverse("mentoring:visit-create"), visit_form_data(world))
    assert response.status_code == 302 and response.url == reverse("mentoring:my-tasks")
    visit = Visit.objects.filter(umkm=world.umkm["X"]).exclude(pk=world.visit["X"].pk).get()
    assert visit.pendamping == world.pendamping["X"] and visit.created_by == world.users["pendamping_a"]
    assert sorted(visit.topics.values_list("code", flat=True)) == ["kemasan", "perizinan-legalitas"]
    assert list(visit.follow_ups.values_list("description", flat=True)) == ["Lengkapi dokumen PIRT"]
    home = mentor_a.get(reverse("mentoring:my-tasks"))
    assert home.status_code == 200
    home = home.content.decode()
    assert "Kunjungan ke UMKM X tercatat." in home
    assert "Lengkapi dokumen PIRT" in home


def test_the_same_form_sent_twice_creates_one_visit(mentor_a, world):
    data = visit_form_data(world)
    first = mentor_a.post(reverse("mentoring:visit-create"), data)
    assert first.status_code == 302
    again = mentor_a.post(reverse("mentoring:visit-create"), data)
    assert again.status_code == 302 and again.url == first.url
    assert Visit.objects.filter(submission_token=data["submission_token"]).count() == 1
    assert FollowUp.objects.filter(description="Lengkapi dokumen PIRT").count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "date",
         "Tanggal kunjungan tidak boleh di masa depan."),
        ({"topics": []}, "topics", "Pilih minimal satu topik."),
        ({"tindak-0-due_date": "2020-01-01"}, None, "Tenggat tidak boleh sebelum tanggal kunjungan."),
        ({"tindak-0-due_date": ""}, None, "Isi tenggat untuk tindak lanjut ini."),
        ({"location": json.dumps({"type": "Point", "coordinates": [109.3, -7.3]}), "location_accuracy_m": "250"},
         "location", "Akurasi GPS 250 m lebih buruk dari batas 100 m; ambil ulang di tempat terbuka."),
        ({"location": "bukan-json"}, "location", "Lokasi GPS tidak terbaca; ambil ulang lokasi atau kosongkan."),
    ],
)
def test_bad_visit_input_is_refused_with_a_message_and_nothing_saved(mentor_a, world, overrides, field, message):
    response = mentor_a.post(reverse("mentoring:visit-create"), visit_form_data(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    if field:
        assert message in response.context["form"].errors[field]
    assert Visit.objects.count() == 2 and FollowUp.objects.count() == 2


def test_visit_dated_before_the_assignment_started_is_refused(mentor_a, world):
    Assignment.objects.filter(pendamping=world.pendamping["X"]).update(start_date=timezone.localdate() - timedelta(days=5))
    data = visit_form_data(world, date=(timezone.localdate() - timedelta(days=6)).isoformat())
    response = mentor_a.post(reverse("mentoring:visit-create"), data)
    assert response.status_code == 200
    assert "Pada tanggal ini Anda belum/tidak bertugas di Kecamatan Bojongsari." in response.content.decode()
    assert Visit.objects.count() == 2


def test_umkm_of_another_kecamatan_slipped_into_the_form_is_refused(mentor_a, world):
    response = mentor_a.post(reverse("mentoring:visit-create"), visit_form_data(world, umkm=world.umkm["Y"].pk))
    assert response.status_code == 200
    assert "UMKM ini tidak ada di wilayah tugas Anda." in response.content.decode()
    assert not Visit.objects.filter(umkm=world.umkm["Y"], pendamping=world.pendamping["X"]).exists()


def test_visit_form_for_an_umkm_outside_the_scope_is_not_found(mentor_a, world):
    assert mentor_a.get(reverse("mentoring:visit-create") + f"?umkm={world.umkm['Y'].pk}").status_code == 404
    assert mentor_a.get(reverse("mentoring:visit-create") + "?umkm=999999").status_code == 404
    page = mentor_a.get(reverse("mentoring:visit-create") + f"?umkm={world.umkm['X'].pk}")
    assert page.status_code == 200 and "UMKM X" in page.content.decode()


def test_visit_form_without_an_umkm_sends_the_mentor_to_the_list(mentor_a, world):
    response = mentor_a.get(reverse("mentoring:visit-create"))
    assert response.status_code == 302 and response.url == reverse("mentoring:my-tasks")


def test_gps_fix_within_the_limit_is_stored(mentor_a, world):
    point = world.desa["X"].centre
    response = mentor_a.post(reverse("mentoring:visit-create"),
                             visit_form_data(world, location=json.dumps(point), location_accuracy_m="12"))
    assert response.status_code == 302
    visit = Visit.objects.get(location_accuracy_m=12)
    assert visit.location == point


def test_pendamping_marks_a_follow_up_done_but_not_one_of_another_kecamatan(mentor_a, world):
    done = mentor_a.post(reverse("mentoring:follow-up-done", kwargs={"pk": world.follow_up["X"].pk}))
    assert done.status_code == 302
    follow_up = FollowUp.objects.get(pk=world.follow_up["X"].pk)
    assert follow_up.status == FollowUp.Status.DONE and follow_up.done_by == world.users["pendamping_a"]
    other = mentor_a.post(reverse("mentoring:follow-up-done", kwargs={"pk": world.follow_up["Y"].pk}))
    assert other.status_code == 404
    assert FollowUp.objects.get(pk=world.follow_up["Y"].pk).status == FollowUp.Status.OPEN
