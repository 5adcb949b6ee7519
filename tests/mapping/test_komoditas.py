"""Produk unggulan are commodities of places: sapu glagah in Kajongan, knalpot in
Purbalingga Lor. Products find their commodity from their name; the real sentra ship
with the geography, with their sources."""

import io
import json
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from mapping import services
from mapping.models import Assessment, Desa, Komoditas, Product, Rubric, Sector, Sentra
from mapping.services.facts import facts_changed
from mapping.services.komoditas import komoditas_merge, products_komoditas_suggest
from tests.factories import ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def komoditas(code):
    return Komoditas.objects.get(code=code)


@pytest.mark.parametrize("name, sector, expected", [
    ("Gula semut organik 250 g", "pertanian-olahan", "gula-kelapa"),
    ("GULA KELAPA KRISTAL", "pertanian-olahan", "gula-kelapa"),
    ("Sapu glagah arjuna", "kerajinan", "sapu-glagah"),
    ("Knalpot racing RX-King", "logam-otomotif", "knalpot"),
    ("Kopi arabika Gunung Malang", "pertanian-olahan", "kopi-arabika"),
    ("Bulu mata palsu & rambut palsu", "rambut-bulu-mata", "bulu-mata-palsu"),  # the longer phrase wins
    ("Gulai kambing", "makanan-minuman", None),  # "gula" is not a word of "gulai"
    ("Sapu glagah", "perdagangan", None),  # a shop selling brooms makes none: another sector
])
def test_a_product_name_suggests_its_commodity_within_its_sector(wilayah, name, sector, expected):
    product = ProductFactory(name=name, sector=Sector.objects.get(code=sector))

    products_komoditas_suggest([product.pk])

    product.refresh_from_db()
    assert (product.komoditas.code if product.komoditas else None) == expected
    assert product.komoditas_confirmed is False


def test_a_confirmed_commodity_is_never_overwritten_by_a_suggestion(wilayah):
    product = ProductFactory(name="Gula semut", sector=Sector.objects.get(code="pertanian-olahan"),
                             komoditas=komoditas("kopi-robusta"), komoditas_confirmed=True)

    assert products_komoditas_suggest([product.pk]) == 0
    product.refresh_from_db()
    assert product.komoditas.code == "kopi-robusta"


def test_a_pendamping_saving_a_product_gets_the_suggestion_and_can_confirm_another(client, world):
    client.force_login(world.users["pendamping_a"])
    url = reverse("mapping:product-create", args=[world.umkm["X"].pk])
    data = {"name": "Sapu glagah rayung", "sector": Sector.objects.get(code="kerajinan").pk, "capacity_unit": "pcs",
            "market_reach": "lokal", "is_active": "on", "version": "", "submission_token": str(uuid.uuid4())}

    suggested = client.post(url, data)
    chosen = client.post(url, {**data, "name": "Besek bambu", "komoditas": komoditas("anyaman-bambu").pk,
                               "submission_token": str(uuid.uuid4())})

    assert suggested.status_code == 302 and chosen.status_code == 302
    sapu = Product.objects.get(name="Sapu glagah rayung")
    besek = Product.objects.get(name="Besek bambu")
    assert (sapu.komoditas.code, sapu.komoditas_confirmed) == ("sapu-glagah", False)
    assert (besek.komoditas.code, besek.komoditas_confirmed) == ("anyaman-bambu", True)


def test_a_product_linked_to_a_commodity_of_another_sector_is_refused_with_the_reason(client, world):
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mapping:product-create", args=[world.umkm["X"].pk]), {
        "name": "Knalpot", "sector": Sector.objects.get(code="kerajinan").pk, "komoditas": komoditas("knalpot").pk,
        "capacity_unit": "pcs", "market_reach": "lokal", "is_active": "on", "version": "",
        "submission_token": str(uuid.uuid4())})

    assert response.status_code == 200
    assert "termasuk sektor Logam" in " ".join(response.context["form"].errors["komoditas"])
    assert not Product.objects.filter(name="Knalpot").exists()


def test_imported_products_get_their_commodity_suggested(client, world):
    from tests.sheets import csv_bytes
    from tests.spreadsheets.test_imports import confirm, upload

    client.force_login(world.users["admin"])
    rows = [{"Kode UMKM": world.umkm["X"].code, "Nama Produk": "Gula semut organik", "Sektor": "pertanian-olahan"}]

    batch = confirm(client, upload(client, csv_bytes(rows), kind="produk"))

    assert batch.status == "done", batch.errors
    assert Product.objects.get(name="Gula semut organik").komoditas.code == "gula-kelapa"


def test_merging_two_commodities_moves_products_sentra_and_synonyms(wilayah):
    kopi = Komoditas.objects.create(code="kopi-lokal", name="Kopi lokal", sector=komoditas("kopi-arabika").sector)
    product = ProductFactory(name="Kopi lokal bubuk", sector=kopi.sector, komoditas=kopi, komoditas_confirmed=True)
    arabika_sentra = komoditas("kopi-arabika").sentra.count()

    moved = komoditas_merge(source=kopi, into=komoditas("kopi-arabika"))

    product.refresh_from_db()
    assert moved == 1 and product.komoditas.code == "kopi-arabika"
    assert "Kopi lokal" in komoditas("kopi-arabika").synonyms.splitlines()
    assert komoditas("kopi-arabika").sentra.count() == arabika_sentra
    assert not Komoditas.objects.filter(code="kopi-lokal").exists()


def test_a_merge_refreshes_the_cached_commodity_pages(wilayah, client, django_capture_on_commit_callbacks):
    kopi = Komoditas.objects.create(code="kopi-lokal", name="Kopi lokal", sector=komoditas("kopi-arabika").sector)
    ProductFactory(name="Kopi lokal bubuk", sector=kopi.sector, komoditas=kopi, komoditas_confirmed=True)
    assert "Kopi lokal" in client.get("/unggulan/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        komoditas_merge(source=kopi, into=komoditas("kopi-arabika"))
    assert "Kopi lokal" not in client.get("/unggulan/").content.decode()


def test_a_commodity_judged_in_a_determination_round_is_not_merged_away(world):
    penetapan = world.penetapan()
    judged = penetapan.candidates.select_related("komoditas").first().komoditas
    other = Komoditas.objects.create(code="lain", name="Lain", sector=judged.sector)
    with pytest.raises(ValueError, match="candidacies"):
        komoditas_merge(source=judged, into=other)
    assert Komoditas.objects.filter(pk=judged.pk).exists()


def test_commodities_of_different_sectors_are_not_merged(wilayah):
    with pytest.raises(ValueError):
        komoditas_merge(source=komoditas("knalpot"), into=komoditas("batik"))


def test_every_public_fact_about_a_production_centre_is_loaded_with_its_place_and_source(wilayah):
    """fixtures/sentra.json is built from the 29 facts of produk_unggulan_facts.csv by
    build_sentra_fixtures, which stops on any place it cannot resolve."""
    import json

    from django.conf import settings

    facts = json.loads((Path(settings.BASE_DIR) / "fixtures" / "sentra.json").read_text(encoding="utf-8"))

    assert Sentra.objects.filter(is_reference=True).count() == len(facts) == 29
    for fact in facts:
        sentra = Sentra.objects.get(source_url=fact["source_url"], product_label=fact["product_label"])
        assert (sentra.komoditas.code, sentra.kecamatan.code) == (fact["komoditas"], fact["kecamatan"])
        assert (sentra.desa.code if sentra.desa else None) == fact["desa"]
        assert sentra.evidence == fact["evidence"]
    knalpot = Sentra.objects.filter(komoditas__code="knalpot").values_list("desa__name", flat=True)
    assert "Purbalingga Lor" in knalpot
    assert Sentra.objects.get(product_label="Bulu mata palsu").desa.code == "33.03.06.1011"  # Mewek, Kalimanah


def test_building_the_sentra_fixture_resolves_places_by_name_and_refuses_an_unknown_desa(wilayah, tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.BASE_DIR = tmp_path
    (tmp_path / "fixtures").mkdir()
    root = Path(__file__).resolve().parents[2] / "fixtures"
    for name in ("wilayah.json", "komoditas.json"):
        (tmp_path / "fixtures" / name).write_text((root / name).read_text(encoding="utf-8"), encoding="utf-8")
    source = tmp_path / "data"
    source.mkdir()
    header = "produk,sektor,kecamatan,desa,source_url,note\n"
    (source / "produk_unggulan_facts.csv").write_text(
        header + "Sapu glagah,Kerajinan,Bojongsari,Kajongan,https://contoh.invalid/a,Perajin rumahan\n"
        "Ikan gurami,Perikanan,Bukateja,,https://contoh.invalid/b,Sentra kecamatan\n", encoding="utf-8")

    call_command("build_sentra_fixtures", "--source", str(source), stdout=io.StringIO())

    built = json.loads((tmp_path / "fixtures" / "sentra.json").read_text(encoding="utf-8"))
    assert [(r["komoditas"], r["kecamatan"], r["desa"]) for r in built] == [
        ("sapu-glagah", "33.03.14", "33.03.14.2007"), ("gurami", "33.03.02", None)]
    (source / "produk_unggulan_facts.csv").write_text(
        header + "Sapu glagah,Kerajinan,Bojongsari,Kajongann,https://contoh.invalid/a,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Kajongann"):
        call_command("build_sentra_fixtures", "--source", str(source), stdout=io.StringIO())


def test_loading_the_reference_again_duplicates_nothing_and_keeps_staff_synonyms(wilayah):
    gula = komoditas("gula-kelapa")
    gula.synonyms += "\ngula aren kelapa"
    gula.save()
    counts = (Komoditas.objects.count(), Sentra.objects.count())

    services.wilayah_load()

    assert (Komoditas.objects.count(), Sentra.objects.count()) == counts
    assert "gula aren kelapa" in komoditas("gula-kelapa").synonyms


def test_a_sentra_whose_desa_lies_in_another_kecamatan_is_refused(wilayah):
    from django.core.exceptions import ValidationError

    sentra = Sentra(komoditas=komoditas("knalpot"), kecamatan=Desa.objects.get(code="33.03.14.2008").kecamatan,
                    desa=Desa.objects.get(code="33.03.05.1011"), evidence="x", source_url="https://contoh.invalid/x")

    with pytest.raises(ValidationError, match="bukan di kecamatan yang dipilih"):
        sentra.full_clean()


def test_products_of_a_sector_not_eligible_never_rank_as_produk_unggulan(client, world):
    shop = ProductFactory(umkm=world.umkm["X"], name="Toko kelontong", sector=Sector.objects.get(code="perdagangan"))
    Assessment.objects.create(product=shop, rubric=Rubric.objects.current(), status=Assessment.Status.VERIFIED,
                              is_current=True, weighted_score=95, mpe_total=9999, assessed_by=world.users["pendamping_a"])
    craft = ProductFactory(umkm=world.umkm["X"], name="Sapu glagah", sector=Sector.objects.get(code="kerajinan"))
    Assessment.objects.create(product=craft, rubric=Rubric.objects.current(), status=Assessment.Status.VERIFIED,
                              is_current=True, weighted_score=60, mpe_total=100, assessed_by=world.users["pendamping_a"])
    facts_changed(umkm_ids=[world.umkm["X"].pk])  # as verifying them does

    for url in (reverse("mapping:ranking-kabupaten"), reverse("mapping:ranking-kecamatan", args=["33.03.14"]),
                reverse("mapping:ranking-desa", args=["33.03.14.2008"])):
        response = client.get(url)
        assert response.status_code == 200
        names = [item.assessment.product.name for item in response.context["ranking"]]
        assert "Sapu glagah" in names and "Toko kelontong" not in names, url


@pytest.fixture
def sapu_registry(world):
    """Sapu glagah: 2 producers in Bojongsari (3 and 5 workers), 1 in Kalimanah (10 workers);
    plus the world's food UMKM (2 and 4 workers), an inactive producer and an inactive product."""
    from mapping.models import UMKM

    sapu = komoditas("sapu-glagah")
    craft = Sector.objects.get(code="kerajinan")
    UMKM.objects.filter(pk=world.umkm["X"].pk).update(workers=2)
    UMKM.objects.filter(pk=world.umkm["Y"].pk).update(workers=4)
    facts_changed(umkm_ids=[world.umkm["X"].pk, world.umkm["Y"].pk])  # as a save in the portal does
    for desa, workers, reach in ((world.desa["X"], 3, "ekspor"), (world.desa["X"], 5, "kabupaten"),
                                 (world.desa["Y"], 10, "nasional")):
        umkm = UMKMFactory(desa=desa, workers=workers, name=f"Sapu {workers}", owner_name="PEMILIK-RAHASIA",
                           nik="3303014101800001", phone="0899-0000-1111", address="ALAMAT-RAHASIA")
        ProductFactory(umkm=umkm, name="Sapu glagah", sector=craft, komoditas=sapu, market_reach=reach,
                       monthly_capacity=100, capacity_unit="pcs")
    gone = UMKMFactory(desa=world.desa["X"], workers=50, is_active=False)
    ProductFactory(umkm=gone, name="Sapu glagah", sector=craft, komoditas=sapu)
    ProductFactory(umkm=world.umkm["X"], name="Sapu lama", sector=craft, komoditas=sapu, is_active=False)
    return sapu


def test_the_commodity_page_shows_evidence_computed_by_hand(client, sapu_registry):
    response = client.get(reverse("mapping:komoditas-detail", args=["sapu-glagah"]))

    assert response.status_code == 200
    rows = {row.code: row for row in response.context["evidence"]}
    bojongsari, kalimanah, total = rows["33.03.14"], rows["33.03.06"], response.context["total"]
    assert (bojongsari.producers, bojongsari.workers, bojongsari.outside_province, bojongsari.export) == (2, 8, 1, 1)
    assert (kalimanah.producers, kalimanah.workers, kalimanah.outside_province, kalimanah.export) == (1, 10, 1, 0)
    assert (total.producers, total.workers, total.capacity) == (3, 18, {"pcs": 300})
    # Base: active UMKM with an active product — Bojongsari 3 (2 sapu + the food UMKM), Kalimanah 2, regency 5.
    assert str(bojongsari.lq_producers) == "1.111"  # (2/3) / (3/5)
    assert str(kalimanah.lq_producers) == "0.833"  # (1/2) / (3/5)
    assert str(bojongsari.lq_workers) == "1.067"  # (8/10) / (18/24)
    assert str(kalimanah.lq_workers) == "0.952"  # (10/14) / (18/24)


def test_every_commodity_figure_equals_a_recount_from_the_registry(client, sapu_registry):
    response = client.get(reverse("mapping:komoditas-detail", args=["sapu-glagah"]))
    assert response.status_code == 200
    producers = {}
    for product in Product.objects.filter(komoditas=sapu_registry).select_related("umkm__desa__kecamatan"):
        if product.is_active and product.umkm.is_active:
            producers.setdefault(product.umkm.desa.kecamatan.code, {})[product.umkm_id] = product.umkm.workers

    shown = {row.code: (row.producers, row.workers) for row in response.context["evidence"]}

    assert shown == {code: (len(umkm), sum(umkm.values())) for code, umkm in producers.items()}


def test_public_commodity_and_ranking_pages_show_no_personal_data(client, world, sapu_registry):
    from tests.mapping.test_penetapan import adopt_round, second_admin

    from mapping.models import UMKM
    from mapping.services.catalogue import catalogue_publish

    # Bojongsari's round adopted, so its page lists the adopted commodities and names their
    # producers published in the catalogue.
    adopt_round(world.penetapan(), by=world.users["admin"], adopter=second_admin())
    catalogue_publish(umkm=UMKM.objects.get(name="Sapu 3"), by=world.users["admin"])
    pages = [reverse("mapping:komoditas-detail", args=["sapu-glagah"]), reverse("mapping:ranking-kabupaten"),
             reverse("mapping:ranking-kecamatan", args=["33.03.14"]), reverse("mapping:ranking-desa", args=["33.03.14.2008"])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        for marker in ("PEMILIK-RAHASIA", "3303014101800001", "0899-0000-1111", "ALAMAT-RAHASIA"):
            assert marker not in content, (url, marker)
        if url == reverse("mapping:ranking-kecamatan", args=["33.03.14"]):
            assert "100/7/2027" in content and "Sapu 3" in content  # adopted, with its producers


def test_the_kabupaten_page_lists_commodities_and_an_area_page_its_sentra_with_sources(client, sapu_registry):
    kabupaten = client.get(reverse("mapping:ranking-kabupaten"))
    kajongan = client.get(reverse("mapping:ranking-desa", args=["33.03.14.2007"]))

    assert kabupaten.status_code == 200 and kajongan.status_code == 200
    listed = {k.code: (k.sentra_total, k.producers) for k in kabupaten.context["komoditas_list"]}
    assert listed["sapu-glagah"] == (Sentra.objects.filter(komoditas__code="sapu-glagah").count(), 3)
    assert [s.komoditas.code for s in kajongan.context["sentra"]] == ["sapu-glagah"]
    assert "Sumber" in kajongan.content.decode()


def test_an_unknown_commodity_page_is_not_found(client, wilayah):
    assert client.get(reverse("mapping:komoditas-detail", args=["tidak-ada"])).status_code == 404
