"""CSV and XLSX responses for tables, safe to open in a spreadsheet.

Every download of the portal goes through table_response(): dashboard tables, reports,
spreadsheet exports and import error lists.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from purbalingga_umkm.xlsx import xlsx_chunks

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe.

    Numbers stay numbers (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def filter_line(title: str, filters) -> str:
    """The row above a filtered table: its title and the filters that made it."""
    return _("%(title)s — filter: %(filters)s") % {"title": title, "filters": "; ".join(str(f) for f in filters)}


def _xlsx_chunks(headers: list[str], rows, title: str, text_headers, filters=()):
    """The workbook as it is written (purbalingga_umkm.xlsx); identifiers as text cells, since
    Excel turns a 16-digit NIK typed into a number cell into 3.30301E+15."""
    text_columns = [i for i, h in enumerate(headers) if h in text_headers]

    def lines():
        if filters:
            yield [safe_cell(filter_line(title, filters))]
        yield [safe_cell(str(h)) for h in headers]
        for row in rows:
            yield [safe_cell(value) for value in row]

    return xlsx_chunks(lines(), title=title, text_columns=text_columns)


def _csv_chunks(headers: list[str], rows, title: str = "", filters=()):
    """UTF-8 with BOM (so Excel reads it as UTF-8), in chunks of 1,000 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    if filters:
        writer.writerow([safe_cell(filter_line(title, filters))])
    writer.writerow([safe_cell(str(h)) for h in headers])
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def table_response(*, headers: list[str], rows, filename: str, fmt: str, title: str = "Data",
                   stream: bool = False, text_headers=(), filters=()) -> HttpResponse:
    """A download of `rows` as CSV or XLSX, every cell neutralised.

    `stream` sends the file as it is written (exports of 1,000,000 rows start at once and
    never wait for a request timeout). Columns named in `text_headers` are text cells. A table
    narrowed by `filters` (their words, e.g. "Sektor: Kerajinan") says so in a row above
    its headers and in its file name; an unfiltered one starts with its headers.
    """
    if filters:
        filename = f"{filename}-{slugify('-'.join(str(f).split(': ', 1)[-1] for f in filters))[:60]}"
    if fmt == "xlsx":
        chunks = _xlsx_chunks(headers, rows, title, set(text_headers), filters)
        response = (StreamingHttpResponse(chunks, content_type=CONTENT_TYPES["xlsx"]) if stream
                    else HttpResponse(b"".join(chunks), content_type=CONTENT_TYPES["xlsx"]))
    else:
        fmt = "csv"
        chunks = _csv_chunks(headers, rows, title, filters)
        response = (StreamingHttpResponse(chunks, content_type=CONTENT_TYPES["csv"]) if stream
                    else HttpResponse("".join(chunks), content_type=CONTENT_TYPES["csv"]))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response
