"""XLSX and CSV exports at the regency's size and a province's: time to the first byte, total
time and peak memory of the portal's writer (purbalingga_umkm.tables.table_response, streamed
as the export view sends it), against openpyxl's write-only workbook (the old path) in the
same run.

    python bench/export_bench.py [--rows 100000] [--old]

Rows are shaped like the UMKM export (16 columns: codes and NIK as text, names, money,
dates). The database read is not measured here (bench/dashboard_bench.py measures pages).
Prints a table and, last, a machine-readable RESULT line.
"""

import argparse
import io
import os
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purbalingga_umkm.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from purbalingga_umkm.tables import table_response  # noqa: E402

HEADERS = ["Kode UMKM", "NIB", "Nama Usaha", "Nama Pemilik", "NIK Pemilik", "Telepon", "Telepon Lain", "Alamat",
           "Kecamatan", "Desa/Kelurahan", "Kode Desa", "Lintang", "Bujur", "Tahun Berdiri", "Tenaga Kerja",
           "Modal Usaha (Rp)", "Omzet Tahunan (Rp)", "Aktif", "Diperbarui"]
TEXT = {"Kode UMKM", "NIB", "NIK Pemilik", "Telepon", "Telepon Lain", "Kode Desa"}


def rows(n):
    for i in range(n):
        yield [f"PBG-BJS-{i:06d}", f"91200{i:08d}", f"Sapu Glagah Makmur {i}", f"Rasem binti Karta {i}",
               f"330314410180{i % 10000:04d}", "0812-2345-6789", "", f"Dusun Kalitengah RT 0{i % 9}/RW 01",
               "Bojongsari", "Karangbanjar", "33.03.14.2008", -7.35 + i % 100 / 10000, 109.33, 2015, 3,
               25_000_000 + i, 120_000_000 + i, "ya", date(2026, 11, 1 + i % 28)]


def measure(label, make, *, memory=False):
    """Time to the first byte and in all; with `memory`, a second pass under tracemalloc
    (which slows Python down several times) for the peak."""
    start = time.perf_counter()
    first = None
    size = 0
    for chunk in make():
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    total = time.perf_counter() - start
    peak = 0
    if memory:
        tracemalloc.start()
        for _chunk in make():
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{label:<28} first byte {first * 1000:8.0f} ms   total {total:7.2f} s   "
          f"{size / 1e6:7.1f} MB   peak memory {peak / 1e6:7.1f} MB")
    return first, total, peak


def streamed(fmt, n):
    def make():
        response = table_response(headers=HEADERS, rows=rows(n), filename="bench", fmt=fmt, title="UMKM",
                                  stream=True, text_headers=TEXT)
        return response.streaming_content
    return make


def old_openpyxl(n):
    def make():
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("UMKM")
        text_columns = [i for i, h in enumerate(HEADERS) if h in TEXT]
        sheet.append(HEADERS)
        for row in rows(n):
            for index in text_columns:
                cell = WriteOnlyCell(sheet, value=row[index])
                cell.number_format = "@"
                row[index] = cell
            sheet.append(row)
        output = io.BytesIO()
        book.save(output)
        yield output.getvalue()
    return make


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--old", action="store_true", help="also time openpyxl's write-only workbook (slow)")
    args = parser.parse_args()
    print(f"{args.rows:,} rows × {len(HEADERS)} columns")
    _first, xlsx_total, xlsx_peak = measure("XLSX (streamed)", streamed("xlsx", args.rows), memory=True)
    xlsx_first = _first
    _first, csv_total, _peak = measure("CSV (streamed)", streamed("csv", args.rows))
    result = (f"RESULT rows={args.rows} xlsx_first_byte_ms={xlsx_first * 1000:.0f} xlsx_s={xlsx_total:.2f} "
              f"xlsx_peak_mb={xlsx_peak / 1e6:.1f} csv_s={csv_total:.2f}")
    if args.old:
        _first, old_total, old_peak = measure("XLSX (openpyxl write-only)", old_openpyxl(args.rows))
        result += f" openpyxl_s={old_total:.2f} openpyxl_peak_mb={old_peak / 1e6:.1f} speedup={old_total / xlsx_total:.1f}"
    print(result.replace(" openpyxl_peak_mb=0.0", ""))


if __name__ == "__main__":
    main()
