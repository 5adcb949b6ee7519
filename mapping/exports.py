"""CSV and XLSX responses for tables, safe to open in a spreadsheet."""

import tablib
from django.http import HttpResponse
from django.utils import timezone

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


def table_response(*, headers: list[str], rows, filename: str, fmt: str, title: str = "Data") -> HttpResponse:
    """A download of `rows` as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    dataset = tablib.Dataset(headers=[safe_cell(h) for h in headers], title=title[:31])
    for row in rows:
        dataset.append([safe_cell(cell) for cell in row])
    if fmt == "xlsx":
        body = dataset.export("xlsx")
    else:
        fmt = "csv"
        body = "\ufeff" + dataset.export("csv")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response
