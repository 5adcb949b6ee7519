"""Spreadsheet files for import tests, built the way offices produce them."""

import csv
import io

from openpyxl import Workbook

UMKM_HEADERS = [
    "Kode UMKM", "NIB", "Nama Usaha", "Nama Pemilik", "NIK Pemilik", "Telepon", "Alamat", "Kecamatan",
    "Desa/Kelurahan", "Kode Desa", "Lintang", "Bujur", "Tahun Berdiri", "Tenaga Kerja", "Modal Usaha (Rp)",
    "Omzet Tahunan (Rp)", "Aktif",
]


def umkm_row(n: int, **overrides) -> dict:
    """A valid UMKM row in Karangbanjar, Kecamatan Bojongsari (pendamping A's kecamatan)."""
    row = {
        "Kode UMKM": f"BJS-{n:04d}", "NIB": "", "Nama Usaha": f"Keripik Uji {n}", "Nama Pemilik": "Siti Aminah",
        "NIK Pemilik": "", "Telepon": "0812-2345-6789", "Alamat": f"Dusun Kalitengah RT {n % 9 + 1:02d}",
        "Kecamatan": "Bojongsari", "Desa/Kelurahan": "Karangbanjar", "Kode Desa": "", "Lintang": "",
        "Bujur": "", "Tahun Berdiri": "2015", "Tenaga Kerja": "3", "Modal Usaha (Rp)": "25000000",
        "Omzet Tahunan (Rp)": "120000000", "Aktif": "ya",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, headers=None, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    headers = headers or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers=None, before_sheets=(), edit=None) -> bytes:
    """An XLSX with `rows` under a header row; `edit(sheet)` changes it further."""
    book = Workbook()
    first = book.active
    for title in before_sheets:
        extra = book.create_sheet(title, 0)
        extra["A1"] = "Lembar lain, bukan data"
    headers = headers or list(rows[0])
    first.title = "Data"
    first.append(headers)
    for row in rows:
        first.append([row.get(h, "") for h in headers])
    if edit:
        edit(first)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
