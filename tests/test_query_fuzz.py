"""No query string ever causes a 500: every URL of the URLconf, and every admin list, is
called with hostile values for every parameter the portal reads."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.mentoring.test_permission_matrix import project_url_names, url_for

pytestmark = pytest.mark.django_db

# Every parameter name the portal's views and the admin's filters read.
PARAMS = ["kecamatan", "desa", "sektor", "skala", "siap", "pasar", "kelas", "halaman", "urut", "unduh", "tabel",
          "format", "bbox", "zoom", "q", "umkm", "jenis", "izin", "status", "p", "o", "e", "next"]
HOSTILE = [
    "abc", "1.5", "-1", "99999999999999999999999999", "²", "'; DROP TABLE mapping_umkm; --",
    "<script>alert(1)</script>", "nan", "inf,inf,inf,inf", "109,-8,110,-7", "", "xlsx", "🍌" * 50, "a" * 5000,
]
WORST = ["99999999999999999999999999", "abc", "1.5", "²"]


def get(client, url, params):
    response = client.get(url, params)
    assert response.status_code < 500, f"{url} {params!r} → {response.status_code}"
    return response


@pytest.mark.parametrize("role", ["anon", "admin", "pendamping_a"])
def test_every_url_answers_hostile_query_strings_without_a_server_error(client, world, role):
    if role != "anon":
        client.force_login(world.users[role])
    for name in project_url_names():
        if name == "logout":
            continue
        url = url_for(name, world).split("?")[0]
        refused = False
        for value in HOSTILE:
            refused |= get(client, url, {param: value for param in PARAMS}).status_code == 400
        if refused:  # one parameter refused them all: try each on its own, so none hides behind it
            for param in PARAMS:
                for value in WORST:
                    get(client, url, {param: value})


def test_a_nul_character_in_the_query_string_is_refused_with_400(client, world):
    client.force_login(world.users["admin"])

    response = client.get(reverse("mentoring:my-tasks"), {"q": "kripik\x00"})

    assert response.status_code == 400


def test_the_desa_boundaries_of_a_kecamatan_given_as_text_are_not_found(client, wilayah):
    for value in ("abc", "1.5", "99999999999999999999999999"):
        assert client.get(reverse("mapping:desa-geojson"), {"kecamatan": value}).status_code == 404


def test_every_admin_list_answers_hostile_filters_without_a_server_error(client, world):
    client.force_login(world.users["admin"])
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for value in WORST + ["<script>", "-1"]:
            get(client, url, {param: value for param in PARAMS})


def test_every_admin_object_page_answers_a_mangled_id_without_a_server_error(client, world):
    client.force_login(world.users["admin"])
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for suffix in ("change", "history", "delete"):
            for object_id in ("abc", "1/change", "99999999999999999999999", "-1"):
                url = reverse(f"{prefix}_{suffix}", args=[object_id])
                response = client.get(url)
                assert response.status_code < 500, url
