"""In a hill desa without signal: a pendamping's phone still opens "Tugas saya" and the
forms, keeps a quick survey (with its photo) and a visit made offline as "menunggu
dikirim", sends each once when the signal returns, and forgets everything on logout."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from mapping.models import UMKM, Desa, Kecamatan, Product
from mentoring.models import Assignment, HeldSubmission, Visit
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.e2e.conftest import log_in, open_page
from tests.factories import AssignmentFactory, PendampingFactory, UMKMFactory


@pytest.fixture
def mentor(live_wilayah):
    user = user_with_role("pendamping.karangreja", Role.PENDAMPING)
    AssignmentFactory(pendamping=PendampingFactory(user=user, full_name="Wahyu Pratama"),
                      kecamatan=Kecamatan.objects.get(code="33.03.14"))
    desa = Desa.objects.get(code="33.03.14.2008")
    UMKMFactory(desa=desa, name="Keripik Tempe Bu Narsih")
    UMKMFactory(desa=desa, name="Gula Kelapa Pak Warso")
    return user


def jpeg_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 60)).save(buffer, "JPEG")
    return {"name": "produk.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def outbox_rows(page):
    return page.locator("#outbox li")


def test_work_without_signal_is_kept_and_sent_once(live_server, mentor, browser):
    desa = Desa.objects.get(code="33.03.14.2008")
    lng, lat = desa.centre["coordinates"]
    warso = UMKM.objects.get(name="Gula Kelapa Pak Warso")
    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.karangreja")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")  # the field kit is on the phone

    context.set_offline(True)
    page.goto(live_server.url + "/survei/cepat/")
    expect(page.get_by_text("Anda sedang tanpa sinyal")).to_be_visible()
    page.get_by_label("Nama usaha").fill("Sapu Glagah Bu Rasem")
    page.get_by_label("Nama pemilik").fill("Rasem")
    page.get_by_label("Alamat").fill("Dusun I RT 01/RW 02")
    page.get_by_label("Desa/kelurahan").select_option(label="Karangbanjar")
    page.get_by_label("Lintang").fill(f"{lat:.6f}")
    page.get_by_label("Bujur").fill(f"{lng:.6f}")
    page.get_by_label("Modal usaha (Rp)").fill("5000000")
    page.get_by_label("Omzet tahunan (Rp)").fill("36000000")
    page.get_by_label("Nama produk").fill("Sapu glagah")
    page.get_by_label("Sektor").select_option(label="Kerajinan")
    page.get_by_label("Foto").set_input_files(jpeg_photo())
    page.get_by_role("button", name="Simpan dan nilai potensi").click()

    expect(page.get_by_text("Tersimpan di perangkat: dikirim otomatis")).to_be_visible()
    expect(outbox_rows(page)).to_have_count(1)
    expect(outbox_rows(page).first).to_contain_text("Sapu Glagah Bu Rasem — Sapu glagah")
    expect(outbox_rows(page).first).to_contain_text("menunggu dikirim")

    # The UMKM list is on the phone: a visit to one not opened before.
    expect(page.locator("#offline-umkm")).to_be_visible()
    page.locator("#offline-umkm-search").fill("warso")
    page.locator("#offline-umkm").get_by_role("link", name="Catat kunjungan").click()
    expect(page.get_by_test_id("visit-umkm")).to_contain_text("Gula Kelapa Pak Warso")
    page.get_by_label("Kemasan").check()
    page.get_by_label("Catatan").fill("Label kemasan baru.")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(outbox_rows(page)).to_have_count(2)
    page.reload()  # still without signal: what waits is still listed
    expect(outbox_rows(page)).to_have_count(2)
    assert not Product.objects.filter(name="Sapu glagah").exists() and not Visit.objects.exists()

    context.set_offline(False)  # the signal returns: everything is sent, once
    expect(page.locator("#outbox")).to_be_hidden(timeout=20_000)
    page.goto(live_server.url + "/tugas-saya/")
    expect(page.locator("#outbox")).to_be_hidden()
    product = Product.objects.get(name="Sapu glagah")
    assert product.photo and product.umkm.name == "Sapu Glagah Bu Rasem" and product.umkm.desa == desa
    assert UMKM.objects.filter(name="Sapu Glagah Bu Rasem").count() == 1
    visit = Visit.objects.get()
    assert visit.umkm == warso and visit.notes == "Label kemasan baru."
    assert page.js_errors == []

    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", name="Peta produk unggulan UMKM Kabupaten Purbalingga")).to_be_visible()
    assert page.evaluate("document.body.dataset.offlineUser") is None  # logged out
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("indexedDB.databases().then((all) => all.map((db) => db.name))") == []
    context.close()


def test_a_form_refused_on_sending_waits_to_be_opened_not_lost(live_server, mentor, browser):
    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.karangreja")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")

    context.set_offline(True)
    page.goto(live_server.url + "/survei/cepat/")
    page.get_by_label("Nama usaha").fill("Usaha Tanpa Omzet")  # the turnover is missing: the server says so
    page.get_by_label("Nama pemilik").fill("Karsiti")
    page.get_by_role("button", name="Simpan dan nilai potensi").click()
    expect(outbox_rows(page)).to_have_count(1)

    context.set_offline(False)
    expect(outbox_rows(page).first).to_contain_text("perlu diperiksa", timeout=20_000)
    page.get_by_role("button", name="Buka dan perbaiki").click()
    expect(page.get_by_text("Belum tersimpan. Periksa isian yang ditandai")).to_be_visible()
    expect(page.get_by_label("Nama usaha")).to_have_value("Usaha Tanpa Omzet")
    assert not UMKM.objects.filter(name="Usaha Tanpa Omzet").exists()
    context.close()


def test_a_survey_sent_after_the_assignment_ended_is_refused_and_handed_to_the_dinas(live_server, mentor, browser):
    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.karangreja")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")

    context.set_offline(True)
    page.goto(live_server.url + "/survei/cepat/")
    page.get_by_label("Nama usaha").fill("Anyaman Pandan Bu Tarsih")
    page.get_by_label("Nama pemilik").fill("Tarsih")
    page.get_by_label("Nama produk").fill("Tikar pandan")
    page.get_by_label("Foto").set_input_files(jpeg_photo())
    page.get_by_role("button", name="Simpan dan nilai potensi").click()
    expect(outbox_rows(page)).to_have_count(1)
    # Meanwhile the Dinas ends the assignment (it ended yesterday).
    Assignment.objects.update(end_date=timezone.localdate() - timedelta(days=1))

    context.set_offline(False)
    expect(outbox_rows(page).first).to_contain_text("perlu diperiksa", timeout=20_000)
    page.get_by_role("button", name="Serahkan ke Dinas").click()
    expect(page.get_by_text("Diserahkan ke Dinas untuk ditinjau.")).to_be_visible()
    expect(page.locator("#outbox")).to_be_hidden()
    held = HeldSubmission.objects.get()
    assert held.path == "/survei/cepat/" and held.fields["name"] == ["Anyaman Pandan Bu Tarsih"]
    assert held.fields["produk-name"] == ["Tikar pandan"] and held.photo and held.kept_at is not None
    assert not UMKM.objects.filter(name="Anyaman Pandan Bu Tarsih").exists()
    context.close()
