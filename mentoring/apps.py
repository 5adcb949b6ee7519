from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Pendampingan")

    def ready(self):
        from mapping.pages import umkm_page_link_register
        from mapping.services.summaries import desa_recount_register
        from mentoring.models import kecamatan_ids_assigned_to
        from mentoring.services import VISITS, visits_recount
        from purbalingga_umkm.scope import assigned_kecamatan_register

        # Mapping's rows are scoped by kecamatan; which kecamatan a pendamping has is ours to say.
        assigned_kecamatan_register(kecamatan_ids_assigned_to)
        # Visits are summed per desa where mapping sums its registry: the same write, the same desa.
        desa_recount_register(VISITS, visits_recount)
        umkm_page_link_register(label=_("Riwayat penilaian dan kunjungan"), url_name="mentoring:umkm-history")
