"""Staff propose recipients of an aid program from its shortlist, see a duplicate flagged,
accept it with a justification, enrol, pay out with a second approver and record the
handover; three months later the pendamping records on a phone how the aid is used."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bantuan.models import Program, Stage, UseCheck
from mapping.models import Desa, Kecamatan
from mentoring.models import Visit
from purbalingga_umkm.roles import Role
from tests.conftest import user_with_role
from tests.e2e.conftest import log_in, open_page
from tests.factories import AssignmentFactory, PendampingFactory, UMKMFactory, VisitFactory


@pytest.fixture
def setting(live_wilayah, job_worker):
    mentor = user_with_role("pendamping.bojongsari", Role.PENDAMPING)
    pendamping = PendampingFactory(user=mentor, full_name="Rini Handayani")
    AssignmentFactory(pendamping=pendamping, kecamatan=Kecamatan.objects.get(code="33.03.14"))
    user_with_role("staf.dinas", Role.ADMIN_DINAS, staff=True)
    user_with_role("staf.keuangan", Role.ADMIN_DINAS, staff=True)
    desa = Desa.objects.get(code="33.03.14.2008")
    for code, name, owner in (("BJS-0001", "Sapu Glagah Bu Rasem", "Rasem"), ("BJS-0002", "SAPU GLAGAH bu rasem",
                                                                              "Bu Rasem")):
        VisitFactory(umkm=UMKMFactory(desa=desa, code=code, name=name, owner_name=owner, capital=5_000_000,
                                      annual_turnover=60_000_000), pendamping=pendamping)
    program = Program.objects.create(name="Peralatan Kerajinan", year=timezone.localdate().year, dinas="Dinkop UKM",
                                     budget_source="apbd", kind="peralatan", recipient_type="umkm",
                                     budget=50_000_000, quota=5, rules={"kecamatan": ["33.03.14"]})
    Stage.objects.create(program=program, number=1)
    return program


def test_import_flag_justify_enrol_pay_deliver_and_follow_up(live_server, setting, browser, tmp_path):
    program = setting
    context, page = open_page(browser, "desktop")
    log_in(page, live_server.url, "staf.dinas")
    # The kecamatan's list of proposed recipients comes in as a spreadsheet.
    usulan = tmp_path / "usulan.csv"
    usulan.write_text("ID Program,Tahap,Kode UMKM,Dasar Usulan\n"
                      f"{program.pk},1,BJS-0001,Musrenbang Desa Karangbanjar\n"
                      f"{program.pk},1,BJS-0002,Musrenbang Desa Karangbanjar\n", encoding="utf-8")
    page.goto(live_server.url + "/data/")
    card = page.locator("#impor-penerima-bantuan")
    card.get_by_label("Berkas CSV, XLSX, XLS atau ODS").set_input_files(str(usulan))
    card.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("#import-status")).to_contain_text("Siap diimpor")
    expect(page.get_by_text("usaha yang sama dengan Sapu Glagah Bu Rasem di berkas ini")).to_be_visible()
    page.get_by_role("button", name="Impor 2 baris").click()
    expect(page.locator("#import-status")).to_contain_text("Selesai diimpor")

    page.goto(f"{live_server.url}/bantuan/program/{program.pk}/")
    second = page.get_by_test_id("recipient").nth(1)
    expect(second.get_by_test_id("flag")).to_contain_text("Sudah diusulkan/menerima program ini")
    second.get_by_label("Alasan tetap diterima").fill("singkat")
    second.get_by_role("button", name="Terima").click()
    expect(page.locator("#form-error")).to_contain_text("alasan paling sedikit 20 karakter")
    second = page.get_by_test_id("recipient").nth(1)
    expect(second.get_by_label("Alasan tetap diterima")).to_have_value("singkat")  # nothing typed is lost
    second.get_by_label("Alasan tetap diterima").fill("Dua usaha berbeda: kakak-beradik, alamat dan NIB berlainan.")
    second.get_by_role("button", name="Terima").click()
    expect(page.get_by_text("Temuan diterima dengan alasan tercatat.")).to_be_visible()

    # The first one is now flagged as the same business too: it cannot be enrolled as it is.
    first = page.get_by_test_id("recipient").nth(0)
    first.get_by_text("Ubah status atau usulkan penyaluran").click()
    first.get_by_label("Status baru").select_option(label="Terdaftar")
    first.get_by_role("button", name="Simpan status").click()
    expect(page.locator("#form-error")).to_contain_text("temuan sasaran masih terbuka")

    second = page.get_by_test_id("recipient").nth(1)
    second.get_by_text("Ubah status atau usulkan penyaluran").click()
    second.get_by_label("Status baru").select_option(label="Terdaftar")
    second.get_by_role("button", name="Simpan status").click()
    second = page.get_by_test_id("recipient").nth(1)
    expect(second.get_by_test_id("state")).to_have_text("Terdaftar")
    second.get_by_text("Ubah status atau usulkan penyaluran").click()
    second.get_by_label("Nilai (Rp)").fill("12500000")
    second.get_by_label("Barang/jasa").fill("Mesin pres gagang sapu")
    second.get_by_role("button", name="Usulkan penyaluran").click()
    expect(page.get_by_test_id("disbursement").first).to_contain_text("Diusulkan")
    assert page.js_errors == []
    context.close()

    context, page = open_page(browser, "desktop")
    log_in(page, live_server.url, "staf.keuangan")
    page.goto(f"{live_server.url}/bantuan/program/{program.pk}/")
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_test_id("disbursement").first).to_contain_text("Disetujui")
    page.get_by_label("Tanggal serah terima").fill(timezone.localdate().isoformat())
    page.get_by_label("Nomor BAST").fill("027/BAST/DINKOP/2026")
    page.get_by_role("button", name="Catat serah terima").click()
    expect(page.get_by_test_id("disbursement").first).to_contain_text("BAST 027/BAST/DINKOP/2026")
    expect(page.get_by_test_id("budget-used")).to_have_text("12.500.000")
    context.close()

    UseCheck.objects.filter(months=3).update(due_on=timezone.localdate() - timedelta(days=1))  # three months on
    context, page = open_page(browser, "phone")
    log_in(page, live_server.url, "pendamping.bojongsari")
    expect(page.locator("#duties")).to_contain_text("Cek pemanfaatan bantuan (3 bulan)")
    page.locator("#duties").get_by_role("link", name="Catat").click()
    page.get_by_text("Dipakai produktif").click()
    page.get_by_label("Tenaga kerja").fill("3")
    page.get_by_label("Omzet per bulan (Rp)").fill("7500000")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Pemanfaatan bantuan tercatat.")).to_be_visible()
    check = UseCheck.objects.get(months=3)
    assert (check.result, check.workers, check.monthly_turnover) == ("dipakai", 3, 7_500_000)
    assert page.js_errors == []
    context.close()
    assert Visit.objects.count() == 2
