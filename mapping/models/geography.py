"""Purbalingga's kecamatan and desa/kelurahan with Kemendagri codes and boundaries."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from djgeojson.fields import MultiPolygonField, PointField

from mapping import geometry
from mapping.models.common import validate_desa_kode, validate_kecamatan_kode
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_plain_text
from spreadsheets.permissions import transfer_permissions


class Region(models.Model):
    """Fields shared by Kecamatan and Desa: Kemendagri code, name, boundary, centre."""

    name = models.CharField(_("nama"), max_length=100, validators=[validate_plain_text])
    boundary = MultiPolygonField(_("batas wilayah"), validators=[geometry.validate_boundary])
    centre = PointField(
        _("titik tengah"),
        validators=[geometry.validate_point],
        help_text=_("Titik tengah geometris di dalam batas wilayah, bukan lokasi kantor."),
    )

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        super().clean()
        if self.boundary and self.centre:
            try:
                inside = geometry.covers(self.boundary, self.centre)
            except ValidationError:
                return  # the field validators already report the malformed geometry
            if not inside:
                raise ValidationError(
                    {"centre": _("Titik tengah harus berada di dalam batas wilayah.")}
                )


class CodedQuerySet(models.QuerySet):
    """Reference rows are identified by their code in fixtures (natural keys)."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class KecamatanQuerySet(CodedQuerySet, ScopedQuerySet):
    kecamatan_path = "pk"


class Kecamatan(Region):
    code = models.CharField(
        _("kode Kemendagri"), max_length=8, unique=True, validators=[validate_kecamatan_kode]
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta(Region.Meta):
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        permissions = transfer_permissions("kecamatan", _("kecamatan"))
        constraints = [
            models.UniqueConstraint(fields=["name"], name="kecamatan_name_unique"),
        ]


class DesaQuerySet(CodedQuerySet, ScopedQuerySet):
    kecamatan_path = "kecamatan"

    # The first digit of the last code segment is 1 for a kelurahan, 2 for a desa.
    def kelurahan(self):
        return self.filter(code__regex=r"\.1\d{3}$")

    def desa_only(self):
        return self.filter(code__regex=r"\.2\d{3}$")

    def with_kecamatan(self):
        return self.select_related("kecamatan")

    def containing(self, point) -> "Desa | None":
        """The desa whose boundary covers `point`, or None (outside the regency).

        Reads every boundary: meant for the rare case where a point is not where the
        user said it is, not for lists.
        """
        target = geometry.to_shape(point)
        for desa in self.select_related("kecamatan").defer("kecamatan__boundary", "kecamatan__centre"):
            if geometry.to_shape(desa.boundary).covers(target):
                return desa
        return None


class Desa(Region):
    class Jenis(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(
        _("kode Kemendagri"), max_length=13, unique=True, validators=[validate_desa_kode]
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name=_("kecamatan")
    )

    objects = DesaQuerySet.as_manager()

    class Meta(Region.Meta):
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        permissions = transfer_permissions("desa", _("desa/kelurahan"))
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "name"],
                name="desa_name_unique_per_kecamatan",
                violation_error_message=_("Nama desa ini sudah ada di kecamatan yang sama."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.kecamatan.name})" if self.kecamatan_id else self.name

    @property
    def jenis(self) -> str:
        return self.Jenis.KELURAHAN if self.code[9:10] == "1" else self.Jenis.DESA

    def get_jenis_display(self) -> str:
        return self.Jenis(self.jenis).label

    def clean(self):
        super().clean()
        if self.kecamatan_id and self.code and not self.code.startswith(self.kecamatan.code + "."):
            raise ValidationError(
                {
                    "code": _(
                        "Kode desa %(code)s tidak cocok dengan Kecamatan %(kecamatan)s: "
                        "kode desa harus diawali %(prefix)s"
                    )
                    % {
                        "code": self.code,
                        "kecamatan": self.kecamatan.name,
                        "prefix": self.kecamatan.code + ".",
                    }
                }
            )


