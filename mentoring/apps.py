from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Pendampingan")

    def ready(self):
        from mentoring.models import kecamatan_ids_assigned_to
        from purbalingga_umkm.scope import assigned_kecamatan_register

        # Mapping's rows are scoped by kecamatan; which kecamatan a pendamping has is ours to say.
        assigned_kecamatan_register(kecamatan_ids_assigned_to)
