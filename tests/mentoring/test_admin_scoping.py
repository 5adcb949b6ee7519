"""A pendamping with back-office access still sees only their kecamatan in the admin."""

import pytest
from django.urls import reverse

from mapping.models import UMKM
from mentoring.models import Pendamping, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_mentor(client, world):
    client.force_login(world.users["pendamping_a"])
    return client


def test_changelists_show_only_the_mentors_kecamatan(staff_mentor, world):
    def changelist(name):
        response = staff_mentor.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert [u.name for u in changelist("mapping_umkm")] == ["UMKM X"]
    assert changelist("mentoring_visit") == [world.visit["X"]]
    assert changelist("mentoring_pendamping") == [world.pendamping["X"]]


def test_filtering_on_another_kecamatan_finds_nothing(staff_mentor, world):
    response = staff_mentor.get(reverse("admin:mapping_umkm_changelist"), {"kecamatan": "33.03.06"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_change_page_of_another_kecamatans_umkm_behaves_as_missing(staff_mentor, world):
    url = reverse("admin:mapping_umkm_change", args=[world.umkm["Y"].pk])
    missing = reverse("admin:mapping_umkm_change", args=[999999])
    response, response_missing = staff_mentor.get(url), staff_mentor.get(missing)
    assert response.status_code == response_missing.status_code == 302
    assert response.url == response_missing.url == reverse("admin:index")
    taken = staff_mentor.post(url, {"name": "Diambil alih"})
    assert taken.status_code == 302 and taken.url == reverse("admin:index")
    assert UMKM.objects.get(pk=world.umkm["Y"].pk).name == "UMKM Y"


def test_own_umkm_can_be_changed_but_not_moved_to_another_kecamatan(staff_mentor, world):
    url = reverse("admin:mapping_umkm_change", args=[world.umkm["X"].pk])
    opened = staff_mentor.get(url)
    assert opened.status_code == 200
    form = opened.context["adminform"].form
    assert set(form.fields["desa"].queryset.values_list("kecamatan__code", flat=True)) == {"33.03.14"}
    data = {
        "name": "UMKM X", "owner_name": "Sutrisno", "address": "Jl. Raya", "desa": world.desa["Y"].pk,
        "workers": 2, "capital": 1, "annual_turnover": 1, "is_active": "on",
        "products-TOTAL_FORMS": 0, "products-INITIAL_FORMS": 0,
        "permits-TOTAL_FORMS": 0, "permits-INITIAL_FORMS": 0,
    }
    response = staff_mentor.post(url, data)
    assert response.status_code == 200 and "desa" in response.context["adminform"].form.errors
    assert UMKM.objects.get(pk=world.umkm["X"].pk).desa == world.desa["X"]


def test_bulk_delete_cannot_reach_other_kecamatan_even_for_a_mentor_with_delete_rights(staff_mentor, world):
    from django.contrib.auth.models import Permission

    world.users["pendamping_a"].user_permissions.add(Permission.objects.get(codename="delete_visit"))
    response = staff_mentor.post(
        reverse("admin:mentoring_visit_changelist"),
        {"action": "delete_selected", "_selected_action": [world.visit["Y"].pk], "post": "yes"},
    )
    # Nothing in the mentor's list was selected: back to the changelist, nothing deleted.
    assert response.status_code == 302 and response.url == reverse("admin:mentoring_visit_changelist")
    assert Visit.objects.filter(pk=world.visit["Y"].pk).exists()


def test_desa_autocomplete_offers_only_the_mentors_desa(staff_mentor, world):
    response = staff_mentor.get(
        reverse("admin:autocomplete"),
        {"term": "Mewek", "app_label": "mapping", "model_name": "umkm", "field_name": "desa"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pendamping_and_assignments_cannot_be_deleted_even_by_admin_dinas(client, world):
    client.force_login(world.users["admin"])
    pendamping = world.pendamping["X"]
    response = client.post(reverse("admin:mentoring_pendamping_delete", args=[pendamping.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Pendamping.objects.filter(pk=pendamping.pk).exists()
