"""Files as offices really send them: encodings, delimiters, Excel's habits, and hostile files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mapping.models import UMKM
from spreadsheets.models import ImportBatch
from tests.spreadsheets.test_imports import confirm, upload
from tests.sheets import UMKM_HEADERS, csv_bytes, umkm_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["admin"])
    return client


def template(client, kind="umkm") -> bytes:
    response = client.get(reverse("spreadsheets:import-template", args=[kind]))
    assert response.status_code == 200
    return response.content


def refusal_of(batch) -> str:
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.counts == {}
    return batch.refusal


def xlsx_rewrite(content: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The same workbook with one XML part edited, as another program might write it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                assert old in data, data[:500]
                data = data.replace(old, new)
            target.writestr(item, data)
    return output.getvalue()


# --- CSV -----------------------------------------------------------------------------------


def test_windows_1252_csv_with_semicolons_is_read_with_its_accents(staff):
    content = csv_bytes([umkm_row(1, **{"Nama Usaha": "Kopi Señora", "Nama Pemilik": "Müller"})],
                        delimiter=";", encoding="cp1252")

    batch = confirm(staff, upload(staff, content))

    assert batch.status == ImportBatch.Status.DONE
    assert UMKM.objects.get(code="BJS-0001").name == "Kopi Señora"
    assert "Windows-1252" in batch.notes[0] and "titik koma" in batch.notes[0]


def test_utf8_csv_with_bom_and_commas_is_read(staff):
    batch = upload(staff, csv_bytes([umkm_row(1, **{"Nama Usaha": "Gula Kelapa Ɓaru"})], bom=True))

    assert batch.status == ImportBatch.Status.READY
    assert batch.sample[0]["label"].startswith("Gula Kelapa Ɓaru")
    assert "UTF-8 (BOM)" in batch.notes[0] and "koma" in batch.notes[0]


def test_nib_that_excel_wrote_in_scientific_notation_is_refused_with_the_reason(staff):
    batch = upload(staff, csv_bytes([umkm_row(1, NIB="9.12E+12")]))

    error = batch.errors[0]
    assert (error["row"], error["column"], error["value"]) == (2, "NIB", "9.12E+12")
    assert "notasi ilmiah" in error["message"] and "Teks" in error["message"]


def test_numbers_with_thousand_separators_and_rp_are_read(staff):
    confirm(staff, upload(staff, csv_bytes([umkm_row(1, **{"Modal Usaha (Rp)": "Rp 25.000.000",
                                                            "Omzet Tahunan (Rp)": "120,000,000"})])))

    umkm = UMKM.objects.get(code="BJS-0001")
    assert (umkm.capital, umkm.annual_turnover) == (25_000_000, 120_000_000)


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_with_extra_sheets_blank_trailing_rows_and_numbers_as_text_is_read(staff):
    rows = [umkm_row(1, **{"Modal Usaha (Rp)": "25.000.000", "Tenaga Kerja": "4"})]

    def trailing_blanks(sheet):
        sheet.cell(row=5, column=3, value="   ")
        sheet.cell(row=9, column=1).number_format = "@"

    batch = confirm(staff, upload(staff, xlsx_bytes(rows, before_sheets=["Petunjuk"], edit=trailing_blanks),
                                  name="umkm.xlsx"))

    assert batch.counts["new"] == 1 and batch.counts["total"] == 1
    assert "Lembar 'Data' dibaca" in " ".join(batch.notes)
    umkm = UMKM.objects.get(code="BJS-0001")
    assert (umkm.capital, umkm.workers) == (25_000_000, 4)


def test_text_that_excel_stored_as_numbers_is_read_back_as_text(staff):
    row = umkm_row(1, **{"Kode UMKM": 12345, "Telepon": 81234567890, "Tahun Berdiri": 2015.0})

    confirm(staff, upload(staff, xlsx_bytes([row]), name="umkm.xlsx"))

    umkm = UMKM.objects.get(code="12345")
    assert (umkm.phone, umkm.founded_year) == ("081234567890", 2015)


def test_nik_stored_as_a_number_is_refused_because_its_digits_are_lost(staff):
    batch = upload(staff, xlsx_bytes([umkm_row(1, **{"NIK Pemilik": 3303014101800001})]), name="umkm.xlsx")

    error = batch.errors[0]
    assert (error["row"], error["column"]) == (2, "NIK Pemilik")
    assert "tersimpan sebagai angka" in error["message"] and "15 digit" in error["message"]
    assert not UMKM.objects.filter(code="BJS-0001").exists()


def test_merged_kecamatan_cells_apply_to_every_row_they_cover(staff):
    rows = [umkm_row(1), umkm_row(2, Kecamatan=None), umkm_row(3, Kecamatan=None)]

    def merge_kecamatan(sheet):
        column = UMKM_HEADERS.index("Kecamatan") + 1
        sheet.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)

    batch = upload(staff, xlsx_bytes(rows, edit=merge_kecamatan), name="umkm.xlsx")

    assert batch.counts["new"] == 3, batch.errors
    assert any("gabungan" in note for note in batch.notes)


def test_formulas_use_their_last_computed_value_and_say_so(staff):
    content = xlsx_rewrite(xlsx_bytes([umkm_row(1, **{"Tenaga Kerja": 3})]), "xl/worksheets/sheet1.xml", b'<c r="O2" t="n"><v>3</v>',
                           b'<c r="O2" t="n"><f>1+2</f><v>3</v>')

    batch = confirm(staff, upload(staff, content, name="umkm.xlsx"))

    assert UMKM.objects.get(code="BJS-0001").workers == 3
    assert any("rumus" in note and "O2" in note for note in batch.notes)


def test_formulas_without_a_stored_result_are_refused_naming_the_cell(staff):
    rows = [umkm_row(1, **{"Tenaga Kerja": "=1+2"})]  # openpyxl stores the formula without a result

    batch = upload(staff, xlsx_bytes(rows), name="umkm.xlsx")

    message = refusal_of(batch)
    assert "rumus tanpa hasil" in message and "O2" in message and "Paste Values" in message


# --- refused files -------------------------------------------------------------------------


def test_an_empty_file_is_refused(staff):
    assert "Berkas kosong" in refusal_of(upload(staff, b""))


def test_a_required_column_missing_sends_the_file_to_the_mapping_step_naming_it(staff):
    headers = [h for h in UMKM_HEADERS if h != "Alamat"] + ["Warna Favorit"]

    batch = upload(staff, csv_bytes([umkm_row(1, **{"Warna Favorit": "biru"})], headers=headers))

    assert batch.status == ImportBatch.Status.MAPPING and batch.counts == {}
    assert batch.columns["problems"] == ["Kolom wajib Alamat belum dipetakan ke kolom berkas mana pun."]
    favourite = batch.columns["headers"].index("Warna Favorit")
    assert batch.columns["suggestions"][str(favourite)] == ""  # nothing like it: ignored unless chosen
    assert batch.columns["examples"][favourite] == ["biru"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(staff, settings):
    settings.IMPORT_MAX_BYTES = 1000

    response = staff.post(reverse("spreadsheets:import-upload", args=["umkm"]),
                          {"file": SimpleUploadedFile("besar.csv", b"x" * 1001)}, follow=True)

    # Back to the import page (not to a batch), with the message.
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("spreadsheets:transfers") + "?jenis=umkm", 302)]
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_more_rows_than_the_limit_are_refused(staff, settings):
    settings.IMPORT_MAX_ROWS = 3

    message = refusal_of(upload(staff, csv_bytes([umkm_row(n) for n in range(1, 5)])))

    assert "lebih dari 3 baris" in message


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_parsing(staff, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        # 50 MB of one repeated byte compresses to about 50 KB; the directory says 1 byte.
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        bomb.writestr(info, b"<" + b"a" * (50 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED)
    assert len(output.getvalue()) < 200_000

    message = refusal_of(upload(staff, output.getvalue(), name="laporan.xlsx"))

    assert "zip bomb" in message


def test_an_xml_entity_bomb_is_refused(staff):
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    content = xlsx_bytes([umkm_row(1)])
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/sharedStrings.xml", lol)

    message = refusal_of(upload(staff, output.getvalue(), name="umkm.xlsx"))

    assert "DTD/ENTITY" in message and "xl/sharedStrings.xml" in message


def test_a_damaged_xls_file_is_refused_with_what_to_do(staff):
    message = refusal_of(upload(staff, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, name="lama.xls"))

    assert "Berkas XLS rusak atau dilindungi kata sandi" in message


def test_a_file_named_like_a_workbook_that_is_none_is_refused(staff):
    message = refusal_of(upload(staff, b"bukan buku kerja sama sekali", name="rekap.xls"))

    assert "bukan buku kerja yang sah" in message and "rekap.xls" in message


def test_a_binary_file_named_csv_is_refused(staff):
    message = refusal_of(upload(staff, b"\xd0\xcf\x11\xe0" + b"\x00" * 600, name="lama.csv"))

    assert "bukan CSV atau XLSX" in message


def test_a_csv_with_a_nul_character_deep_in_the_file_is_refused_and_nothing_is_saved(staff):
    rows = [umkm_row(n) for n in range(1, 80)]
    rows[-1]["Alamat"] = "Dusun Tengah\x00RT 02"
    content = csv_bytes(rows)
    assert content.index(b"\x00") > 4096  # past the binary-file sniff

    batch = upload(staff, content)

    assert "karakter NUL" in refusal_of(batch)
    assert batch.status == ImportBatch.Status.INVALID
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()


# --- the template ----------------------------------------------------------------------------


def test_template_has_exact_headers_an_example_drop_downs_and_instructions(staff):
    book = load_workbook(io.BytesIO(template(staff)))
    assert book.sheetnames == ["Data", "Daftar", "Petunjuk"]
    data = book["Data"]
    assert [c.value for c in data[1]] == UMKM_HEADERS
    assert data["C2"].value == "Keripik Singkong Sari Rasa"
    validations = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert validations["I2:I100001"].startswith("=Daftar!")  # Kecamatan
    lists = {column[0].value: [c.value for c in column[1:] if c.value] for column in book["Daftar"].iter_cols()}
    assert lists["Kecamatan"][:2] == ["Kemangkon", "Bukateja"] and len(lists["Kecamatan"]) == 18
    assert lists["Aktif"] == ["ya", "tidak"]
    guide = [row[0].value for row in book["Petunjuk"].iter_rows()]
    assert set(UMKM_HEADERS) <= set(guide) and "Skala Usaha" in guide


def test_the_templates_example_row_is_not_imported_by_mistake(staff):
    batch = upload(staff, template(staff), name="templat.xlsx")

    assert batch.errors[0]["row"] == 2 and "baris contoh" in batch.errors[0]["message"]


@pytest.mark.parametrize("kind,column,value", [("umkm", 1, "CONTOH-2"), ("sektor", 3, 7)])
def test_the_templates_example_is_itself_valid(staff, kind, column, value):
    book = load_workbook(io.BytesIO(template(staff, kind)))
    sheet = book["Data"]
    sheet.cell(row=2, column=column, value=value)  # no longer the untouched example row
    output = io.BytesIO()
    book.save(output)

    batch = upload(staff, output.getvalue(), name="contoh.xlsx", kind=kind)

    assert batch.status == ImportBatch.Status.READY, batch.errors or batch.refusal


def test_title_rows_above_the_header_are_skipped_and_row_numbers_stay_the_files(staff):
    def title_rows(sheet):
        sheet.insert_rows(1, amount=2)
        sheet["A1"] = "DATA UMKM KECAMATAN BOJONGSARI TAHUN 2026"
        sheet.merge_cells("A1:Q1")

    rows = [umkm_row(1), umkm_row(2, **{"Modal Usaha (Rp)": "banyak"})]
    batch = upload(staff, xlsx_bytes(rows, edit=title_rows), name="umkm.xlsx")

    assert batch.counts["total"] == 2
    assert [(e["row"], e["column"]) for e in batch.errors] == [(5, "Modal Usaha (Rp)")]
