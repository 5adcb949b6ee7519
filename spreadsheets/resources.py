"""django-import-export in the admin: its import and export buttons and screens, with
the engine behind them.

Each app declares a SpecResource subclass per spec it shows in the admin (next to the
spec, in its spreadsheet_specs.py). Exports use the spec's headers, so an admin export
imports back unchanged, and every cell is neutralised against formula injection (the
library escapes only some prefixes). Imports keep the library's familiar screens
(upload, preview, confirm) but not its row-by-row import: the uploaded file goes to the
engine as it is (SpreadsheetFile), which reads it, checks every row with its row number,
writes everything or nothing and keeps the history that the portal can undo.
"""

from types import SimpleNamespace

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from import_export import resources
from import_export.formats.base_formats import Format
from import_export.results import Error, Result, RowResult

from purbalingga_umkm.tables import safe_cell
from spreadsheets import imports
from spreadsheets.models import ImportBatch
from spreadsheets.reading import FileRefused
from spreadsheets.specs import SPECS

ERRORS_SHOWN = 500  # the admin page lists this many row errors; the portal page has them all


class UploadedFile:
    """What the library calls a dataset: here the uploaded bytes, untouched."""

    def __init__(self, content: bytes):
        self.content = content

    def __bool__(self):
        return True  # an empty file is the engine's to refuse, with its own message


class SpreadsheetFile(Format):
    """CSV or XLSX, read by the engine (title rows, merged cells, encodings, bombs), not by tablib."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the library passes one; the engine detects the file's own

    def get_title(self):
        return "CSV / XLSX"

    def create_dataset(self, in_stream):
        return UploadedFile(bytes(in_stream))

    def can_import(self):
        return True

    def get_extension(self):
        return "xlsx"


class SpecResource(resources.ModelResource):
    spec_kind = ""

    @property
    def spec(self):
        return SPECS[self.spec_kind]

    def get_user_visible_fields(self):
        """The spec's headers, for the import and export pages' lists of columns."""
        return [SimpleNamespace(column_name=h) for h in self.spec.export_headers()]

    def export(self, queryset=None, **kwargs):
        spec = self.spec
        queryset = queryset if queryset is not None else spec.model.objects.all()
        dataset = tablib.Dataset(headers=spec.export_headers(), title=str(spec.label)[:31])
        for row in spec.export_rows(queryset):
            dataset.append([safe_cell(c) for c in row])
        return dataset

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """The engine's dry run (dry_run) or its all-or-nothing import with history."""
        user, file_name = kwargs["user"], kwargs.get("file_name") or "berkas.xlsx"
        if dry_run:
            return self._checked(dataset.content, file_name=file_name, user=user)
        return self._imported(dataset.content, file_name=file_name, user=user)

    def _checked(self, content: bytes, *, file_name: str, user) -> Result:
        result = _result()
        try:
            plan = imports.plan_build(spec=self.spec, content=content, file_name=file_name, user=user)
        except FileRefused as refused:
            result.append_base_error(Error(refused))
            return result
        except imports.NeedsMapping as needed:
            result.append_base_error(Error(FileRefused(_(
                "Judul kolom berkas berbeda dari templat (%(problems)s). Unggah berkas ini di halaman Impor & ekspor "
                "(/data/) untuk memetakan kolomnya.") % {"problems": "; ".join(needed.columns["problems"]) or "—"})))
            return result
        result.totals.update({RowResult.IMPORT_TYPE_NEW: len(plan.new), RowResult.IMPORT_TYPE_UPDATE: len(plan.updated),
                              RowResult.IMPORT_TYPE_SKIP: plan.unchanged,
                              RowResult.IMPORT_TYPE_INVALID: len(plan.error_rows)})
        result.total_rows = plan.total
        by_row = {}
        for error in plan.errors:
            by_row.setdefault(error["row"], []).append(error)
        for number, errors in list(by_row.items())[:ERRORS_SHOWN]:
            messages = {}
            for error in errors:
                messages.setdefault(error["column"] or NON_FIELD_ERRORS, []).append(error["message"])
            first = errors[0]
            result.append_invalid_row(number, dict(zip(result.diff_headers, [number, first["column"], first["value"]])),
                                      ValidationError(messages))
        if len(by_row) > ERRORS_SHOWN:
            result.append_base_error(Error(FileRefused(_(
                "… dan %(n)s baris bergalat lainnya; daftar lengkap ada di halaman Impor & ekspor portal.")
                % {"n": len(by_row) - ERRORS_SHOWN})))
        actions = {"new": RowResult.IMPORT_TYPE_NEW, "updated": RowResult.IMPORT_TYPE_UPDATE,
                   "unchanged": RowResult.IMPORT_TYPE_SKIP}
        for sample in plan.sample:
            row = RowResult()
            row.import_type = actions[sample["action"]]
            row.diff = [sample["row"], sample["label"], "; ".join(sample["changes"])]
            result.append_row_result(row)
        return result

    def _imported(self, content: bytes, *, file_name: str, user) -> Result:
        upload = SimpleUploadedFile(file_name, content)
        batch = imports.import_start(spec=self.spec, upload=upload, user=user, inline=True)
        batch.refresh_from_db(fields=["status"])
        if batch.status == ImportBatch.Status.READY:
            imports.import_confirm(batch=batch, user=user, inline=True)
        batch = ImportBatch.objects.without_content().get(pk=batch.pk)
        result = _result()
        result.batch = batch
        if batch.status != ImportBatch.Status.DONE:
            result.append_base_error(Error(FileRefused(batch.refusal or _("Berkas berisi galat; tidak ada yang disimpan."))))
            return result
        counts = batch.counts or {}
        result.totals.update({RowResult.IMPORT_TYPE_NEW: counts.get("new", 0),
                              RowResult.IMPORT_TYPE_UPDATE: counts.get("updated", 0),
                              RowResult.IMPORT_TYPE_SKIP: counts.get("unchanged", 0)})
        return result


def _result() -> Result:
    result = Result()
    result.diff_headers = [_("Baris"), _("Data / kolom"), _("Perubahan / nilai")]
    result.batch = None
    return result
