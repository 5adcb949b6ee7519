"""Reading an uploaded CSV or XLSX into a header and rows of text, or refusing it.

Everything that can be wrong with the *file* (rather than with a row) is decided here
and raised as FileRefused with a message for the user: empty, too big, not a
spreadsheet, a ZIP/XML bomb, no recognisable header row. Rows come out as lists of
cell values with their row number in the file, so every later error can name it.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import python_calamine
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10
XML_PART = re.compile(r"\.(xml|rels)$")
DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
FORMULA_TAG = re.compile(rb"<f[ >/]")
CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
CACHED_VALUE = re.compile(rb"<v>[^<]+</v>")
SHEET_PATH = re.compile(r"^xl/worksheets/sheet\d+\.xml$")


class FileRefused(Exception):
    """The whole file is refused; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    header_row: int  # 1-based row number of the header in the file
    rows: "object"  # iterator of (row_number, [cells]); cells are str, float, bool or date
    sheet: str = ""
    notes: list[str] = field(default_factory=list)  # grows while the rows are read (skipped rows)
    sheets: list[str] = field(default_factory=list)  # every visible sheet with a header row
    hidden_rows: list[int] = field(default_factory=list)  # hidden or filtered-out rows of the sheet read


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".replace(".", ",")


def table_read(data: bytes, filename: str, *, known_headers: set[str], options: dict | None = None) -> Table:
    """The data table of an uploaded file; `known_headers` (normalised) find the header row."""
    if not data or not data.strip():
        raise FileRefused(_("Berkas kosong: tidak ada baris untuk diimpor."))
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileRefused(
            _("Berkas terlalu besar (%(size)s MB); maksimal %(limit)s MB. Pecah menjadi beberapa berkas.")
            % {"size": megabytes(len(data)), "limit": megabytes(limit)}
        )
    options = options or {}
    name = filename.lower()
    if data.startswith(XLSX_MAGIC):
        return _workbook_read(data, known_headers, options, kind="ods" if _is_ods(data) else "xlsx")
    if data.startswith(OLE2_MAGIC):
        return _workbook_read(data, known_headers, options, kind="xls")
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise FileRefused(
            _("Berkas %(name)s bukan buku kerja yang sah (XLSX, XLS atau ODS): mungkin rusak atau hanya berganti "
              "nama. Buka di Excel/LibreOffice dan simpan ulang sebagai .xlsx atau CSV.") % {"name": filename}
        )
    return _csv_read(data, known_headers)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _is_ods(data: bytes) -> bool:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "mimetype" in archive.namelist() and archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


# --- Sheets as offices make them --------------------------------------------------------------
#
# Below the header: a row of column numbers (1 2 3 …), total rows (JUMLAH, TOTAL) and the
# signature block (Mengetahui, Kepala Desa …, NIP, "Purbalingga, 12 Januari 2026") are not
# data. They are skipped, each with a note, so the rest of the file reads as it is.

TOTAL_WORDS = re.compile(r"^(?:jumlah|jml|total|sub ?total|grand ?total)(?: (?:total|seluruhnya|keseluruhan|akhir|"
                         r"umkm|usaha))?\s*:?$", re.IGNORECASE)
SIGNATURE_WORDS = re.compile(
    r"^(?:mengetahui|menyetujui|kepala (?:desa|dinas|seksi|bidang)|kades|camat\b|lurah\b|sekretaris|nip[\s.:]|nip$|"
    r"ttd|tanda tangan|dibuat oleh|disusun oleh|petugas|a\.?n\.? |[a-z]+, \d{1,2} [a-z]+ \d{4}$)", re.IGNORECASE)


def _texts(cells) -> list[str]:
    return [str(c).strip() for c in cells if c is not None and str(c).strip() != ""]


def _is_number_row(cells) -> bool:
    """1, 2, 3 … in order (as numbers or text): the column-number row under a header."""
    values = _texts(cells)
    if len(values) < 3:
        return False
    try:
        numbers = [int(float(v)) for v in values]
    except ValueError:
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] in (0, 1)


def office_rows(rows, notes: list, *, hidden=frozenset()):
    """The data rows of a sheet: skips the column-number row, total rows, hidden rows
    (unless none are given) and everything from the signature block on, with notes."""
    totals, skipped_hidden = [], []
    first = True
    rows = iter(rows)
    for number, cells in rows:
        if number in hidden:
            skipped_hidden.append(number)
            continue
        values = _texts(cells)
        if not values:
            yield number, cells
            continue
        if first and _is_number_row(cells):
            notes.append(_("Baris %(n)s berisi nomor kolom (1, 2, 3 …) dan dilewati.") % {"n": number})
            first = False
            continue
        first = False
        if any(TOTAL_WORDS.match(v) for v in values[:2]):
            totals.append(number)
            continue
        if len(values) <= 3 and any(SIGNATURE_WORDS.match(v) for v in values):
            rest = sum(1 for _n, later in rows if _texts(later))
            notes.append(_("Blok tanda tangan mulai baris %(n)s dilewati (%(rest)s baris berisi di bawahnya tidak "
                           "dibaca).") % {"n": number, "rest": rest})
            break
        yield number, cells
    if totals:
        notes.append(_("Baris jumlah/total dilewati: baris %(rows)s.") % {"rows": ", ".join(map(str, totals[:10]))})
    if skipped_hidden:
        notes.append(_("%(n)s baris tersembunyi atau tersaring tidak dihitung (baris %(rows)s). Pilih \u201cikutkan "
                       "baris tersembunyi\u201d bila baris itu juga data.") % {
            "n": len(skipped_hidden), "rows": ", ".join(map(str, skipped_hidden[:10]))})


def header_key(text) -> str:
    """Headers compare without case, spacing, punctuation or a trailing note in brackets."""
    text = re.sub(r"\(.*?\)|\*", " ", str(text or "")).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _find_header(rows, known_headers: set[str]):
    """(index, header cells) of the first of the leading rows that names two known columns."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(header_key(c) in known_headers for c in cells) >= min(2, len(known_headers)):
            return index, cells
    return None, None


def _headers_not_found(known_headers) -> FileRefused:
    return FileRefused(
        _("Baris judul kolom tidak ditemukan di %(n)s baris pertama. Pakai templat unduhan dan jangan "
          "ubah judul kolomnya.") % {"n": HEADER_SEARCH_ROWS}
    )


# --- CSV -------------------------------------------------------------------------------------


def _decodes_as(data, encoding: str) -> bool:
    """Whether all of `data` decodes, checked in 1 MB pieces (no full copy as text)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        if not _decodes_as(data, "utf-8"):
            raise FileRefused(_("Berkas CSV bertanda UTF-8 tetapi isinya bukan UTF-8: simpan ulang sebagai 'CSV UTF-8'."))
        return "utf-8-sig", "UTF-8 (BOM)"
    if data.isascii() or _decodes_as(data, "utf-8"):
        return "utf-8", "UTF-8"
    if _decodes_as(data, "cp1252"):
        return "cp1252", "Windows-1252"
    return "latin-1", "Latin-1"


def _csv_read(data: bytes, known_headers: set[str]) -> Table:
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Berkas ini bukan CSV atau XLSX (berisi data biner)."))
    if b"\x00" in data:
        raise FileRefused(_("Berkas CSV berisi karakter NUL (kode 0), yang tidak dapat disimpan. Buka berkas di "
                            "spreadsheet, simpan ulang sebagai 'CSV UTF-8', lalu unggah lagi."))
    encoding, encoding_label = _csv_encoding(data)
    # Decoded as it is read: the text of a 20 MB file is never held whole.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_lines = data[:8192].decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace").splitlines()
    delimiter = max(";,\t", key=lambda d: sum(line.count(d) for line in first_lines[:HEADER_SEARCH_ROWS]))
    reader = csv.reader(stream, delimiter=delimiter)
    head = []
    for cells in reader:
        head.append(cells)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    index, headers = _find_header(head, known_headers)
    if index is None:
        raise _headers_not_found(known_headers)

    def rows():
        for number, cells in enumerate(head[index + 1:], start=index + 2):
            yield number, cells
        for number, cells in enumerate(reader, start=len(head) + 1):
            yield number, cells

    label = {";": _("titik koma"), ",": _("koma"), "\t": _("tab")}[delimiter]
    notes = [_("CSV %(encoding)s, pemisah %(delimiter)s.") % {"encoding": encoding_label, "delimiter": label}]
    return Table(headers=headers, header_row=index + 1, rows=office_rows(rows(), notes), notes=notes)


# --- XLSX ------------------------------------------------------------------------------------


HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _zip_check(data: bytes, *, ods: bool = False):
    """Refuse a ZIP/XML bomb before any parser sees the workbook; return (formula cells,
    hidden row numbers) per sheet of an XLSX.

    Sizes in the ZIP directory can lie, so every part is actually unpacked (in chunks,
    stopping at the limit) and its XML checked for DTDs, which no spreadsheet needs and
    which entity-expansion bombs rely on.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(_("Berkas XLSX rusak atau bukan XLSX (tidak dapat dibuka sebagai ZIP)."))
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    bomb = FileRefused(
        _("Berkas ditolak: isi XLSX setelah dibuka lebih dari %(limit)s MB (kemungkinan 'zip bomb'). "
          "Simpan ulang berkas dari Excel atau pecah menjadi beberapa berkas.") % {"limit": megabytes(limit)}
    )
    if len(entries) > 10_000 or sum(e.file_size for e in entries) > limit:
        raise bomb
    names = {e.filename for e in entries}
    if not ods and "xl/workbook.xml" not in names:
        raise FileRefused(_("Berkas ZIP ini bukan buku kerja Excel (xl/workbook.xml tidak ada)."))
    unpacked = 0
    with_formulas = []
    hidden_rows: dict[str, set] = {}
    try:
        for entry in entries:
            if not XML_PART.search(entry.filename):
                continue
            with archive.open(entry) as stream:
                first = True
                tail = b""
                while chunk := stream.read(1 << 20):
                    unpacked += len(chunk)
                    if unpacked > limit:
                        raise bomb
                    if first and DTD.search(chunk[:4096]):
                        raise FileRefused(
                            _("Berkas ditolak: bagian %(part)s berisi deklarasi DTD/ENTITY yang tidak pernah "
                              "dibuat Excel (pola serangan 'XML bomb').") % {"part": entry.filename}
                        )
                    first = False
                    if SHEET_PATH.match(entry.filename):
                        window = tail + chunk
                        if entry.filename not in with_formulas and FORMULA_TAG.search(window):
                            with_formulas.append(entry.filename)
                        for row in HIDDEN_ROW.finditer(window):
                            found = ROW_NUMBER.search(row.group(0))
                            if found:
                                hidden_rows.setdefault(entry.filename, set()).add(int(found.group(1)))
                    tail = chunk[-400:]
        if ods:
            return [], _ods_hidden_rows(archive)
        # The small structural parts go through defusedxml as well.
        sheet_paths = _sheet_paths(archive)
    except zipfile.BadZipFile:
        raise FileRefused(_("Berkas XLSX rusak: isi ZIP tidak utuh (periksa CRC gagal)."))
    except SafeET.ParseError:
        raise FileRefused(_("Berkas XLSX rusak: xl/workbook.xml bukan XML yang sah."))
    except Exception as error:  # defusedxml's DTD/entity refusals
        if type(error).__module__.startswith("defusedxml"):
            raise FileRefused(_("Berkas ditolak: XML berisi DTD/ENTITY (pola serangan 'XML bomb')."))
        raise
    formulas = [_formula_cells(archive.read(path)) if path in with_formulas else None for path in sheet_paths]
    return formulas, [hidden_rows.get(path, set()) for path in sheet_paths]


RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_paths(archive) -> list[str]:
    """Part names of the sheets in workbook order (sheet files keep their first numbering)."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    try:
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        rels = None
    targets = {}
    for rel in (rels if rels is not None else []):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return [targets.get(sheet.get(DOC_REL), "") for sheet in workbook.iter(f"{MAIN_NS}sheet")]


def _formula_cells(xml: bytes) -> dict[str, list[str]]:
    """Cells holding a formula, and those whose last result is missing or an error."""
    found = {"cells": [], "unusable": []}
    for match in CELL.finditer(xml):
        body = match.group(3) or b""
        if b"<f" not in body:
            continue
        cell = match.group(1).decode()
        found["cells"].append(cell)
        if not CACHED_VALUE.search(body) or b't="e"' in match.group(2):
            found["unusable"].append(cell)
    return found


def _cell(value):
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date()
    return value


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# A run of this many repeated rows is the sheet's empty tail (LibreOffice writes one to the
# last row of the sheet): never data, so never counted as hidden rows.
ODS_EMPTY_TAIL = 10_000


def _ods_hidden_rows(archive) -> list[set]:
    """Row numbers hidden by hand (visibility "collapse") or by a filter ("filter"), per
    sheet of an ODS, in the sheets' order; read streaming, after the bomb checks above."""
    sheets: list[set] = []
    number = 0
    with archive.open("content.xml") as stream:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            if event == "start" and element.tag == f"{ODS_TABLE}table":
                sheets.append(set())
                number = 0
            elif event == "start" and element.tag == f"{ODS_TABLE}table-row" and sheets:
                repeated = int(element.get(f"{ODS_TABLE}number-rows-repeated", "1") or 1)
                if element.get(f"{ODS_TABLE}visibility", "visible") != "visible" and repeated < ODS_EMPTY_TAIL:
                    sheets[-1].update(range(number + 1, number + repeated + 1))
                number += repeated
            elif event == "end" and element.tag in (f"{ODS_TABLE}table-row", f"{ODS_TABLE}table"):
                element.clear()
    return sheets


def _workbook_read(data: bytes, known_headers: set[str], options: dict, *, kind: str) -> Table:
    """XLSX, ODS or XLS: the visible sheet with a header row (the one the user chose when
    several have one), its hidden rows (XLSX, ODS) left out unless the user includes them."""
    if kind == "xlsx":
        formulas, hidden_by_sheet = _zip_check(data)
    elif kind == "ods":
        formulas, hidden_by_sheet = _zip_check(data, ods=True)
    else:
        formulas, hidden_by_sheet = [], []
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:
        raise FileRefused(_("Berkas %(kind)s rusak atau dilindungi kata sandi: tidak dapat dibaca.") % {
            "kind": kind.upper()})
    candidates, hidden_sheets = [], []
    visibility = {m.name: m.visible for m in workbook.sheets_metadata}
    for index, name in enumerate(workbook.sheet_names):
        if visibility.get(name) not in (None, python_calamine.SheetVisibleEnum.Visible):
            hidden_sheets.append(name)
            continue
        sheet = workbook.get_sheet_by_index(index)
        head = []
        for cells in sheet.iter_rows():
            head.append(cells)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        header_index, headers = _find_header(head, known_headers)
        if header_index is not None:
            candidates.append((index, name, sheet, header_index, headers))
    if not candidates:
        raise _headers_not_found(known_headers)
    chosen = next((c for c in candidates if c[1] == options.get("sheet")), candidates[0])
    index, name, sheet, header_index, headers = chosen
    notes = []
    if len(workbook.sheet_names) > 1:
        notes.append(_("Lembar '%(sheet)s' dibaca; lembar lain diabaikan.") % {"sheet": name})
    if hidden_sheets:
        notes.append(_("Lembar tersembunyi tidak dibaca: %(sheets)s.") % {"sheets": ", ".join(hidden_sheets)})
    others = [c[1] for c in candidates if c[1] != name]
    if others:
        notes.append(_("Lembar lain yang juga tampak berisi data: %(sheets)s. Pilih lembarnya di bawah bila bukan "
                       "'%(sheet)s' yang dimaksud.") % {"sheets": ", ".join(others), "sheet": name})
    sheet_formulas = formulas[index] if index < len(formulas) else None
    if sheet_formulas and sheet_formulas["unusable"]:
        raise FileRefused(
            _("Berkas ditolak: %(n)s sel berisi rumus tanpa hasil hitungan yang tersimpan atau dengan hasil galat "
              "(mis. sel %(cells)s). Buka berkas di Excel/LibreOffice, pastikan rumusnya benar, lalu salin dan "
              "tempel sebagai nilai (Paste Values) sebelum mengunggah.")
            % {"n": len(sheet_formulas["unusable"]), "cells": ", ".join(sheet_formulas["unusable"][:3])}
        )
    if sheet_formulas and sheet_formulas["cells"]:
        notes.append(
            _("Lembar berisi %(n)s sel rumus (mis. sel %(cells)s): yang dipakai adalah hasil hitungan terakhir "
              "yang tersimpan di berkas, bukan rumusnya.") % {"n": len(sheet_formulas["cells"]),
                                                           "cells": ", ".join(sheet_formulas["cells"][:3])}
        )
    merged = _merged_fill(sheet, header_index)
    if merged:
        notes.append(_("Sel gabungan (merge) diisi dengan nilai sel kiri-atasnya."))
    hidden = sorted(hidden_by_sheet[index]) if index < len(hidden_by_sheet) else []
    if kind == "xls":
        notes.append(_("Berkas Excel 97–2003 (.xls): baris yang disembunyikan atau tersaring tidak dapat dikenali dan "
                       "ikut dibaca. Bila ada, buka berkasnya dan simpan sebagai .xlsx lalu unggah lagi."))
    skip = frozenset(hidden) if options.get("hidden_rows") != "include" else frozenset()
    if hidden and not skip:
        notes.append(_("%(n)s baris tersembunyi atau tersaring ikut dihitung, sesuai pilihan.") % {"n": len(hidden)})

    def rows():
        start = sheet.start[0] if sheet.start else 0
        for offset, cells in enumerate(sheet.iter_rows()):
            if offset <= header_index:
                continue
            number = start + offset + 1
            for column, value in merged.get(number, ()):
                if column < len(cells):
                    cells[column] = value
            yield number, cells

    return Table(
        headers=[str(h) for h in headers], header_row=header_index + 1, rows=office_rows(rows(), notes, hidden=skip),
        sheet=name, notes=notes, sheets=[c[1] for c in candidates], hidden_rows=hidden,
    )


def _merged_fill(sheet, header_index: int) -> dict[int, list[tuple[int, object]]]:
    """Cells covered by a merged range below the header, with the value of its top-left cell.

    Offices often merge a kecamatan or desa cell over the rows it applies to.
    """
    ranges = sheet.merged_cell_ranges or []
    if not ranges:
        return {}
    grid = sheet.to_python(skip_empty_area=False) if len(ranges) else []
    start_row, start_col = sheet.start or (0, 0)
    fill: dict[int, list[tuple[int, object]]] = {}
    for (top, left), (bottom, right) in ranges:
        if bottom <= header_index + start_row:
            continue
        try:
            value = grid[top - start_row][left - start_col]
        except IndexError:
            continue
        for row in range(max(top, header_index + start_row + 1), bottom + 1):
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    fill.setdefault(row + 1, []).append((col - start_col, _cell(value)))
    return fill
