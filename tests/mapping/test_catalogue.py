"""The public catalogue: buyers find what Purbalingga makes and where, then whom to contact —
never the owners' personal data (UU 27/2022), and contact only with the owner's consent."""

import re
from datetime import date

import pytest
from django.urls import reverse

from mapping.models import UMKM, Desa, Komoditas, Permit, Product
from mapping.models.catalogue import CatalogueEntry, CatalogueListing, Consent
from mapping.services.catalogue import (
    CatalogueError, catalogue_publish, catalogue_unpublish, consent_record, consent_withdraw,
)
from mapping.services.facts import facts_changed
from tests.factories import PermitFactory, ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def sapu():
    return Komoditas.objects.get(code="sapu-glagah")


def published_producer(world, n: int, *, desa=None, consent=None, **umkm_fields) -> UMKM:
    """A UMKM making sapu glagah, published; its personal fields hold markers numbered `n`."""
    umkm = UMKMFactory(
        desa=desa or world.desa["X"], name=f"Sapu Jaya {n}", owner_name=f"PEMILIKRAHASIA{n:03d}",
        nik=f"33031499{n:04d}0001", phone=f"0899-7770-{n:04d}", phone_other=f"0877-6660-{n:04d}",
        address=f"JALANRAHASIA{n:03d} RT 01", capital=98_765_400_000 + n, annual_turnover=87_654_300_000 + n,
        nib=f"91200077{n:05d}", location={"type": "Point", "coordinates": [109.2987 + n / 100000, -7.3123 - n / 100000]},
        **umkm_fields)
    ProductFactory(umkm=umkm, name=f"Sapu glagah ukuran {n}", sector=sapu().sector, komoditas=sapu(),
                   komoditas_confirmed=True, price=25_000 + n, description="Sapu glagah ikat kuat.")
    catalogue_publish(umkm=umkm, by=world.users["admin"])
    if consent:
        consent_record(consent=Consent(umkm=umkm, given_on=date(2026, 11, 1), evidence="Formulir bertanda tangan",
                                       **consent), by=world.users["pendamping_a"])
    return umkm


def markers(n: int) -> list[str]:
    return [f"PEMILIKRAHASIA{n:03d}", f"33031499{n:04d}0001", f"7770-{n:04d}", f"77700{n:04d}",
            f"6660-{n:04d}", f"JALANRAHASIA{n:03d}", f"98765400{n:03d}", "98.765.400", f"87654300{n:03d}",
            "87.654.300", f"91200077{n:05d}", f"{109.2987 + n / 100000:.7f}"[:10]]


def public_urls(client, umkm_ids) -> list[str]:
    urls = ["/", reverse("mapping:katalog"), reverse("mapping:katalog") + "?q=sapu", reverse("mapping:sitemap"),
            reverse("mapping:robots"), reverse("mapping:ranking-kabupaten"), reverse("mapping:komoditas-detail", args=["sapu-glagah"]),
            reverse("mapping:ranking-kecamatan", args=["33.03.14"]), reverse("mapping:kecamatan-geojson"),
            reverse("mapping:katalog") + "?komoditas=sapu-glagah&kecamatan=33.03.14&label=nib"]
    for umkm_id in umkm_ids:
        urls.append(reverse("mapping:katalog-umkm-short", args=[umkm_id]))
        urls.append(reverse("mapping:katalog-stickers", args=[umkm_id]))
        for product_id in Product.objects.filter(umkm_id=umkm_id).values_list("pk", flat=True):
            urls += [reverse("mapping:katalog-product-short", args=[product_id]),
                     reverse("mapping:katalog-product-qr", args=[product_id])]
    return urls


def fetched(client, url) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("latin-1")


def test_no_personal_field_of_any_umkm_appears_on_any_public_url(client, world):
    producers = [published_producer(world, n) for n in range(1, 6)]
    producers.append(published_producer(world, 6, consent={"contact": True, "marketplace": True}))
    CatalogueEntry.objects.filter(umkm=producers[-1]).update(business_phone="0281-891234")
    hidden = published_producer(world, 7)
    catalogue_unpublish(umkm=hidden, by=world.users["admin"])

    pages = {url: fetched(client, url) for url in public_urls(client, [u.pk for u in producers])}

    assert any("Sapu glagah ukuran 3" in body for body in pages.values())  # the pages are not empty
    assert "0281-891234" in pages[reverse("mapping:katalog-umkm-short", args=[producers[-1].pk])]  # consented
    for n in range(1, 8):
        for marker in markers(n):
            leaks = [url for url, body in pages.items() if marker in body]
            assert not leaks, f"{marker} on {leaks}"


def test_an_unpublished_umkm_answers_404_everywhere_and_is_not_listed(client, world):
    umkm = published_producer(world, 1)
    product = umkm.products.get()
    catalogue_unpublish(umkm=umkm, by=world.users["admin"])

    for url in (reverse("mapping:katalog-umkm-short", args=[umkm.pk]), reverse("mapping:katalog-product-short", args=[product.pk]),
                reverse("mapping:katalog-product-qr", args=[product.pk]), reverse("mapping:katalog-stickers", args=[umkm.pk]),
                reverse("mapping:katalog-product-photo", args=[product.pk]),
                reverse("mapping:katalog-product", args=[product.pk, "sapu-glagah-ukuran-1"])):
        assert client.get(url).status_code == 404, url
    assert "Sapu glagah ukuran 1" not in client.get(reverse("mapping:katalog")).content.decode()
    assert f"/katalog/produk/{product.pk}/" not in client.get(reverse("mapping:sitemap")).content.decode()
    # A product of a published UMKM that is no longer active is not public either.
    other = published_producer(world, 2)
    Product.objects.filter(umkm=other).update(is_active=False)
    assert client.get(reverse("mapping:katalog-product-short", args=[other.products.get().pk])).status_code == 404


def test_contact_links_and_the_exact_point_follow_the_consent_in_force_and_its_withdrawal(client, world):
    umkm = published_producer(world, 1)
    CatalogueEntry.objects.filter(umkm=umkm).update(business_phone="0812-3456-7890",
                                                     shopee_url="https://shopee.co.id/sapujaya")
    page = reverse("mapping:katalog-umkm-short", args=[umkm.pk])

    body = fetched(client, page)
    assert "0812-3456-7890" not in body and "shopee.co.id" not in body and 'id="tanpa-kontak"' in body
    assert "109.29871" not in body  # the desa, not the house

    consent_record(consent=Consent(umkm=umkm, contact=True, given_on=date(2026, 11, 2), evidence="Formulir"),
                   by=world.users["pendamping_a"])
    body = fetched(client, page)
    assert "0812-3456-7890" in body and "https://wa.me/6281234567890" in body and "shopee.co.id" not in body

    consent_record(consent=Consent(umkm=umkm, marketplace=True, exact_location=True, given_on=date(2026, 11, 3),
                                   evidence="Formulir baru"), by=world.users["pendamping_a"])
    body = fetched(client, page)
    assert "0812-3456-7890" not in body and "https://shopee.co.id/sapujaya" in body and "109.29871" in body
    assert Consent.objects.filter(umkm=umkm).count() == 2 and Consent.objects.in_force().filter(umkm=umkm).count() == 1

    consent_withdraw(umkm=umkm, by=world.users["pendamping_a"])
    body = fetched(client, page)
    assert "shopee.co.id" not in body and "109.29871" not in body and 'id="tanpa-kontak"' in body


def test_a_pendamping_publishes_records_consent_and_is_refused_clearly(client, world):
    empty = UMKMFactory(desa=world.desa["X"], name="Belum Berproduk")
    client.force_login(world.users["pendamping_a"])
    url = reverse("mapping:katalog-manage", args=[empty.pk])

    response = client.post(url, {"aksi": "tampilkan"}, follow=True)
    assert "belum punya produk aktif" in response.content.decode()
    assert not CatalogueEntry.objects.filter(umkm=empty, is_published=True).exists()

    ProductFactory(umkm=empty, name="Gula kelapa", sector=sapu().sector)
    assert client.post(url, {"aksi": "tampilkan"}).status_code == 302
    assert CatalogueEntry.objects.get(umkm=empty).is_published

    response = client.post(url, {"aksi": "persetujuan", "contact": "on", "given_on": "", "evidence": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Isi tanggal persetujuan pemilik." in page
    assert "Tuliskan bukti persetujuan" in page
    response = client.post(url, {"aksi": "persetujuan", "given_on": "2026-11-05", "evidence": "Formulir"})
    assert "Pilih setidaknya satu" in response.content.decode()
    assert not Consent.objects.filter(umkm=empty).exists()
    response = client.post(url, {"aksi": "persetujuan", "contact": "on", "given_on": "2026-11-05", "evidence": "Formulir"})
    assert response.status_code == 302
    consent = Consent.objects.get(umkm=empty)
    assert consent.recorded_by == world.users["pendamping_a"] and consent.recorded_at and consent.contact

    version = CatalogueEntry.objects.get(umkm=empty).version
    for field, link, message in (
            ("shopee_url", "javascript:alert(1)", "http"),
            ("shopee_url", "https://www.tokopedia.com/sapujaya", "Tautan Shopee harus menuju"),
            ("tokopedia_url", "ftp://tokopedia.com/x", "http"),
            ("tiktok_url", "https://shopee.co.id/x", "Tautan TikTok Shop harus menuju")):
        response = client.post(url, {"aksi": "kanal", "version": version, field: link})
        assert response.status_code == 200 and message in response.content.decode(), (field, link)
    assert CatalogueEntry.objects.get(umkm=empty).shopee_url == ""

    response = client.post(url, {"aksi": "kanal", "version": version, "business_phone": "0813-1111-2222",
                                 "tokopedia_url": "https://www.tokopedia.com/gulakelapa"})
    assert response.status_code == 302
    stale = client.post(url, {"aksi": "kanal", "version": version, "business_phone": "0813-9999-0000"}, follow=True)
    assert "baru saja diubah orang lain" in stale.content.decode()
    assert CatalogueEntry.objects.get(umkm=empty).business_phone == "0813-1111-2222"


def test_only_staff_and_the_pendamping_of_the_kecamatan_manage_a_umkm_s_catalogue(client, world):
    umkm = published_producer(world, 1)
    url = reverse("mapping:katalog-manage", args=[umkm.pk])
    client.force_login(world.users["pendamping_b"])  # another kecamatan
    assert client.get(url).status_code == 404
    assert client.post(url, {"aksi": "sembunyikan"}).status_code == 404
    client.force_login(world.users["pimpinan"])
    assert client.get(url).status_code in (302, 403)
    client.force_login(world.users["admin"])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
    assert CatalogueEntry.objects.get(umkm=umkm).is_published


def test_the_catalogue_list_runs_the_same_queries_for_3_or_30_products(client, world, django_assert_num_queries):
    for n in range(3):
        published_producer(world, n)
    url = reverse("mapping:katalog") + "?komoditas=sapu-glagah&label=pirt"
    for umkm in UMKM.objects.filter(catalogue__is_published=True):
        PermitFactory(umkm=umkm, kind=Permit.Kind.PIRT)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["page"].object_list)

    few = count()
    for n in range(3, 30):
        umkm = published_producer(world, n)
        PermitFactory(umkm=umkm, kind=Permit.Kind.PIRT)
    many = count()
    assert few[1] == 3 and many[1] == 24  # a full page of 24
    assert few[0] == many[0]
    # A visitor after a write: the kecamatan, their cache stamps and the count of the
    # kecamatan written in (each kept under its stamp), the page of the list rows, the
    # regency's stamp and the filter lists (commodities, sectors, kecamatan): 8; the next
    # finds the counts and the lists kept: the kecamatan, both stamps and the page, 4.
    assert few[0] == 8
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_a_publication_in_one_kecamatan_counts_again_only_that_kecamatan_s_products(
        client, world, django_capture_on_commit_callbacks):
    """The catalogue's count is kept per kecamatan: after a UMKM of Kalimanah is published,
    only Kalimanah's list rows are counted again, and the total is right."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published_producer(world, 1)
    published_producer(world, 2, desa=world.desa["Y"])
    url = reverse("mapping:katalog")
    assert client.get(url).context["page"].paginator.count == 2
    with django_capture_on_commit_callbacks(execute=True):
        published_producer(world, 3, desa=world.desa["Y"])

    with CaptureQueriesContext(connection) as read:
        response = client.get(url)

    counts = [q["sql"] for q in read.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and f'IN ({world.kecamatan["Y"].pk})' in counts[0]
    assert response.context["page"].paginator.count == 3 == CatalogueListing.objects.count()


def test_search_filters_and_badges_find_what_a_buyer_looks_for(client, world):
    halal = published_producer(world, 1)
    PermitFactory(umkm=halal, kind=Permit.Kind.HALAL)
    published_producer(world, 2, desa=world.desa["Y"])
    keripik = UMKMFactory(desa=world.desa["Y"], name="Keripik Bu Tini")
    ProductFactory(umkm=keripik, name="Keripik tempe", market_reach=Product.MarketReach.EKSPOR)
    catalogue_publish(umkm=keripik, by=world.users["admin"])

    def names(**params):
        response = client.get(reverse("mapping:katalog"), params)
        assert response.status_code == 200
        return sorted(p.name for p in response.context["page"].object_list)

    assert names(q="tempe") == ["Keripik tempe"]
    assert names(q="SAPU JAYA 2") == ["Sapu glagah ukuran 2"]
    assert names(komoditas="sapu-glagah", kecamatan="33.03.14") == ["Sapu glagah ukuran 1"]
    assert names(label="halal") == ["Sapu glagah ukuran 1"]
    assert names(label="ekspor") == ["Keripik tempe"]
    assert names(desa=world.desa["Y"].code) == ["Keripik tempe", "Sapu glagah ukuran 2"]
    assert names(q="tidak ada yang begini") == []
    for odd in ({"halaman": "999"}, {"halaman": "x"}, {"label": "<script>"}, {"kecamatan": "9" * 300},
                {"q": "%" * 500}):
        assert client.get(reverse("mapping:katalog"), odd).status_code == 200, odd


def test_product_page_carries_share_tags_schema_org_and_a_qr_code_of_its_short_address(client, world):
    umkm = published_producer(world, 1)
    product = umkm.products.get()

    response = client.get(reverse("mapping:katalog-product-short", args=[product.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/katalog/produk/{product.pk}/sapu-glagah-ukuran-1/")
    page = client.get(response["Location"]).content.decode()
    assert '<meta property="og:title" content="Sapu glagah ukuran 1 — Sapu Jaya 1' in page
    assert '"@type": "Product"' in page and '"priceCurrency": "IDR"' in page
    assert f"http://testserver/katalog/produk/{product.pk}/" in page and "<svg" in page

    qr = client.get(reverse("mapping:katalog-product-qr", args=[product.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    sheet = client.get(reverse("mapping:katalog-stickers", args=[umkm.pk]))
    assert sheet["Content-Type"] == "application/pdf" and sheet.content.startswith(b"%PDF")
    sitemap = client.get(reverse("mapping:sitemap")).content.decode()
    assert f"/katalog/produk/{product.pk}/sapu-glagah-ukuran-1/" in sitemap and "/unggulan/komoditas/sapu-glagah/" in sitemap
    robots = client.get(reverse("mapping:robots")).content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots
    komoditas_page = client.get(reverse("mapping:komoditas-detail", args=["sapu-glagah"])).content.decode()
    assert "Sapu glagah ukuran 1" in komoditas_page


def test_consent_without_a_recorder_or_a_date_is_refused(world):
    umkm = published_producer(world, 1)
    with pytest.raises(CatalogueError):
        consent_record(consent=Consent(umkm=umkm, contact=True, given_on=date(2026, 11, 1), evidence="x"), by=None)
    with pytest.raises(CatalogueError):
        consent_record(consent=Consent(umkm=umkm, contact=True, evidence="x"), by=world.users["admin"])
    assert not Consent.objects.exists()
    assert Desa.objects.exists()


def test_a_buyer_switches_the_public_pages_to_english_and_back(client, world):
    product = published_producer(world, 1).products.get()
    url = reverse("mapping:katalog-product-short", args=[product.pk])

    indonesian = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "Hubungi usaha" in indonesian and 'lang="id"' in indonesian  # the browser's language is not read

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    english = client.get(url, follow=True).content.decode()
    assert 'lang="en"' in english and "Contact the business" in english and "Catalogue" in english
    assert "Sapu glagah ukuran 1" in english  # the data stays as recorded
    listing = client.get(reverse("mapping:katalog")).content.decode()
    assert "Purbalingga MSME product catalogue" in listing and "1 product" in listing

    client.post(reverse("set_language"), {"language": "id", "next": url})
    assert "Hubungi usaha" in client.get(url, follow=True).content.decode()


def test_an_area_page_names_only_producers_published_in_the_catalogue_and_counts_the_others(client, world):
    published = [published_producer(world, n) for n in (1, 2)]
    unpublished = UMKMFactory(desa=world.desa["X"], name="Sapu Rahasia Bu Tarsih")
    ProductFactory(umkm=unpublished, name="Sapu glagah", sector=sapu().sector, komoditas=sapu(), komoditas_confirmed=True)

    page = client.get(reverse("mapping:ranking-kecamatan", args=[world.desa["X"].kecamatan.code])).content.decode()

    assert "3 UMKM produsen" in page
    for umkm in published:
        assert f'<a href="{reverse("mapping:katalog-umkm-short", args=[umkm.pk])}">{umkm.name}</a>' in page
    assert "Sapu Rahasia Bu Tarsih" not in page
    assert "dan 1 lainnya" in page


def test_an_area_page_names_the_first_ten_producers_by_name_each_once_and_counts_the_rest(client, world):
    """Twelve published producers of sapu glagah in the kecamatan, the first by name with
    three sapu products, one in another desa: the kecamatan page names the first ten
    businesses by name, each once, and counts the two others; the desa page names its own."""
    other_desa = Desa.objects.filter(kecamatan=world.desa["X"].kecamatan).exclude(pk=world.desa["X"].pk).first()
    producers = [published_producer(world, n, desa=other_desa if n == 15 else None) for n in range(10, 22)]
    for size in ("besar", "kecil"):
        ProductFactory(umkm=producers[0], name=f"Sapu glagah {size}", sector=sapu().sector, komoditas=sapu(),
                       komoditas_confirmed=True)
    facts_changed(umkm_ids=[producers[0].pk])

    def named(page):
        return re.findall(r'<a href="/katalog/umkm/\d+/">(Sapu Jaya \d+)</a> \(([^)]+)\)', page)

    kecamatan_page = client.get(reverse("mapping:ranking-kecamatan", args=[world.desa["X"].kecamatan.code]))
    shown = named(kecamatan_page.content.decode())
    assert [name for name, _desa in shown] == [f"Sapu Jaya {n}" for n in range(10, 20)]
    assert "dan 2 lainnya" in kecamatan_page.content.decode()

    desa_page = client.get(reverse("mapping:ranking-desa", args=[world.desa["X"].code])).content.decode()
    assert [name for name, _desa in named(desa_page)] == [f"Sapu Jaya {n}" for n in range(10, 22) if n != 15][:10]
    assert {desa for _name, desa in named(desa_page)} == {world.desa["X"].name}


def test_a_searched_catalogue_counts_each_time_and_keeps_nothing_per_search_text(client, world):
    """A buyer's free text is counted on every request, never kept in the cache (the
    public could otherwise fill it with one entry per text typed)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published_producer(world, 1)
    url = reverse("mapping:katalog")
    client.get(url, {"q": "sapu"})
    keys_before = set(cache._cache)  # the tests' per-process cache (settings_test)
    with CaptureQueriesContext(connection) as read:
        assert client.get(url, {"q": "sapu-yang-lain"}).status_code == 200
    assert any(q["sql"].startswith("SELECT COUNT(*)") for q in read.captured_queries)
    assert not any("katalog:count" in key for key in set(cache._cache) - keys_before)
    client.get(url, {"kecamatan": "33.03.14"})
    assert any("katalog:count" in key for key in set(cache._cache) - keys_before)  # lists' choices are kept


def test_a_buyer_s_search_can_read_only_the_matching_rows_on_postgresql(client, world):
    """On PostgreSQL the catalogue's search ("keripik tempe": LIKE '%…%' on the search text)
    can go through the trigram index migration 0030 made, instead of reading every list
    row; SQLite has no such index and finds the same products."""
    from django.db import connection

    published_producer(world, 1)
    searched = CatalogueListing.objects.filter(search__contains="sapu glagah")
    assert client.get(reverse("mapping:katalog"), {"q": "Sapu Glagah"}).context["page"].paginator.count == 1
    if connection.vendor != "postgresql":
        assert searched.count() == 1
        return
    sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show it can
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalogue_search_trigram" in plan


def test_admin_dinas_reads_the_owners_consents_in_the_back_office_and_changes_none(client, world):
    """An auditor asks for a UMKM's consent: Admin Dinas finds it in the back office with its
    evidence and who recorded it; the record cannot be added, changed or deleted there (the
    portal's pages write and audit it), and a pendamping does not see the list."""
    umkm = published_producer(world, 1, consent={"contact": True})
    consent = Consent.objects.get(umkm=umkm)
    client.force_login(world.users["admin"])

    withdrawn_by = published_producer(world, 2, consent={"contact": True})
    consent_withdraw(umkm=withdrawn_by, by=world.users["admin"])

    def listed(status):
        page = client.get(reverse("admin:mapping_consent_changelist"), {"status": status})
        assert page.status_code == 200
        return {c.umkm_id for c in page.context["cl"].result_list}

    assert listed("berlaku") == {umkm.pk} and listed("ditarik") == {withdrawn_by.pk}
    assert listed("") == {umkm.pk, withdrawn_by.pk}
    shown = client.get(reverse("admin:mapping_consent_change", args=[consent.pk]))
    record = shown.content.decode()
    assert shown.status_code == 200 and "Formulir bertanda tangan" in record and "pendamping.a" in record  # who recorded it
    assert client.get(reverse("admin:mapping_catalogueentry_changelist"), {"is_published__exact": "1"}).status_code == 200
    assert client.get(reverse("admin:mapping_consent_add")).status_code == 403
    refused = client.post(reverse("admin:mapping_consent_change", args=[consent.pk]),
                          {"evidence": "diubah", "given_on": "2026-11-01"})
    assert refused.status_code == 403
    assert client.post(reverse("admin:mapping_consent_delete", args=[consent.pk]), {"post": "yes"}).status_code == 403
    consent.refresh_from_db()
    assert consent.evidence == "Formulir bertanda tangan"

    client.force_login(world.users["pendamping_a"])
    assert client.get(reverse("admin:mapping_consent_changelist")).status_code == 403
