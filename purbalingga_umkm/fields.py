"""Model fields and abstract models the apps share."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_stamp_field(verbose_name):
    """Who created, changed or closed a row: kept when the account is later removed."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=verbose_name, editable=False,
    )


class EditTracked(models.Model):
    """A row edited in the field: optimistic locking (version), one row per submitted
    form (submission_token) and when it was created and changed.

    Every edit path bumps the version; a save from an older version is a conflict
    (mapping.services.versioned_save), and a form sent twice finds the first row
    (created_once).
    """

    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True
