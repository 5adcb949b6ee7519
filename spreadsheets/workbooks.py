"""The XLSX templates the portal hands out for imports (exports: purbalingga_umkm/tables.py)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from purbalingga_umkm.tables import safe_cell

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _lists_for(spec) -> dict[str, list[str]]:
    """Choices offered as a drop-down per header (kept on a 'Daftar' sheet)."""
    return {c.header: c.choice_list() for c in spec.columns if c.choices}


def template_workbook(spec) -> bytes:
    """Data sheet (exact headers, one example row, drop-downs) and a Petunjuk sheet."""
    book = Workbook()
    data = book.active
    data.title = "Data"
    headers = [c.header for c in spec.columns]
    data.append(headers)
    data.append([c.example for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(14, len(column.header) + 4)
        head = data.cell(row=1, column=index)
        head.font = Font(bold=True, color="C00000" if column.required else "000000")
        head.fill = HEADER_FILL
        if column.text:
            for row in range(2, 2002):
                data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"

    lists = _lists_for(spec)
    if lists:
        choices = book.create_sheet("Daftar")
        for col, (header, values) in enumerate(lists.items(), start=1):
            choices.cell(row=1, column=col, value=header).font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                choices.cell(row=row, column=col, value=value)
            letter = get_column_letter(col)
            target = get_column_letter(headers.index(header) + 1)
            rule = DataValidation(type="list", formula1=f"=Daftar!${letter}$2:${letter}${len(values) + 1}",
                                  allow_blank=True, showErrorMessage=True,
                                  error=_("Pilih dari daftar."), errorTitle=header)
            data.add_data_validation(rule)
            rule.add(f"{target}2:{target}100001")

    guide = book.create_sheet("Petunjuk")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    guide.column_dimensions["D"].width = 28
    guide.append([_("Templat impor %(kind)s — Peta UMKM Purbalingga") % {"kind": spec.label}])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([str(spec.key_help)])
    guide.append([_("Isi lembar Data mulai baris 2 dan hapus baris contoh. Judul kolom jangan diubah; kolom merah "
                    "wajib diisi. Simpan sebagai .xlsx atau CSV (UTF-8). Setiap unggahan diperiksa dulu (tanpa "
                    "menyimpan apa pun) dan hanya diimpor bila seluruh baris benar.")])
    guide.append([])
    guide.append([_("Kolom"), _("Wajib"), _("Keterangan"), _("Contoh")])
    for cell in guide[5]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in spec.columns:
        guide.append([column.header, _("ya") if column.required else "", str(column.help), safe_cell(column.example)])
    for header in spec.readonly_headers:
        guide.append([header, "", _("Hanya di hasil ekspor, untuk dibaca; diabaikan saat impor."), ""])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
