from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project package holds the infrastructure the apps share (roles, scope, tables,
    figures cache); it is an app only for the figures stamp's model."""

    name = "purbalingga_umkm"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from purbalingga_umkm.middleware import StaffIdleTimeout

        user_logged_in.connect(StaffIdleTimeout.signed_in, dispatch_uid="staff-idle-clock")

