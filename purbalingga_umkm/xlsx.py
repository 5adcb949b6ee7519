"""An XLSX workbook written as a stream: the ZIP and its one sheet are produced row by row,
so a download of 1,000,000 rows starts at once, never waits for a request timeout and
holds only a few thousand rows in memory.

One sheet, inline strings (no shared-string table to keep in memory), four cell styles:
general, text ("@", for identifiers such as NIK that Excel would turn into 3.30301E+15),
date and date-time. Excel, LibreOffice, openpyxl and calamine read it.
"""

import math
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone

ROWS_PER_CHUNK = 2000
MAX_CELL_TEXT = 32_767  # the most a cell of Excel holds; a longer one makes it "repair" the file
# Characters XML 1.0 does not allow (a spreadsheet cell would be unreadable with them).
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_EPOCH = datetime(1899, 12, 30)
STYLE_TEXT, STYLE_DATE, STYLE_DATETIME = 1, 2, 3

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
ROOT_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _workbook_xml(title: str) -> str:
    # A sheet name: at most 31 characters, none of []:*?/\ (Excel refuses the file otherwise).
    name = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL_XML.sub("", str(title))).strip()[:31] or "Data"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value) -> float:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        delta = value - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400
    return (datetime.combine(value, time()) - EXCEL_EPOCH).days


def _cell(ref: str, value, text: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if not text and isinstance(value, (int, float, Decimal)) and math.isfinite(value):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if not text and isinstance(value, datetime):
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{_serial(value)}</v></c>'
    if not text and isinstance(value, date):
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{_serial(value)}</v></c>'
    style = f' s="{STYLE_TEXT}"' if text else ""
    body = escape(ILLEGAL_XML.sub("", str(value))[:MAX_CELL_TEXT])
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'


class _Sink:
    """Where the ZIP is written: bytes collected until the stream takes them."""

    def __init__(self):
        self.parts = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def xlsx_chunks(rows, *, title: str = "Data", text_columns=(), rows_per_chunk: int = ROWS_PER_CHUNK):
    """The bytes of an XLSX workbook of `rows` (each a list of values), in chunks as it is
    written. Columns whose index is in `text_columns` are text cells."""
    text_columns = set(text_columns)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        book.writestr("_rels/.rels", ROOT_RELS_XML)
        book.writestr("xl/workbook.xml", _workbook_xml(title))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS_XML)
        book.writestr("xl/styles.xml", STYLES_XML)
        yield sink.take()
        letters = []
        # ZIP64: a sheet of millions of rows may pass 4 GiB before compression.
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            lines = []
            for number, row in enumerate(rows, start=1):
                while len(letters) < len(row):
                    letters.append(column_letters(len(letters)))
                cells = "".join(_cell(f"{letters[i]}{number}", value, i in text_columns) for i, value in enumerate(row))
                lines.append(f'<row r="{number}">{cells}</row>')
                if len(lines) >= rows_per_chunk:
                    sheet.write("".join(lines).encode())
                    lines.clear()
                    yield sink.take()
            sheet.write(("".join(lines) + SHEET_TAIL).encode())
    yield sink.take()
