"""The quick survey: a pendamping registers a new UMKM with its first product and photo on
one page, and goes straight on to rate it."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.models import UMKM, Product
from tests.mapping.test_survey import png_bytes, product_data, umkm_data

pytestmark = pytest.mark.django_db

URL = reverse("mapping:survey-quick")


@pytest.fixture
def mentor(client, world):
    client.force_login(world.users["pendamping_a"])
    return client


def quick_data(world, *, umkm=None, product=None, photo=True):
    data = umkm_data(world, **(umkm or {}))
    data.update({f"produk-{key}": value for key, value in product_data(**(product or {})).items()})
    if photo:
        data["produk-photo"] = SimpleUploadedFile("gula.png", png_bytes((1600, 1200)), content_type="image/png")
    return data


def test_one_page_registers_the_umkm_its_product_and_photo_and_opens_the_rating(mentor, world):
    response = mentor.post(URL, quick_data(world))

    product = Product.objects.get(name="Gula semut organik")
    assert response.status_code == 302
    assert response.url == reverse("mapping:assessment-edit", args=[product.pk])
    assert product.umkm.name == "Gula Semut Makmur" and product.umkm.desa == world.desa["X"]
    assert product.photo and product.photo.width <= 1600
    assert product.umkm.created_by == world.users["pendamping_a"]


def test_the_same_quick_survey_sent_twice_stores_one_umkm_and_one_product(mentor, world):
    data = quick_data(world, photo=False)
    first = mentor.post(URL, data)
    again = mentor.post(URL, data)  # a double tap, or a phone re-sending what it kept offline

    assert first.status_code == again.status_code == 302 and again.url == first.url
    assert UMKM.objects.filter(name="Gula Semut Makmur").count() == 1
    assert Product.objects.filter(name="Gula semut organik").count() == 1


def test_errors_in_both_parts_are_shown_together_and_nothing_typed_is_lost(mentor, world):
    data = quick_data(world, umkm={"annual_turnover": "", "owner_name": "Suparmi"},
                      product={"name": "", "price": "35000"}, photo=False)

    response = mentor.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["annual_turnover"] and response.context["product_form"].errors["name"]
    page = response.content.decode()
    assert 'value="Suparmi"' in page and 'value="35000"' in page
    assert not UMKM.objects.filter(name="Gula Semut Makmur").exists() and not Product.objects.filter(name="Gula semut organik").exists()


def test_a_desa_outside_the_mentors_kecamatan_is_refused(mentor, world):
    response = mentor.post(URL, quick_data(world, umkm={"desa": world.desa["Y"].pk, "latitude": "", "longitude": ""},
                                           photo=False))

    assert response.status_code == 200
    assert response.context["form"].errors["desa"] == ["Desa ini bukan wilayah tugas Anda."]
    assert not Product.objects.filter(name="Gula semut organik").exists()


def test_the_page_offers_only_the_mentors_kecamatan_and_keeps_optional_fields_folded(mentor, world):
    response = mentor.get(URL)

    assert response.status_code == 200
    assert list(response.context["form"].fields["kecamatan"].queryset) == [world.desa["X"].kecamatan]
    page = response.content.decode()
    assert '<details class="mb-3" id="more-fields">' in page  # closed: nothing optional to fix


def test_an_optional_field_with_an_error_opens_the_folded_part(mentor, world):
    response = mentor.post(URL, quick_data(world, umkm={"nik": "12"}, photo=False))

    assert response.status_code == 200
    assert '<details class="mb-3" id="more-fields" open>' in response.content.decode()


def test_public_and_pimpinan_cannot_use_the_quick_survey(client, world):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(world.users["pimpinan"])
    assert client.post(URL, quick_data(world, photo=False)).status_code == 403
    assert not UMKM.objects.filter(name="Gula Semut Makmur").exists()


def test_a_broken_token_is_a_form_error_not_a_crash(mentor, world):
    data = quick_data(world, photo=False)
    data["produk-submission_token"] = "bukan-uuid"
    data["submission_token"] = str(uuid.uuid4())

    assert mentor.post(URL, data).status_code == 200
    assert not Product.objects.filter(name="Gula semut organik").exists()
