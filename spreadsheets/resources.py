"""django-import-export in the admin: its export buttons and screens, with the specs' rows.

Each app declares a SpecResource subclass per spec it shows in the admin (next to the
spec, in its spreadsheet_specs.py). Exports use the spec's headers, so an admin export
imports back unchanged, and every cell is neutralised against formula injection (the
library escapes only some prefixes).
"""

from types import SimpleNamespace

import tablib
from import_export import resources

from purbalingga_umkm.tables import safe_cell
from spreadsheets.specs import SPECS


class SpecResource(resources.ModelResource):
    spec_kind = ""

    @property
    def spec(self):
        return SPECS[self.spec_kind]

    def get_user_visible_fields(self):
        """The spec's headers, for the export page's list of columns."""
        return [SimpleNamespace(column_name=h) for h in self.spec.export_headers()]

    def export(self, queryset=None, **kwargs):
        spec = self.spec
        queryset = queryset if queryset is not None else spec.model.objects.all()
        dataset = tablib.Dataset(headers=spec.export_headers(), title=str(spec.label)[:31])
        for row in spec.export_rows(queryset):
            dataset.append([safe_cell(c) for c in row])
        return dataset
