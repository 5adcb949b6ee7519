"""Models of the shared infrastructure (the project package is an app for them)."""

from django.db import models


class FiguresStamp(models.Model):
    """A counter bumped after every committed write that changes figures.

    Cached figures are keyed by it (purbalingga_umkm/figures.py). One row, pk=1.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "mapping_dashboardstamp"  # created by mapping before this app owned it
