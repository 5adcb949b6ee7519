"""Office spreadsheets go in as they are sent: a kecamatan recap with its own headers, a
merged title, a column-number row, a JUMLAH row and a signature block, a hidden sheet before
it and a row hidden by a filter — as XLSX, XLS and ODS — with at most a mapping step."""

import pytest
from django.urls import reverse

from mapping.models import UMKM
from spreadsheets.models import ImportBatch, MappingProfile
from tests.sheets import RECAP_HEADERS, csv_bytes, recap_ods, recap_xls, recap_xlsx, umkm_row
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db

INTENDED = {
    # name: (owner, NIK, address, phone, other phones, annual turnover, workers)
    "Rambut Sambung Sutinah": ("Sutinah", "3303014101800001", "Dusun II RT/RW 03/02", "081223456789", "", 30_000_000,
                               4),
    "Bulu Mata Darsini": ("Bu Darsini", "", "Dusun I RT/RW 01/01", "085711112222", "0281891234", 18_000_000, 2),
    "Kerajinan Bambu Karyono": ("Karyono", "", "Dusun III", "", "", 9_000_000, 1),
}


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["admin"])
    return client


def stored_recap():
    return {u.name: (u.owner_name, u.nik, u.address, u.phone, u.phone_other, u.annual_turnover, u.workers)
            for u in UMKM.objects.filter(name__in=INTENDED)}


@pytest.mark.parametrize("make, name", [(recap_xlsx, "rekap.xlsx"), (recap_xls, "rekap.xls"), (recap_ods, "rekap.ods")])
def test_a_kecamatan_recap_goes_in_as_it_was_sent(staff, make, name):
    batch = upload(staff, make(), name=name)

    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors, batch.columns)
    assert batch.counts["new"] == 3 and batch.counts["total"] == 3
    notes = " ".join(batch.notes)
    assert "nomor kolom" in notes and "Baris jumlah/total dilewati" in notes and "Blok tanda tangan" in notes
    assert "NO" in notes and "JENIS USAHA" in notes  # ignored columns are named
    assert ("simpan sebagai .xlsx" in notes) == name.endswith(".xls")  # .xls cannot tell hidden rows: it says so
    readings = [r for sample in batch.sample for r in sample["readings"] if r.startswith("NO HP")]
    assert "NO HP: +62 857-1111-2222 / (0281) 891234 → 085711112222 (nomor lain ke Telepon Lain: 0281891234)" in readings
    confirm(staff, batch)
    assert stored_recap() == INTENDED
    made = UMKM.objects.get(name="Rambut Sambung Sutinah")
    assert made.desa.code == "33.03.14.2008" and made.capital is None and made.code
    assert str(made.size_class.label) == "Mikro"  # judged by the turnover when the capital is not known


def test_the_hidden_sheet_is_not_read_and_hidden_rows_are_reported_and_can_be_counted(staff):
    hidden = [4, "Tersaring", "", "Usaha Tersaring", "Dusun IV", "", "Karangbanjar", "Bojongsari", "", "", "100.000", 1]
    batch = upload(staff, recap_xlsx(hidden_row=hidden), name="rekap.xlsx")

    notes = " ".join(batch.notes)
    assert "Lembar tersembunyi tidak dibaca: Data lama" in notes
    assert "1 baris tersembunyi atau tersaring tidak dihitung (baris 8)" in notes
    assert batch.counts["new"] == 3 and batch.columns["hidden_rows"] == 1

    staff.post(reverse("spreadsheets:import-reading", args=[batch.pk]), {"baris_tersembunyi": "include"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY and batch.counts["new"] == 4
    confirm(staff, batch)
    assert UMKM.objects.filter(name="Usaha Tersaring").exists() and not UMKM.objects.filter(name="Usaha Lama").exists()


def test_the_same_recap_sent_again_duplicates_nothing(staff):
    confirm(staff, upload(staff, recap_xlsx(), name="rekap.xlsx"))
    again = upload(staff, recap_xls(), name="rekap-lagi.xls")
    assert (again.counts["new"], again.counts["unchanged"]) == (0, 3), again.sample
    assert UMKM.objects.filter(name__in=INTENDED).count() == 3


def test_other_phones_typed_in_the_portal_are_kept_when_a_file_brings_one_number(staff):
    confirm(staff, upload(staff, recap_xlsx(), name="rekap.xlsx"))
    UMKM.objects.filter(name="Rambut Sambung Sutinah").update(phone_other="0281891111")

    again = confirm(staff, upload(staff, recap_xls(), name="rekap-lagi.xls"))

    assert again.counts["unchanged"] == 3
    assert UMKM.objects.get(name="Rambut Sambung Sutinah").phone_other == "0281891111"
    assert UMKM.objects.get(name="Bulu Mata Darsini").phone_other == "0281891234"


# --- the mapping step ---------------------------------------------------------------------------

OWN_HEADERS = ["No.", "Nama Pelaku UMKM", "Nama Usahanya", "Alamat", "Desa/Kelurahan", "Kecamatan", "Omset Sebulan"]


def own_rows():
    return [{"No.": "1", "Nama Pelaku UMKM": "Waginah", "Nama Usahanya": "Lanting Waginah", "Alamat": "Dusun I",
             "Desa/Kelurahan": "Karangbanjar", "Kecamatan": "Bojongsari", "Omset Sebulan": "Rp 1.000.000"}]


def mapping_of(batch, **chosen):
    """The mapping step's answer: suggested targets, with `chosen` {header: target key}."""
    answer = {}
    for index, header in enumerate(batch.columns["headers"]):
        answer[f"kolom-{index}"] = chosen.get(header, batch.columns["suggestions"].get(str(index), ""))
    return answer


def test_own_headers_are_mapped_once_saved_and_then_used_automatically(staff):
    batch = upload(staff, csv_bytes(own_rows(), headers=OWN_HEADERS))

    assert batch.status == ImportBatch.Status.MAPPING
    columns = batch.columns
    assert "Kolom wajib Nama Usaha belum dipetakan ke kolom berkas mana pun." in columns["problems"]
    assert columns["examples"][columns["headers"].index("Omset Sebulan")] == ["Rp 1.000.000"]

    answer = mapping_of(batch, **{"Nama Pelaku UMKM": "owner_name", "Nama Usahanya": "name",
                                  "Omset Sebulan": "annual_turnover_monthly"})
    staff.post(reverse("spreadsheets:import-map", args=[batch.pk]),
               {**answer, "simpan": "1", "profil": "Rekap Desa Karangbanjar"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors, batch.columns)
    confirm(staff, batch)
    made = UMKM.objects.get(name="Lanting Waginah")
    assert (made.owner_name, made.annual_turnover) == ("Waginah", 12_000_000)
    assert MappingProfile.objects.get(kind="umkm").name == "Rekap Desa Karangbanjar"

    next_month = own_rows()
    next_month[0]["Omset Sebulan"] = "Rp 1.250.000"
    later = upload(staff, csv_bytes(next_month, headers=OWN_HEADERS))
    assert later.status == ImportBatch.Status.READY
    assert any("Rekap Desa Karangbanjar" in note for note in later.notes)
    assert later.counts["updated"] == 1


@pytest.mark.parametrize("chosen, problem", [
    ({"Nama Pelaku UMKM": "name", "Nama Usahanya": "name"},
     "Kolom Nama Pelaku UMKM dan Nama Usahanya sama-sama dipetakan ke Nama Usaha; pilih satu."),
    ({"Nama Pelaku UMKM": "owner_name", "Nama Usahanya": ""},
     "Kolom wajib Nama Usaha belum dipetakan ke kolom berkas mana pun."),
])
def test_a_mapping_that_cannot_work_is_refused_naming_the_column_and_nothing_is_saved(staff, chosen, problem):
    batch = upload(staff, csv_bytes(own_rows(), headers=OWN_HEADERS))
    response = staff.post(reverse("spreadsheets:import-map", args=[batch.pk]),
                          {**mapping_of(batch, **chosen), "simpan": "1", "profil": "Salah"}, follow=True)
    assert problem in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING and not MappingProfile.objects.exists()
    assert not UMKM.objects.filter(name="Lanting Waginah").exists()


def test_a_saved_profile_that_no_longer_fits_sends_the_file_back_to_the_mapping_step(staff):
    batch = upload(staff, csv_bytes(own_rows(), headers=OWN_HEADERS))
    staff.post(reverse("spreadsheets:import-map", args=[batch.pk]),
               {**mapping_of(batch, **{"Nama Pelaku UMKM": "owner_name", "Nama Usahanya": "name"}),
                "simpan": "1", "profil": "Lama"})
    profile = MappingProfile.objects.get(name="Lama")
    profile.mapping = {**profile.mapping, "nama usahanya": ""}  # someone's old mapping: the name unmapped
    profile.save()
    again = upload(staff, csv_bytes(own_rows(), headers=OWN_HEADERS))
    assert again.status == ImportBatch.Status.MAPPING
    assert "Kolom wajib Nama Usaha belum dipetakan ke kolom berkas mana pun." in again.columns["problems"]


def test_headers_the_aliases_know_need_no_mapping_step_and_extra_columns_are_noted(staff):
    row = umkm_row(1)
    headers = ["Kode UMKM", "Nama Usaha", "Pemilik", "No HP", "Alamat", "Kec", "Desa", "Modal", "Omzet per Tahun",
               "Warna Favorit"]
    values = {"Kode UMKM": row["Kode UMKM"], "Nama Usaha": row["Nama Usaha"], "Pemilik": "Siti", "No HP": "0812 2345 6789",
              "Alamat": "Dusun I", "Kec": "Bojongsari", "Desa": "Karangbanjar", "Modal": "5 jt",
              "Omzet per Tahun": "60 jt", "Warna Favorit": "biru"}
    batch = upload(staff, csv_bytes([values], headers=headers))
    assert batch.status == ImportBatch.Status.READY, (batch.refusal, batch.errors, batch.columns)
    assert any("Warna Favorit" in note for note in batch.notes)
    assert RECAP_HEADERS  # the recap's headers are all known as well (see the recap tests)


def test_a_resaved_export_with_damaged_identifiers_says_which_columns_to_delete(staff):
    confirm(staff, upload(staff, csv_bytes([umkm_row(1, **{"NIK Pemilik": "3303014101800001"})])))
    damaged = umkm_row(1, **{"NIK Pemilik": "3.30301E+15", "Tenaga Kerja": "7"})
    batch = upload(staff, csv_bytes([damaged]))
    message = batch.errors[0]["message"]
    assert "notasi ilmiah" in message and "hapus kolom NIB dan NIK Pemilik" in message

    without = {k: v for k, v in damaged.items() if k not in ("NIB", "NIK Pemilik")}
    again = confirm(staff, upload(staff, csv_bytes([without])))
    assert again.status == ImportBatch.Status.DONE and again.counts["updated"] == 1
    kept = UMKM.objects.get(code="BJS-0001")
    assert (kept.nik, kept.workers) == ("3303014101800001", 7)


def test_a_product_list_with_office_headers_needs_no_mapping(staff, world):
    headers = ["No", "Kode", "Produk", "Jenis Usaha", "Kapasitas Produksi", "Sat", "Harga", "Pemasaran"]
    row = {"No": "1", "Kode": world.umkm["X"].code, "Produk": "Sapu glagah", "Jenis Usaha": "Kerajinan",
           "Kapasitas Produksi": "1.200", "Sat": "buah", "Harga": "Rp 25.000", "Pemasaran": "Luar negeri"}
    batch = confirm(staff, upload(staff, csv_bytes([row], headers=headers), name="produk.csv", kind="produk"))
    assert batch.status == ImportBatch.Status.DONE, (batch.refusal, batch.errors, batch.columns)
    product = world.umkm["X"].products.get(name="Sapu glagah")
    assert (product.monthly_capacity, product.capacity_unit, product.price, product.market_reach) == (
        1200, "pcs", 25_000, "ekspor")


def test_a_row_filtered_out_in_an_ods_is_reported_and_can_be_counted(staff):
    hidden = [4, "Tersaring", "", "Usaha Tersaring", "Dusun IV", "", "Karangbanjar", "Bojongsari", "", "", "100.000", 1]
    batch = upload(staff, recap_ods(hidden_row=hidden), name="rekap.ods")

    assert "1 baris tersembunyi atau tersaring tidak dihitung (baris 8)" in " ".join(batch.notes)
    assert batch.counts["new"] == 3 and batch.columns["hidden_rows"] == 1

    staff.post(reverse("spreadsheets:import-reading", args=[batch.pk]), {"baris_tersembunyi": "include"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY and batch.counts["new"] == 4
