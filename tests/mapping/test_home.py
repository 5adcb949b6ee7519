"""The public landing page shows the regency map with the kecamatan from the database."""

import pytest
from django.urls import reverse

from mapping.models import Desa, Kecamatan
from mapping.services.facts import facts_changed
from tests.factories import ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


# These tests write with the ORM directly, so they mark the cached figures outdated
# themselves, as every service and admin write does (see mapping/services/facts.py).


def test_landing_page_lists_the_kecamatan_stored_in_the_database(client, wilayah):
    Kecamatan.objects.filter(code="33.03.17").update(name="Karangjambu Uji")
    facts_changed()
    response = client.get(reverse("mapping:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Karangjambu Uji" in content
    assert content.count('<tr data-kode="33.03.') == 18
    assert 'id="kabupaten_map"' in content
    assert reverse("mapping:kecamatan-geojson") in content


def test_landing_page_counts_active_umkm_per_kecamatan(client, desa_bojongsari):
    UMKMFactory.create_batch(2, desa=desa_bojongsari)
    UMKMFactory(desa=desa_bojongsari, is_active=False)
    facts_changed(everything=True)  # the factory wrote rows without their facts
    response = client.get(reverse("mapping:home"))
    assert response.status_code == 200
    rows = {k.code: k for k in response.context["kecamatan_list"]}
    assert rows["33.03.14"].umkm_count == 2
    assert rows["33.03.14"].desa_count == 13
    assert rows["33.03.05"].kelurahan_count == 11
    assert rows["33.03.01"].umkm_count == 0
    assert response.context["totals"]["umkm"] == 2


def test_kecamatan_geojson_serves_the_boundaries_and_names_from_the_database(client, desa_bojongsari):
    Kecamatan.objects.filter(code="33.03.17").update(name="Karangjambu Uji")
    UMKMFactory(desa=desa_bojongsari)
    facts_changed(everything=True)
    response = client.get(reverse("mapping:kecamatan-geojson"))
    collection = response.json()
    assert response.status_code == 200
    assert len(collection["features"]) == 18
    by_kode = {f["properties"]["code"]: f for f in collection["features"]}
    assert by_kode["33.03.17"]["properties"]["name"] == "Karangjambu Uji"
    assert by_kode["33.03.14"]["properties"]["umkm_count"] == 1
    assert by_kode["33.03.14"]["geometry"] == Kecamatan.objects.get(code="33.03.14").boundary
    assert "max-age=300" in response["Cache-Control"]


def test_kecamatan_geojson_answers_304_when_the_browser_has_it(client, wilayah):
    first = client.get(reverse("mapping:kecamatan-geojson"))
    assert first.status_code == 200
    again = client.get(reverse("mapping:kecamatan-geojson"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_landing_page_labels_demo_data_only_when_there_is_some(client, desa_bojongsari):
    UMKMFactory(desa=desa_bojongsari)
    facts_changed(everything=True)
    response = client.get(reverse("mapping:home"))
    assert response.status_code == 200
    assert b'data-testid="demo-banner"' not in response.content
    UMKMFactory(desa=desa_bojongsari, is_demo=True)
    facts_changed()
    response = client.get(reverse("mapping:home"))
    assert response.status_code == 200
    assert b'data-testid="demo-banner"' in response.content


def test_landing_page_and_geojson_query_counts_do_not_grow_with_data(
    client, wilayah, django_assert_num_queries
):
    # 3 kecamatan x 2 UMKM, each with 2 products.
    for code in ["33.03.01.2001", "33.03.05.1001", "33.03.14.2008"]:
        for umkm in UMKMFactory.create_batch(2, desa=Desa.objects.get(code=code)):
            ProductFactory.create_batch(2, umkm=umkm)
    facts_changed(everything=True)  # the factories wrote rows without their facts
    # cache stamp, counts of kecamatan and desa, active UMKM and their products (one read
    # of the facts), demo UMKM; cache stamp, active UMKM per kecamatan (one grouped read of
    # the facts), the kecamatan list with its desa and kelurahan counts: 8 on a cold cache.
    with django_assert_num_queries(8):
        response = client.get(reverse("mapping:home"))
        assert response.status_code == 200
    assert response.context["totals"]["umkm"] == 6 and response.context["totals"]["products"] == 12
    # cache stamp, active UMKM per kecamatan (the facts), the kecamatan with their desa
    # counts and boundaries: 3.
    with django_assert_num_queries(3):
        response = client.get(reverse("mapping:kecamatan-geojson"))
        assert response.status_code == 200
    assert {f["properties"]["code"]: f["properties"]["umkm_count"] for f in response.json()["features"]}["33.03.05"] == 2


def test_login_page_is_in_indonesian_and_rejects_a_wrong_password(client, superuser):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Masuk ke Peta UMKM" in page.content.decode()
    response = client.post(reverse("login"), {"username": "staf.dinas", "password": "salah"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()
    ok = client.post(reverse("login"), {"username": "staf.dinas", "password": "kata-sandi-uji-123"})
    assert ok.status_code == 302


def test_unknown_pages_answer_404_in_indonesian(client, db):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
