from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = _("Pemetaan UMKM")

    def ready(self):
        from mapping import resources  # noqa: F401  registers the import/export specs
