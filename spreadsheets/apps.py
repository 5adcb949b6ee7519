from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    verbose_name = _("Impor & ekspor spreadsheet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each app declares its kinds of rows in spreadsheet_specs.py, as it does its admin.
        autodiscover_modules("spreadsheet_specs")
