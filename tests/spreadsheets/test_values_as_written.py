"""Values as people write them in office files: one reading per kind of value (numbers,
money, percentages, phones, years, choices, identifiers, 'nothing'), used by every column
of that kind; an ambiguous number is a row error naming the column, never a guess."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mapping.models import UMKM, Product
from mapping.models.common import validate_phone
from purbalingga_umkm import numbers
from spreadsheets import cells
from tests.sheets import csv_bytes, umkm_row, xlsx_bytes
from tests.spreadsheets.test_imports import confirm, upload


@pytest.mark.parametrize("written, value", [
    ("1.500", Decimal(1500)), ("15.000", Decimal(15000)), ("1.500.000", Decimal(1500000)),
    ("1.500,5", Decimal("1500.5")), ("1,5", Decimal("1.5")), ("2,75", Decimal("2.75")),
    ("1,500,000", Decimal(1500000)), ("1,500.25", Decimal("1500.25")), ("12.75", Decimal("12.75")),
    ("1500", Decimal(1500)), ("0,8", Decimal("0.8")),
])
def test_numbers_are_read_the_indonesian_way_first(written, value):
    assert numbers.number_read(written) == value


@pytest.mark.parametrize("written", ["1,500", "12,000", "2,500"])
def test_a_number_that_could_mean_two_things_is_refused_with_both_readings(written):
    with pytest.raises(numbers.NumberError) as refused:
        numbers.number_read(written)
    assert written.replace(",", "") in str(refused.value) and "ribuan" in str(refused.value)


@pytest.mark.parametrize("written, rupiah", [
    ("Rp25.000.000,00", 25_000_000), ("25.000.000,-", 25_000_000), ("Rp. 25.000.000", 25_000_000),
    ("25 jt", 25_000_000), ("1,5 M", 1_500_000_000), ("Rp 1,5 juta", 1_500_000), ("500 rb", 500_000),
    ("2 miliar", 2_000_000_000), ("120,000,000", 120_000_000), ("25000000", 25_000_000),
])
def test_money_as_offices_write_it(written, rupiah):
    assert numbers.money_read(written) == rupiah
    assert cells.money()(written) == rupiah


def test_money_that_is_not_money_names_examples():
    with pytest.raises(cells.CellError, match="Bukan jumlah rupiah: banyak"):
        cells.money()("banyak")
    with pytest.raises(cells.CellError, match="bilangan bulat"):
        cells.money()("1,2345 rb")


@pytest.mark.parametrize("written", ["-", "—", "–", "n/a", "N/A", "tidak ada", "Belum ada", " - "])
def test_a_dash_or_words_for_nothing_are_empty_in_every_kind_of_column(written):
    assert cells.is_blank(written)
    assert cells.text(written) == ""
    assert cells.integer()(written) is None
    assert cells.money()(written) is None
    assert cells.decimal()(written) is None
    assert cells.percent(written) is None
    assert cells.phone(validate_phone)(written) == ""
    assert cells.year()(written) is None


@pytest.mark.parametrize("written, share", [("80%", 80), ("80 %", 80), (80, 80), ("80", 80), (0.8, 80), ("0,8", 80),
                                             (1, 1), ("100%", 100), ("62,5%", 63)])
def test_percentages_as_written(written, share):
    assert cells.percent(written) == share


def test_a_percentage_above_100_is_refused():
    with pytest.raises(cells.CellError, match="lebih dari 100"):
        cells.percent("120%")


@pytest.mark.parametrize("written, phone", [
    ("(0281) 891-234", "0281891234"), ("0812.2345.6789", "081223456789"), ("+62 812-2345-6789", "081223456789"),
    ("6281223456789", "081223456789"), ("81223456789", "081223456789"), (81223456789, "081223456789"),
    ("0812 2345 6789 / 0857 1111 2222", "081223456789"),
])
def test_phones_are_written_one_way(written, phone):
    assert cells.phone(validate_phone)(written) == phone


def test_several_phone_numbers_are_all_found():
    assert cells.phone_numbers("0812-1111-2222 atau 0857 3333 4444") == ["081211112222", "085733334444"]


def test_the_first_phone_is_kept_and_the_others_ride_along_for_the_telepon_lain_column():
    first = cells.phone(validate_phone)("0812-1111-2222 / 0857 3333 4444; (0281) 891234")
    assert (first, first.others) == ("081211112222", ("085733334444", "0281891234"))


def test_a_cell_with_one_unreadable_number_among_several_is_refused_not_cut():
    with pytest.raises(cells.CellError, match="Nomor telepon"):
        cells.phone(validate_phone)("0812-1111-2222 / ext. kantor")


@pytest.mark.parametrize("written, year", [
    (2015, 2015), ("2015", 2015), (datetime(2015, 8, 17), 2015), (date(2015, 8, 17), 2015),
    (42233, 2015), (42233.0, 2015), ("17/08/2015", 2015), ("2015-08-17", 2015),
])
def test_a_year_from_a_date_a_serial_or_text(written, year):
    assert cells.year(minimum=1900, maximum=2026)(written) == year


def test_a_year_after_the_limit_is_refused():
    with pytest.raises(cells.CellError, match="setelah 2026"):
        cells.year(minimum=1900, maximum=2026)("2030")


def test_choices_by_label_part_or_synonym():
    units = cells.choice(dict(Product.CapacityUnit.choices), {"kilo": "kg", "bks": "paket"})
    assert units("bungkus") == "paket" and units("Kg.") == "kg" and units("KILO") == "kg" and units("bks") == "paket"
    assert units("paket/bungkus") == "paket" and units("buah/pcs") == "pcs"
    with pytest.raises(cells.CellError, match="Pilihan tidak dikenal: karung"):
        units("karung")


def test_a_nib_typed_as_a_number_survives_and_a_nik_typed_as_one_does_not():
    nib, nik = cells.digits_id("NIB", 13), cells.digits_id("NIK", 16)
    assert nib(9120001234567.0) == "9120001234567"
    assert nik("'3303014101800001") == "3303014101800001"
    with pytest.raises(cells.CellError, match="tersimpan sebagai angka"):
        nik(3303014101800001.0)
    with pytest.raises(cells.CellError, match="13 digit"):
        nib(912000123456.0)


# --- through an import: the stored values equal the intended ones -----------------------------



@pytest.fixture
def staff(client, world):
    client.force_login(world.users["admin"])
    return client


@pytest.mark.django_db
def test_an_office_csv_with_values_as_people_write_them_stores_what_they_meant(staff):
    rows = [umkm_row(1, **{"Modal Usaha (Rp)": "Rp 25 juta", "Omzet Tahunan (Rp)": "1,5 M", "Telepon": "+62 812-2345-6789",
                           "Tahun Berdiri": "17/08/2015", "NIK Pemilik": "'3303014101800001", "Tenaga Kerja": "-",
                           "NIB": "-"}),
            umkm_row(2, **{"Modal Usaha (Rp)": "25.000.000,-", "Omzet Tahunan (Rp)": "Rp120.000.000,00",
                           "Telepon": "tidak ada", "Tahun Berdiri": "2016"})]
    batch = confirm(staff, upload(staff, csv_bytes(rows)))
    assert batch.status == batch.Status.DONE, batch.errors
    first, second = UMKM.objects.get(code="BJS-0001"), UMKM.objects.get(code="BJS-0002")
    assert (first.capital, first.annual_turnover, first.phone, first.founded_year, first.nik, first.workers) == (
        25_000_000, 1_500_000_000, "081223456789", 2015, "3303014101800001", 1)
    assert (second.capital, second.annual_turnover, second.phone) == (25_000_000, 120_000_000, "")


@pytest.mark.django_db
def test_a_product_capacity_of_1_500_is_fifteen_hundred_not_one_and_a_half(staff, world):
    headers = ["Kode UMKM", "Nama Produk", "Sektor", "Kapasitas per Bulan", "Satuan", "Harga (Rp)", "Jangkauan Pasar",
               "Bahan Baku Lokal (%)"]
    row = {"Kode UMKM": world.umkm["X"].code, "Nama Produk": "Keripik tempe", "Sektor": "Makanan dan Minuman",
           "Kapasitas per Bulan": "1.500", "Satuan": "bungkus", "Harga (Rp)": "Rp15.000,-", "Jangkauan Pasar": "Jateng",
           "Bahan Baku Lokal (%)": "0,8"}
    batch = confirm(staff, upload(staff, xlsx_bytes([row], headers=headers), name="produk.xlsx", kind="produk"))
    assert batch.status == batch.Status.DONE, (batch.refusal, batch.errors)
    product = Product.objects.get(umkm=world.umkm["X"], name="Keripik tempe")
    assert (product.monthly_capacity, product.capacity_unit, product.price, product.market_reach,
            product.local_material_pct, product.sector.code) == (
        Decimal("1500.00"), "paket", 15000, "provinsi", 80, "makanan-minuman")


@pytest.mark.django_db
def test_an_ambiguous_number_is_a_row_error_naming_the_column_and_nothing_is_saved(staff, world):
    headers = ["Kode UMKM", "Nama Produk", "Sektor", "Kapasitas per Bulan"]
    rows = [{"Kode UMKM": world.umkm["X"].code, "Nama Produk": "Gula semut", "Sektor": "Makanan & minuman",
             "Kapasitas per Bulan": "2.000"},
            {"Kode UMKM": world.umkm["X"].code, "Nama Produk": "Gula cetak", "Sektor": "Makanan & minuman",
             "Kapasitas per Bulan": "1,500"}]
    before = Product.objects.count()
    batch = upload(staff, csv_bytes(rows, headers=headers), name="produk.csv", kind="produk")
    assert batch.status == batch.Status.INVALID
    assert [(e["row"], e["column"], e["value"]) for e in batch.errors] == [(3, "Kapasitas per Bulan", "1,500")]
    assert "1500" in batch.errors[0]["message"] and "1,5" in batch.errors[0]["message"]
    assert Product.objects.count() == before


@pytest.mark.django_db
def test_the_dry_run_shows_how_free_written_cells_were_read(staff):
    batch = upload(staff, csv_bytes([umkm_row(1, **{"Modal Usaha (Rp)": "Rp 25 juta", "Telepon": "+62 812-2345-6789",
                                                    "Tenaga Kerja": "-"})]))
    readings = batch.sample[0]["readings"]
    assert "Modal Usaha (Rp): Rp 25 juta → 25.000.000" in readings
    assert "Telepon: +62 812-2345-6789 → 081223456789" in readings
    assert "Tenaga Kerja: — → (kosong)" not in readings  # a dash is shown as what it is: nothing
    assert not any(r.startswith("Nama Usaha") for r in readings)  # plain text is not repeated
    page = staff.get(reverse("spreadsheets:import-detail", args=[batch.pk])).content.decode()
    assert "Rp 25 juta → 25.000.000" in page
