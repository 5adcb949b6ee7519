from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


ACCEPT = ".csv,.xlsx,.xls,.ods,text/csv"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV, XLSX, XLS atau ODS"),
        allow_empty_file=True,  # an empty file is refused by the checker, with the reason kept in the history
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s MB); maksimal %(limit)s MB. Pecah menjadi beberapa berkas."),
                params={"size": f"{upload.size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
                code="too_large",
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xls", ".ods", ".txt")):
            raise forms.ValidationError(
                _("Hanya berkas .xlsx, .xls, .ods atau .csv yang bisa diimpor (berkas ini: %(name)s)."),
                params={"name": upload.name}, code="bad_type",
            )
        return upload
