"""Models of the shared infrastructure (the project package is an app for them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FiguresStamp(models.Model):
    """A counter bumped after every committed write that changes figures: the stamp the
    regency's cached figures are keyed by (purbalingga_umkm/figures.py). One row, pk=1.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "mapping_dashboardstamp"  # created by mapping before this app owned it


class AreaStamp(models.Model):
    """The stamp of one area's cached figures, bumped after a committed write there:
    "kecamatan:<id>", or "semua" for writes whose area is not known (a rubric, a sector)."""

    area = models.CharField(max_length=40, unique=True)
    version = models.BigIntegerField(default=0)


class AuditEntry(models.Model):
    """Who did what to which row, when, with the values before and after.

    Written by purbalingga_umkm.audit from every write path: portal services, the admin
    (single saves, deletes, bulk deletes) and role changes. A spreadsheet import writes one
    entry for the batch; its rows are in the import's own history (ImportChange), which
    an object's history page shows beside these entries.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Dibuat")
        UPDATE = "update", _("Diubah")
        DELETE = "delete", _("Dihapus")
        VERIFY = "verify", _("Diverifikasi")
        RETURN = "return", _("Dikembalikan")
        SUBMIT = "submit", _("Diajukan")
        IMPORT = "import", _("Diimpor")
        UNDO = "undo", _("Impor dibatalkan")
        ROLES = "roles", _("Peran diubah")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("pengguna"))
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)  # kept if the account goes
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    source = models.CharField(_("lewat"), max_length=20)  # portal, admin, impor, perintah
    model = models.CharField(_("jenis data"), max_length=60)
    object_id = models.CharField(_("id"), max_length=40)
    object_repr = models.CharField(_("data"), max_length=200)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)  # field: [before, after]

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        indexes = [models.Index(fields=["model", "object_id", "at"], name="audit_object_at")]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"
