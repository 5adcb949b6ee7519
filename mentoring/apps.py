from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Pendampingan")

    def ready(self):
        from mentoring import resources  # noqa: F401  registers the assignment import/export spec
