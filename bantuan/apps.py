from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BantuanConfig(AppConfig):
    """Aid programs for kelompok UMKM and kelompok tani, aimed "tepat sasaran": groups,
    programs with their rules as data, recipients, targeting checks, disbursement and the
    follow-up of how the aid is used. Depends on mapping and mentoring; nothing depends on it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "bantuan"
    verbose_name = _("Bantuan")

    def ready(self):
        from bantuan import demo, duties, views
        from bantuan.services import RECIPIENTS, recipients_follow_their_desa
        from mapping.services.summaries import desa_recount_register
        from purbalingga_umkm.demo import DemoProvider, demo_provider_register
        from purbalingga_umkm.duties import duty_provider_register
        from purbalingga_umkm.panels import panel_provider_register

        # A recipient's kecamatan is its desa's: kept where mapping keeps its per-desa rows.
        desa_recount_register(RECIPIENTS, recipients_follow_their_desa)
        duty_provider_register(duties.use_checks_due)
        demo_provider_register(DemoProvider("bantuan", seed=demo.demo_aid_seed, clear=demo.demo_aid_clear))
        panel_provider_register("dashboard", views.dashboard_panel)
        panel_provider_register("umkm-history", views.umkm_aid_panel)
