import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from djgeojson.fields import MultiPolygonField, PointField

from mapping import geometry
from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.scope import ScopedQuerySet

KABUPATEN_KODE = "33.03"

validate_kecamatan_kode = RegexValidator(
    r"^33\.03\.\d{2}\Z",
    message=_("Kode kecamatan harus berformat 33.03.NN (contoh: 33.03.01)."),
    code="invalid_kode",
)
validate_desa_kode = RegexValidator(
    r"^33\.03\.\d{2}\.[12]\d{3}\Z",
    message=_(
        "Kode desa/kelurahan harus berformat 33.03.NN.XNNN dengan X = 1 untuk kelurahan "
        "atau 2 untuk desa (contoh: 33.03.01.2001)."
    ),
    code="invalid_kode",
)
validate_nik = RegexValidator(
    r"^\d{16}\Z", message=_("NIK harus tepat 16 digit angka."), code="invalid_nik"
)
validate_nib = RegexValidator(
    r"^\d{13}\Z", message=_("NIB harus tepat 13 digit angka."), code="invalid_nib"
)
validate_phone = RegexValidator(
    r"^\+?\d[\d\s\-]{5,18}\Z",
    message=_("Nomor telepon hanya boleh berisi angka, spasi, tanda hubung, dan + di depan."),
    code="invalid_phone",
)


SWAPPED_COORDINATES_MESSAGE = _(
    "Lintang dan bujur tampaknya tertukar: di Purbalingga lintang sekitar −7,4 dan bujur sekitar 109,3."
)


def not_negative(label):
    """A validator refusing negative numbers, with a message naming the field."""
    return MinValueValidator(0, message=format_lazy(_("{} tidak boleh negatif."), label))


def non_negative_constraint(field: str, model: str) -> models.CheckConstraint:
    # Numeric fields are plain (not Positive*) integer fields so that the form shows our
    # message naming the field; the database still refuses negatives through this check.
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_not_negative",
    )


def transfer_permissions(model: str, label) -> list[tuple[str, str]]:
    """Spreadsheet import and export each need their own permission (see mapping/imports.py)."""
    return [
        (f"import_{model}", format_lazy(_("Dapat mengimpor {} dari spreadsheet"), label)),
        (f"export_{model}", format_lazy(_("Dapat mengekspor {} ke spreadsheet"), label)),
    ]


class Region(models.Model):
    """Fields shared by Kecamatan and Desa: Kemendagri code, name, boundary, centre."""

    name = models.CharField(_("nama"), max_length=100)
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


class Sector(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama sektor"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # Its flag in the dashboard figures' masks (UMKMFact): given once, never changed or
    # reused, so deleting one never renumbers the others (mapping.services.facts.fact_bits_assign).
    fact_bit = models.PositiveSmallIntegerField(null=True, unique=True, editable=False)

    objects = CodedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("sektor")
        verbose_name_plural = _("sektor")
        permissions = transfer_permissions("sector", _("sektor"))

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


GEOMETRY_OF_DESA_AND_KECAMATAN = (
    "desa__boundary",
    "desa__centre",
    "desa__kecamatan__boundary",
    "desa__kecamatan__centre",
)


class SizeClass(models.TextChoices):
    MIKRO = "mikro", _("Mikro")
    KECIL = "kecil", _("Kecil")
    MENENGAH = "menengah", _("Menengah")
    BESAR = "besar", _("Besar")


# PP No. 7 Tahun 2021, Pasal 35: inclusive upper bounds of modal usaha (excluding
# land and buildings) and of hasil penjualan tahunan, in rupiah. A business belongs
# to the smallest class whose bounds it meets on both criteria, so exceeding either
# bound moves it up (Besar is everything above Menengah).
SIZE_CLASS_LIMITS = (
    (SizeClass.MIKRO, 1_000_000_000, 2_000_000_000),
    (SizeClass.KECIL, 5_000_000_000, 15_000_000_000),
    (SizeClass.MENENGAH, 10_000_000_000, 50_000_000_000),
)


def size_class_for(capital: int, annual_turnover: int) -> SizeClass:
    for size_class, max_capital, max_turnover in SIZE_CLASS_LIMITS:
        if capital <= max_capital and annual_turnover <= max_turnover:
            return size_class
    return SizeClass.BESAR


def _within_size_class_limits(index: int) -> Q:
    _class, max_capital, max_turnover = SIZE_CLASS_LIMITS[index]
    return Q(capital__lte=max_capital, annual_turnover__lte=max_turnover)


class UMKMQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def demo(self):
        return self.filter(is_demo=True)

    def with_related(self):
        # Boundaries are large JSON documents; lists never need them.
        return self.select_related("desa__kecamatan").defer(*GEOMETRY_OF_DESA_AND_KECAMATAN)

    def in_kecamatan(self, kecamatan):
        return self.filter(desa__kecamatan=kecamatan)

    def of_size_class(self, size_class: str):
        """The same classification as size_class_for(), as a database filter."""
        order = [limit[0] for limit in SIZE_CLASS_LIMITS]
        if size_class == SizeClass.BESAR:
            return self.exclude(_within_size_class_limits(len(order) - 1))
        index = order.index(size_class)
        query = self.filter(_within_size_class_limits(index))
        if index > 0:
            query = query.exclude(_within_size_class_limits(index - 1))
        return query

    def holding_permit(self, kind: str):
        if kind == Permit.Kind.NIB:
            return self.exclude(nib="")
        return self.filter(permits__kind=kind).distinct()


def umkm_kode_new() -> str:
    """A random, stable code for a UMKM that has none of its own (e.g. UMKM-7K3QX9PD).

    Spreadsheet imports match a UMKM by NIB, otherwise by this code, so every UMKM has one
    from its first save, whichever path creates it.
    """
    return "UMKM-" + "".join(secrets.choice(KODE_ALPHABET) for _i in range(8))


KODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread


validate_umkm_kode = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-/_]*\Z",
    message=_("Kode UMKM hanya boleh berisi huruf, angka, titik, garis miring, - dan _."),
)


class UMKM(models.Model):
    code = models.CharField(
        _("kode UMKM"), max_length=40, unique=True, default=umkm_kode_new,
        validators=[validate_umkm_kode],
        help_text=_("Kode tetap untuk mencocokkan baris saat impor spreadsheet bila NIB kosong. "
                    "Dibuat otomatis bila dikosongkan."),
        error_messages={"unique": _("Kode UMKM ini sudah dipakai UMKM lain.")},
    )
    name = models.CharField(_("nama usaha"), max_length=150)
    owner_name = models.CharField(_("nama pemilik"), max_length=150)
    nik = models.CharField(
        _("NIK pemilik"),
        max_length=16,
        blank=True,
        validators=[validate_nik],
        help_text=_("Opsional. 16 digit angka sesuai KTP. Data pribadi: tidak pernah ditampilkan publik."),
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("alamat"), max_length=255)
    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="umkm_set", verbose_name=_("desa/kelurahan")
    )
    location = PointField(
        _("lokasi"), null=True, blank=True, validators=[geometry.validate_point]
    )
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[validate_nib],
        help_text=_("Nomor Induk Berusaha dari OSS, 13 digit. Opsional, tetapi unik bila diisi."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("tahun berdiri"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900, message=_("Tahun berdiri tidak boleh sebelum 1900."))],
    )
    workers = models.IntegerField(
        _("jumlah tenaga kerja"), default=1, validators=[not_negative(_("Jumlah tenaga kerja"))]
    )
    capital = models.BigIntegerField(
        _("modal usaha (Rp)"),
        validators=[not_negative(_("Modal usaha"))],
        help_text=_("Di luar tanah dan bangunan tempat usaha (PP 7/2021)."),
    )
    annual_turnover = models.BigIntegerField(
        _("omzet tahunan (Rp)"), validators=[not_negative(_("Omzet tahunan"))]
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    is_demo = models.BooleanField(
        _("data demo"), default=False, editable=False,
        help_text=_("Dibuat oleh seed_demo; dihapus dengan clear_demo."),
    )
    created_by = user_stamp_field(_("dibuat oleh"))
    updated_by = user_stamp_field(_("diubah oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = UMKMQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("UMKM")
        verbose_name_plural = _("UMKM")
        permissions = transfer_permissions("umkm", _("UMKM"))
        constraints = [
            models.UniqueConstraint(
                fields=["nib"],
                condition=~Q(nib=""),
                name="umkm_nib_unique_when_given",
                violation_error_message=_("NIB ini sudah terdaftar untuk UMKM lain."),
            ),
            non_negative_constraint("workers", "umkm"),
            non_negative_constraint("capital", "umkm"),
            non_negative_constraint("annual_turnover", "umkm"),
        ]
        indexes = [
            models.Index(fields=["desa", "is_active"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self):
        return self.name

    @property
    def size_class(self) -> SizeClass:
        return size_class_for(self.capital or 0, self.annual_turnover or 0)

    def get_size_class_display(self) -> str:
        return self.size_class.label

    def clean(self):
        super().clean()
        errors = {}
        this_year = timezone.localdate().year
        if self.founded_year and self.founded_year > this_year:
            errors["founded_year"] = _("Tahun berdiri tidak boleh setelah tahun %(year)s.") % {
                "year": this_year
            }
        if self.location and self.desa_id:
            problem = self._location_problem()
            if problem:
                errors["location"] = problem
        if errors:
            raise ValidationError(errors)

    def _location_problem(self) -> str | None:
        swapped = geometry.swapped(self.location)
        try:
            geometry.validate_point(self.location)
        except ValidationError:
            if swapped and Desa.objects.containing(swapped):
                return str(SWAPPED_COORDINATES_MESSAGE)
            return None  # the location field's own validator reports the malformed point
        if geometry.covers(self.desa.boundary, self.location):
            return None
        found = Desa.objects.containing(self.location)
        if found is not None:
            return _(
                "Titik lokasi berada di %(jenis)s %(found)s (Kec. %(kecamatan)s), bukan di %(chosen)s. "
                "Pilih desa yang benar atau geser pin."
            ) % {"jenis": found.get_jenis_display(), "found": found.name,
                 "kecamatan": found.kecamatan.name, "chosen": self.desa.name}
        if swapped and Desa.objects.containing(swapped):
            return str(SWAPPED_COORDINATES_MESSAGE)
        return _("Titik lokasi berada di luar Kabupaten Purbalingga.")


class PermitQuerySet(ScopedQuerySet):
    kecamatan_path = "umkm__desa__kecamatan"


class Permit(models.Model):
    """A legal permit or certificate held by a UMKM (optionally for one product)."""

    class Kind(models.TextChoices):
        NIB = "nib", _("NIB")
        PIRT = "pirt", _("SPP-IRT / PIRT")
        HALAL = "halal", _("Sertifikat halal")
        BPOM = "bpom", _("BPOM MD")
        SNI = "sni", _("SNI")
        HKI = "hki", _("Merek / HKI")

    umkm = models.ForeignKey(UMKM, on_delete=models.CASCADE, related_name="permits", verbose_name=_("UMKM"))
    product = models.ForeignKey(
        "Product", on_delete=models.CASCADE, null=True, blank=True, related_name="permits",
        verbose_name=_("produk"), help_text=_("Kosongkan bila izin berlaku untuk seluruh usaha."),
    )
    kind = models.CharField(_("jenis izin"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=60)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("izin usaha")
        verbose_name_plural = _("izin usaha")
        constraints = [
            models.UniqueConstraint(
                fields=["umkm", "kind", "number"], name="permit_number_unique_per_umkm",
                violation_error_message=_("Izin dengan jenis dan nomor ini sudah tercatat untuk UMKM ini."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.NIB:
            raise ValidationError({"kind": _("NIB dicatat pada isian NIB di data UMKM, bukan di sini.")})
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError(
                {"valid_until": _("Tanggal berlaku sampai tidak boleh sebelum tanggal terbit.")}
            )
        if self.product_id and self.umkm_id and self.product.umkm_id != self.umkm_id:
            raise ValidationError({"product": _("Produk ini bukan milik UMKM yang sama.")})

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


def validate_photo_size(photo):
    limit = settings.PRODUCT_PHOTO_MAX_BYTES
    if photo and photo.size > limit:
        raise ValidationError(
            _("Foto terlalu besar (%(size)s MB); maksimal %(limit)s MB."),
            params={"size": round(photo.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="photo_too_large",
        )


class ProductQuerySet(ScopedQuerySet):
    kecamatan_path = "umkm__desa__kecamatan"

    def active(self):
        return self.filter(is_active=True, umkm__is_active=True)

    def with_related(self):
        return self.select_related("sector", "umkm__desa__kecamatan").defer(
            *(f"umkm__{field}" for field in GEOMETRY_OF_DESA_AND_KECAMATAN)
        )


class Product(models.Model):
    class MarketReach(models.TextChoices):
        LOKAL = "lokal", _("Lokal (desa/kecamatan)")
        KABUPATEN = "kabupaten", _("Kabupaten")
        PROVINSI = "provinsi", _("Provinsi")
        NASIONAL = "nasional", _("Nasional")
        EKSPOR = "ekspor", _("Ekspor")

    class CapacityUnit(models.TextChoices):
        PCS = "pcs", _("buah/pcs")
        KG = "kg", _("kg")
        TON = "ton", _("ton")
        LITER = "liter", _("liter")
        PAKET = "paket", _("paket/bungkus")
        LUSIN = "lusin", _("lusin")
        PASANG = "pasang", _("pasang")
        UNIT = "unit", _("unit")
        LAYANAN = "layanan", _("layanan/order")

    umkm = models.ForeignKey(UMKM, on_delete=models.CASCADE, related_name="products", verbose_name=_("UMKM"))
    name = models.CharField(_("nama produk"), max_length=150)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="products", verbose_name=_("sektor"))
    description = models.TextField(_("deskripsi"), blank=True)
    photo = models.ImageField(
        _("foto"), upload_to="produk/%Y/%m/", blank=True, validators=[validate_photo_size]
    )
    monthly_capacity = models.DecimalField(
        _("kapasitas produksi per bulan"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[not_negative(_("Kapasitas produksi"))],
    )
    capacity_unit = models.CharField(
        _("satuan"), max_length=10, choices=CapacityUnit.choices, default=CapacityUnit.PCS
    )
    price = models.BigIntegerField(
        _("harga per satuan (Rp)"), null=True, blank=True, validators=[not_negative(_("Harga"))]
    )
    market_reach = models.CharField(
        _("jangkauan pasar"), max_length=10, choices=MarketReach.choices, default=MarketReach.LOKAL
    )
    local_material_pct = models.SmallIntegerField(
        _("bahan baku lokal (%)"), null=True, blank=True,
        validators=[
            not_negative(_("Bahan baku lokal")),
            MaxValueValidator(100, message=_("Bahan baku lokal paling banyak 100%%.")),
        ],
        help_text=_("Persentase bahan baku yang berasal dari Kabupaten Purbalingga."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_by = user_stamp_field(_("diubah oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        permissions = transfer_permissions("product", _("produk"))
        constraints = [
            non_negative_constraint("monthly_capacity", "product"),
            non_negative_constraint("price", "product"),
            models.CheckConstraint(
                condition=Q(local_material_pct__isnull=True)
                | Q(local_material_pct__gte=0, local_material_pct__lte=100),
                name="product_local_material_pct_range",
            ),
        ]

    def __str__(self):
        return self.name


# --- Potential rating (penilaian potensi), Permendagri No. 9 Tahun 2014 -----------------


class RubricQuerySet(models.QuerySet):
    def current(self):
        """The active rubric with the highest version: used for new assessments."""
        return self.filter(is_active=True).order_by("-version").first()


class Rubric(models.Model):
    """A versioned scoring rubric. Once an assessment uses it, it never changes."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    name = models.CharField(_("nama"), max_length=150)
    note = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Penilaian baru memakai versi aktif tertinggi.")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rubrik penilaian")
        verbose_name_plural = _("rubrik penilaian")

    def __str__(self):
        return f"v{self.version} — {self.name}"

    @property
    def is_locked(self) -> bool:
        return self.pk is not None and self.assessments.exists()


class Criterion(models.Model):
    class AutoSource(models.TextChoices):
        NONE = "", _("Diisi pendamping")
        LOCATION_QUOTIENT = "lq", _("Saran dari Location Quotient sektor")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubrik"))
    code = models.CharField(_("kode"), max_length=2, help_text=_("Huruf kriteria: a sampai l."))
    name = models.CharField(_("kriteria"), max_length=120)
    description = models.TextField(_("penjelasan"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("bobot"), validators=[MinValueValidator(1, message=_("Bobot harus bilangan bulat positif (minimal 1)."))]
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    auto_source = models.CharField(
        _("saran otomatis"), max_length=4, choices=AutoSource.choices, default="", blank=True
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("kriteria")
        verbose_name_plural = _("kriteria")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_code_unique_per_rubric"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return f"({self.code}) {self.name}"


class CriterionLevel(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("kriteria"))
    score = models.PositiveSmallIntegerField(
        _("skor"), validators=[MinValueValidator(1, message=_("Skor tingkat minimal 1."))]
    )
    description = models.CharField(_("deskripsi tingkat"), max_length=255)

    class Meta:
        ordering = ["criterion", "score"]
        verbose_name = _("tingkat skor")
        verbose_name_plural = _("tingkat skor")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="level_score_unique_per_criterion"),
        ]

    def __str__(self):
        return f"{self.score}: {self.description}"


class RatingClass(models.Model):
    """A class of the 0–100 score, e.g. Unggulan from 70; staff set the thresholds."""

    name = models.CharField(_("kelas"), max_length=60, unique=True)
    min_score = models.DecimalField(
        _("skor minimal"), max_digits=5, decimal_places=2, unique=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    colour = models.CharField(_("warna"), max_length=7, default="#6c757d")
    # Its flag in the dashboard figures' masks (UMKMFact): given once, never changed or
    # reused, so deleting one never renumbers the others (mapping.services.facts.fact_bits_assign).
    fact_bit = models.PositiveSmallIntegerField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("kelas potensi")
        verbose_name_plural = _("kelas potensi")

    def __str__(self):
        return f"{self.name} (≥ {self.min_score})"


class AssessmentQuerySet(ScopedQuerySet):
    kecamatan_path = "product__umkm__desa__kecamatan"

    def verified(self):
        return self.filter(status=Assessment.Status.VERIFIED)

    def latest_verified_per_product(self):
        """Only each product's most recent verified assessment (the one that counts)."""
        return self.filter(is_current=True)


class Assessment(models.Model):
    """Penilaian potensi of one product against one rubric version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan")
        VERIFIED = "verified", _("Terverifikasi")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("produk"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("rubrik"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("catatan penilai"), blank=True)
    # The product's facts as the assessor saw them, kept with the scores.
    facts = models.JSONField(_("fakta produk"), default=dict, blank=True)
    lq_value = models.DecimalField(_("LQ sektor"), max_digits=7, decimal_places=3, null=True, blank=True)
    lq_suggested_score = models.PositiveSmallIntegerField(_("skor saran LQ"), null=True, blank=True)
    lq_override_reason = models.CharField(_("alasan mengubah saran LQ"), max_length=255, blank=True)
    # Totals are frozen with the scores: a later rubric or threshold change never rewrites them.
    weighted_score = models.DecimalField(_("skor (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True)
    mpe_total = models.FloatField(_("total MPE"), null=True, blank=True)
    assessed_by = user_stamp_field(_("penilai"))
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    verified_by = user_stamp_field(_("diverifikasi oleh"))
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    return_comment = models.TextField(_("komentar pengembalian"), blank=True)
    # The product's latest verified assessment, the one rankings and dashboards count;
    # moved by assessment_verify() so reads need no "is there a newer one" subquery.
    is_current = models.BooleanField(_("berlaku"), default=False, editable=False)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("penilaian potensi")
        verbose_name_plural = _("penilaian potensi")
        permissions = transfer_permissions("assessment", _("penilaian potensi"))
        indexes = [
            models.Index(fields=["product", "status", "verified_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["mpe_total"], condition=Q(is_current=True), name="assessment_current_mpe"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_current=True), name="one_current_assessment_per_product"),
        ]

    def __str__(self):
        return f"{self.product} — {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("skor"))

    class Meta:
        ordering = ["criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique_per_criterion"),
        ]


# --- Dashboard figures ------------------------------------------------------------------


def bit(position: int) -> int:
    """The flag at `position` in a 63-bit mask."""
    if not 0 <= position < 63:
        raise ValueError("Masks hold at most 63 sectors or rating classes.")
    return 1 << position


def fact_mask(obj) -> int:
    """The flag of a sector or rating class in the facts' masks (0 before it has one:
    then no fact carries it either)."""
    return 0 if obj.fact_bit is None else bit(obj.fact_bit)


class FactBitCounter(models.Model):
    """How many fact bits a model (sector, ratingclass) has ever handed out: a bit is
    never given twice, even after its row is deleted."""

    name = models.CharField(max_length=40, primary_key=True)
    used = models.PositiveSmallIntegerField(default=0)


MARKET_REACH_BITS = {value: bit(index) for index, value in enumerate(Product.MarketReach.values)}


class UMKMFactQuerySet(ScopedQuerySet):
    kecamatan_path = "kecamatan"

    def active(self):
        return self.filter(is_active=True)


class UMKMFact(models.Model):
    """One UMKM's figures, denormalised for dashboards at 100,000 UMKM.

    Rebuilt by mapping.facts_changed(everything=True) whenever the UMKM, its products, permits or
    assessments change, so a dashboard never reads stale figures after a write.
    Masks hold one flag per sector, market reach and rating class of the UMKM's active
    products (see reference_bits).
    """

    umkm = models.OneToOneField(UMKM, on_delete=models.CASCADE, primary_key=True, related_name="fact")
    # Copies of the UMKM's own (constrained) desa and kecamatan: no database constraint of
    # their own, which would only repeat the UMKM's check for every fact a bulk import writes.
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    is_active = models.BooleanField()
    size_class = models.CharField(max_length=10, choices=SizeClass.choices)
    is_ready = models.BooleanField(help_text="NIB held and every active product legally ready.")
    sector_mask = models.BigIntegerField(default=0)
    reach_mask = models.IntegerField(default=0)
    class_mask = models.BigIntegerField(default=0)
    product_count = models.IntegerField(default=0)
    flagship_count = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    score_count = models.IntegerField(default=0)
    registered_on = models.DateField()
    # The UMKM's location as plain numbers, so map endpoints can select a viewport.
    lng = models.FloatField(null=True)
    lat = models.FloatField(null=True)

    objects = UMKMFactQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kecamatan", "is_active"]),
            models.Index(fields=["desa", "is_active"]),
            models.Index(fields=["lat", "lng"]),
        ]
