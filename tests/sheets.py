"""Spreadsheet files for import tests, built the way offices produce them."""

import csv
import io

from openpyxl import Workbook

UMKM_HEADERS = [
    "Kode UMKM", "NIB", "Nama Usaha", "Nama Pemilik", "NIK Pemilik", "Telepon", "Telepon Lain", "Alamat", "Kecamatan",
    "Desa/Kelurahan", "Kode Desa", "Lintang", "Bujur", "Tahun Berdiri", "Tenaga Kerja", "Modal Usaha (Rp)",
    "Omzet Tahunan (Rp)", "Aktif",
]


def umkm_row(n: int, **overrides) -> dict:
    """A valid UMKM row in Karangbanjar, Kecamatan Bojongsari (pendamping A's kecamatan)."""
    row = {
        "Kode UMKM": f"BJS-{n:04d}", "NIB": "", "Nama Usaha": f"Keripik Uji {n}", "Nama Pemilik": "Siti Aminah",
        "NIK Pemilik": "", "Telepon": "0812-2345-6789", "Telepon Lain": "", "Alamat": f"Dusun Kalitengah RT {n % 9 + 1:02d}",
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


# --- Office recaps: the layouts kecamatan and desa offices send -----------------------------

RECAP_HEADERS = ["NO", "NAMA PEMILIK", "NIK", "NAMA USAHA", "ALAMAT", "RT/RW", "DESA/KELURAHAN", "KECAMATAN",
                 "JENIS USAHA", "NO HP", "OMZET PER BULAN", "JML TENAGA KERJA"]

# Three businesses of Karangbanjar (Bojongsari) as an office types them: dashes, dotted
# thousands, "Rp", a phone with +62, a NIK with an apostrophe.
RECAP_ROWS = [
    [1, "Sutinah", "'3303014101800001", "Rambut Sambung Sutinah", "Dusun II", "03/02", "Karangbanjar", "Bojongsari",
     "Rambut palsu", "0812 2345 6789", "Rp 2.500.000", 4],
    [2, "Bu Darsini", "-", "Bulu Mata Darsini", "Dusun I", "001/001", "Karangbanjar", "Bojongsari", "Bulu mata",
     "+62 857-1111-2222 / (0281) 891234", "1,5 jt", "2"],
    [3, "Karyono", "", "Kerajinan Bambu Karyono", "Dusun III", "-", "Karangbanjar", "Bojongsari", "Kerajinan", "-",
     "750.000", "-"],
]
RECAP_TOTAL = ["JUMLAH", "", "", "", "", "", "", "", "", "", "Rp 4.750.000", 6]
SIGNATURE = [["", "", "", "", "", "", "", "", "", "Purbalingga, 12 Januari 2026"],
             ["", "", "", "", "", "", "", "", "", "Mengetahui,"],
             ["", "", "", "", "", "", "", "", "", "Kepala Desa Karangbanjar"],
             [],
             ["", "", "", "", "", "", "", "", "", "SUPRIYANTO"],
             ["", "", "", "", "", "", "", "", "", "NIP. 19700101 199003 1 001"]]


def recap_lines(*, hidden_row=None) -> list[list]:
    """The recap as rows from the top of the sheet: two title lines, a blank, the header, the
    column numbers, the data (with `hidden_row` data inserted where a filter hid it), the
    total, a blank and the signature block."""
    lines = [["REKAP DATA UMKM KECAMATAN BOJONGSARI"], ["DESA KARANGBANJAR TAHUN 2026"], [], RECAP_HEADERS,
             list(range(1, len(RECAP_HEADERS) + 1))]
    lines += RECAP_ROWS[:2]
    if hidden_row is not None:
        lines.append(hidden_row)
    lines += RECAP_ROWS[2:]
    lines += [RECAP_TOTAL, [], *SIGNATURE]
    return lines


def recap_xlsx(*, hidden_row=None, hidden_sheet_first=True) -> bytes:
    book = Workbook()
    data = book.active
    data.title = "Rekap"
    for line in recap_lines(hidden_row=hidden_row):
        data.append([None if v == "" else v for v in line])
    data.merge_cells("A1:L1")
    data.merge_cells("A2:L2")
    if hidden_row is not None:
        data.row_dimensions[8].hidden = True  # title 2 + blank + header + numbers + 2 rows → row 8
    if hidden_sheet_first:
        old = book.create_sheet("Data lama", 0)
        old.append(RECAP_HEADERS)
        old.append([9, "Orang Lain", "", "Usaha Lama", "Dusun IX", "", "Karangbanjar", "Bojongsari", "", "", "1", 1])
        old.sheet_state = "hidden"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def recap_xls() -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Rekap")
    for r, line in enumerate(recap_lines()):
        for c, value in enumerate(line):
            if value != "":
                sheet.write(r, c, value)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def recap_ods(*, hidden_row=None) -> bytes:
    """An OpenDocument spreadsheet written by hand (as LibreOffice Calc saves one), with
    `hidden_row` filtered out by an autofilter (table:visibility="filter") and the empty
    tail of repeated rows LibreOffice writes."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value):
        if value == "" or value is None:
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    def row(line):
        hidden = ' table:visibility="filter"' if line is hidden_row else ""
        return f"<table:table-row{hidden}>{''.join(cell(v) for v in line) or '<table:table-cell/>'}</table:table-row>"

    rows = "".join(row(line) for line in recap_lines(hidden_row=hidden_row))
    rows += '<table:table-row table:number-rows-repeated="1048500"><table:table-cell/></table:table-row>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Rekap">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return output.getvalue()
