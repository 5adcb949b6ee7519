"""QR codes of catalogue pages: as SVG for a page, and as an A4 sheet of stickers (PDF) for a
market stand. Each code holds the page's short, stable address."""

import segno
from fpdf import FPDF

COLUMNS, ROWS = 3, 4  # 12 stickers of 70 × 74 mm on A4
STICKER_W, STICKER_H = 70.0, 74.25
QR_SIZE = 44.0


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline SVG element (dark modules on white, scalable)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", border=2,
                                                  svgclass="qr-code", lineclass=None, omitsize=True)


def _latin1(text: str) -> str:
    """The PDF's built-in font knows Latin-1 only: other characters become '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    matrix = segno.make(url, error="m").matrix
    module = size / len(matrix)
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, 0]):  # runs of dark modules as one rectangle
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row_index * module, (col_index - start) * module, module, style="F")
                start = None


def sticker_sheet(title: str, items: list[tuple[str, str]]) -> bytes:
    """An A4 PDF of 12 stickers, each a product's name, its QR code and its address; the
    products repeat to fill the sheet. `items` are (product name, short address)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(_latin1(title))
    pdf.add_page()
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(200, 200, 200)
    for index in range(COLUMNS * ROWS):
        if not items:
            break
        name, url = items[index % len(items)]
        x, y = (index % COLUMNS) * STICKER_W, (index // COLUMNS) * STICKER_H
        pdf.rect(x + 1, y + 1, STICKER_W - 2, STICKER_H - 2)  # a light cutting line
        pdf.set_xy(x + 4, y + 4)
        pdf.set_font("helvetica", style="B", size=10)
        pdf.multi_cell(STICKER_W - 8, 4.5, _latin1(name), align="C", max_line_height=4.5)
        _draw_qr(pdf, url, x + (STICKER_W - QR_SIZE) / 2, y + 15, QR_SIZE)
        pdf.set_xy(x + 4, y + 15 + QR_SIZE + 2)
        pdf.set_font("helvetica", size=7)
        pdf.multi_cell(STICKER_W - 8, 3.2, _latin1(f"{title}\n{url}"), align="C")
    return bytes(pdf.output())
