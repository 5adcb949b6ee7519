"""Staff of the Dinas run the back office in the Django admin."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from mapping.models import UMKM, Desa, Permit, Product, Sector
from tests.factories import PermitFactory, ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def some_umkm(desa_bojongsari):
    umkm = UMKMFactory(desa=desa_bojongsari, location=desa_bojongsari.centre, nib="1234567890123")
    ProductFactory(umkm=umkm)
    PermitFactory(umkm=umkm)
    return umkm


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_changelist_and_add_page_renders_for_a_superuser(admin_client, superuser, rf, some_umkm, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    request = rf.get("/")
    request.user = superuser
    # Some admins (login attempts) have no add page at all.
    expected_add = 200 if admin.site._registry[model].has_add_permission(request) else 403
    assert admin_client.get(admin_url(model, "add")).status_code == expected_add
    obj = model._default_manager.first()
    if obj is not None:
        assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_desa_page_shows_the_desa_inside_its_kecamatan_outline(admin_client, desa_bojongsari):
    response = admin_client.get(admin_url(Desa, "change", desa_bojongsari.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="kecamatan-outline"' in content
    assert "js/admin_desa_map." in content
    outline = json.loads(content.split('id="kecamatan-outline" type="application/json">')[1].split("</script>")[0])
    assert outline["properties"]["name"] == "Bojongsari"
    assert outline["geometry"] == desa_bojongsari.kecamatan.boundary


def umkm_form_data(desa, **overrides):
    data = {
        "name": "Nopia Bu Sari", "owner_name": "Sari Wahyuni", "nik": "", "phone": "081234567890",
        "address": "Jl. Raya Karangbanjar", "nib": "", "is_active": "on", "desa": desa.pk,
        "location": "", "founded_year": "2015", "workers": "3",
        "capital": "25000000", "annual_turnover": "120000000",
        "products-TOTAL_FORMS": "0", "products-INITIAL_FORMS": "0",
        "permits-TOTAL_FORMS": "0", "permits-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_staff_registers_a_umkm_and_the_audit_fields_name_them(admin_client, superuser, desa_bojongsari):
    data = umkm_form_data(
        desa_bojongsari,
        location=json.dumps(desa_bojongsari.centre),
        **{
            "products-TOTAL_FORMS": "1",
            "products-0-name": "Nopia rasa durian",
            "products-0-sector": Sector.objects.get(code="makanan-minuman").pk,
            "products-0-capacity_unit": "paket",
            "products-0-market_reach": "kabupaten",
            "products-0-price": "15000",
            "products-0-is_active": "on",
        },
    )
    response = admin_client.post(admin_url(UMKM, "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    umkm = UMKM.objects.get(name="Nopia Bu Sari")
    assert umkm.created_by == superuser and umkm.updated_by == superuser
    assert umkm.size_class == "mikro"
    assert list(umkm.products.values_list("name", flat=True)) == ["Nopia rasa durian"]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"nik": "33030112"}, "nik", "NIK harus tepat 16 digit angka."),
        ({"nib": "12345abc90123"}, "nib", "NIB harus tepat 13 digit angka."),
        ({"capital": "-1"}, "capital", "Modal usaha tidak boleh negatif."),
        ({"annual_turnover": "-5"}, "annual_turnover", "Omzet tahunan tidak boleh negatif."),
        ({"workers": "-2"}, "workers", "Jumlah tenaga kerja tidak boleh negatif."),
    ],
)
def test_bad_input_in_the_admin_form_is_refused_with_a_message_and_nothing_saved(
    admin_client, desa_bojongsari, overrides, field, message
):
    response = admin_client.post(admin_url(UMKM, "add"), umkm_form_data(desa_bojongsari, **overrides))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert message in response.content.decode()
    assert not UMKM.objects.exists()


def test_desa_with_a_code_of_another_kecamatan_is_refused_in_the_admin(admin_client, desa_bojongsari):
    data = {
        "kecamatan": desa_bojongsari.kecamatan_id, "code": "33.03.01.2099", "name": "Desa Baru",
        "boundary": json.dumps(desa_bojongsari.boundary), "centre": json.dumps(desa_bojongsari.centre),
    }
    response = admin_client.post(admin_url(Desa, "add"), data)
    assert response.status_code == 200
    assert "harus diawali 33.03.14." in response.content.decode()
    assert not Desa.objects.filter(code="33.03.01.2099").exists()


def changelist_names(admin_client, model, **params):
    response = admin_client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def test_umkm_changelist_filters_by_kecamatan_desa_sector_size_and_permit(admin_client, desa_bojongsari):
    mewek = Desa.objects.get(code="33.03.06.1011")
    nopia = UMKMFactory(name="Nopia", desa=desa_bojongsari)
    ProductFactory(umkm=nopia, sector=Sector.objects.get(code="makanan-minuman"))
    PermitFactory(umkm=nopia, kind=Permit.Kind.HALAL)
    knalpot = UMKMFactory(name="Knalpot", desa=mewek, capital=2_000_000_000, nib="1234567890123")
    ProductFactory(umkm=knalpot, sector=Sector.objects.get(code="logam-otomotif"))

    assert changelist_names(admin_client, UMKM, kecamatan="33.03.14") == ["Nopia"]
    assert changelist_names(admin_client, UMKM, kecamatan="33.03.06", desa="33.03.06.1011") == ["Knalpot"]
    assert changelist_names(admin_client, UMKM, sektor="logam-otomotif") == ["Knalpot"]
    assert changelist_names(admin_client, UMKM, skala="kecil") == ["Knalpot"]
    assert changelist_names(admin_client, UMKM, skala="mikro") == ["Nopia"]
    assert changelist_names(admin_client, UMKM, izin="halal") == ["Nopia"]
    assert changelist_names(admin_client, UMKM, izin="nib") == ["Knalpot"]
    assert changelist_names(admin_client, UMKM, q="Mewek") == ["Knalpot"]


def test_desa_filter_lists_only_desa_of_the_chosen_kecamatan(admin_client, wilayah):
    response = admin_client.get(admin_url(UMKM, "changelist"), {"kecamatan": "33.03.10"})
    assert response.status_code == 200
    desa_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "desa")
    assert {code for code, _ in desa_filter.lookup_choices} == set(
        Desa.objects.filter(kecamatan__code="33.03.10").values_list("code", flat=True)
    )


def test_desa_changelist_filters_kelurahan(admin_client, wilayah):
    assert len(changelist_names(admin_client, Desa, jenis="kelurahan")) == 15


def test_desa_autocomplete_finds_desa_by_name_for_the_umkm_form(admin_client, wilayah):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Penaruban", "app_label": "mapping", "model_name": "umkm", "field_name": "desa"},
    )
    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == [
        "Penaruban (Bukateja)", "Penaruban (Kaligondang)",
    ]


def test_umkm_changelist_query_count_does_not_grow_with_rows(
    admin_client, wilayah, django_assert_num_queries
):
    # 3 kecamatan x 2 UMKM, each with 2 products and a permit.
    for code in ["33.03.01.2001", "33.03.05.1001", "33.03.14.2008"]:
        for _ in range(2):
            umkm = UMKMFactory(desa=Desa.objects.get(code=code))
            ProductFactory.create_batch(2, umkm=umkm)
            PermitFactory(umkm=umkm)
    # session, user, kecamatan filter choices, sektor filter choices, filtered count,
    # full count, page rows joined to desa and kecamatan: 7, whatever the number of rows.
    with django_assert_num_queries(7):
        response = admin_client.get(admin_url(UMKM, "changelist"))
        assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 6


def test_product_changelist_query_count_does_not_grow_with_rows(
    admin_client, wilayah, django_assert_num_queries
):
    for code in ["33.03.01.2001", "33.03.05.1001", "33.03.14.2008"]:
        ProductFactory.create_batch(2, umkm=UMKMFactory(desa=Desa.objects.get(code=code)))
    # session, user, kecamatan filter choices, sektor filter choices, komoditas filter
    # choices, filtered count, full count, page rows joined to umkm, desa, kecamatan, sektor
    # and komoditas: 8.
    with django_assert_num_queries(8):
        response = admin_client.get(admin_url(Product, "changelist"))
        assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 6


def test_an_admin_edit_from_a_stale_page_is_refused_and_changes_nothing(admin_client, desa_bojongsari):
    umkm = UMKMFactory(desa=desa_bojongsari, name="Asli")
    url = admin_url(UMKM, "change", umkm.pk)
    opened = admin_client.get(url)
    assert opened.status_code == 200
    stale_version = opened.context["adminform"].form.initial["edit_version"]
    UMKM.objects.filter(pk=umkm.pk).update(name="Diubah di lapangan", version=stale_version + 1)
    data = umkm_form_data(desa_bojongsari, name="Diubah di kantor", edit_version=stale_version)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "sudah diubah orang lain sejak Anda membukanya" in response.content.decode()
    assert UMKM.objects.get(pk=umkm.pk).name == "Diubah di lapangan"
    fresh = umkm_form_data(desa_bojongsari, name="Diubah di kantor", edit_version=stale_version + 1)
    assert admin_client.post(url, fresh).status_code == 302
    saved = UMKM.objects.get(pk=umkm.pk)
    assert saved.name == "Diubah di kantor" and saved.version == stale_version + 2
