from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = _("Pemetaan UMKM")

    def ready(self):
        from django.db.models.signals import post_migrate

        from mapping.services.summaries import summaries_fill_missing

        # A database migrated to the summaries has them built once, as part of `migrate`.
        post_migrate.connect(summaries_fill_missing, sender=self)

