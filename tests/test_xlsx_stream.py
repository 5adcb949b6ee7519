"""Exports are XLSX written as a stream: the first bytes leave before the rows are read, and
the workbook reads back in openpyxl and calamine (the portal's own importer) with every value
and type as it was."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from purbalingga_umkm.tables import table_response
from purbalingga_umkm.xlsx import column_letters, xlsx_chunks

ROWS = [
    ["Sapu Glagah <Bu> Rasem & Anak", 3303144101800001, Decimal("0.75"), 25_000_000, 1.5, True,
     date(2026, 3, 15), datetime(2026, 3, 15, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta")), None, "baris\x0bdua"],
]


def test_values_and_types_read_back_in_openpyxl_and_calamine():
    content = b"".join(xlsx_chunks([["Nama", "NIK", "Lahan", "Omzet", "Skor", "Aktif", "Tanggal", "Waktu", "Kosong",
                                     "Catatan"], *ROWS], title="UMKM: ekspor/uji", text_columns=[1]))

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "UMKM  ekspor uji"
    values = [cell.value for cell in sheet[2]]
    assert values[:6] == ["Sapu Glagah <Bu> Rasem & Anak", "3303144101800001", 0.75, 25_000_000, 1.5, True]
    assert values[6] == datetime(2026, 3, 15) and values[7] == datetime(2026, 3, 15, 9, 30)
    assert values[8] is None and values[9] == "barisdua"  # a character XML cannot hold is dropped
    assert sheet["B2"].number_format == "@"

    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert calamine[1][0] == "Sapu Glagah <Bu> Rasem & Anak" and calamine[1][1] == "3303144101800001"
    assert calamine[1][3] == 25_000_000


def test_the_first_bytes_leave_before_the_rows_are_read():
    read = []

    def rows():
        for n in range(10_000):
            read.append(n)
            yield [f"Usaha {n}", n]

    chunks = xlsx_chunks(rows(), rows_per_chunk=1000)
    first = next(chunks)
    assert first.startswith(b"PK") and read == []
    second = next(chunks)
    assert len(read) <= 1001  # one chunk of rows at a time, never the whole table
    sheet = load_workbook(io.BytesIO(first + second + b"".join(chunks))).active
    assert sheet.max_row == 10_000 and sheet["A10000"].value == "Usaha 9999"


def test_a_streamed_export_is_a_whole_workbook():
    response = table_response(headers=["Kode", "NIK"], rows=([f"K{n}", f"33031441018{n:05d}"] for n in range(3000)),
                              filename="uji", fmt="xlsx", title="Uji", stream=True, text_headers=["NIK"],
                              filters=["Sektor: Kerajinan"])
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Uji — filter: Sektor: Kerajinan" and rows[1] == ("Kode", "NIK")
    assert rows[-1] == ("K2999", "3303144101802999") and len(rows) == 3002


def test_column_letters_run_past_z():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_values_excel_cannot_hold_as_numbers_or_whole_are_written_so_the_file_opens():
    content = b"".join(xlsx_chunks([[Decimal("NaN"), float("inf"), "x" * 40_000, 7]]))
    row = [cell.value for cell in load_workbook(io.BytesIO(content)).active[1]]
    assert row[0] == "NaN" and row[1] == "inf" and len(row[2]) == 32_767 and row[3] == 7
