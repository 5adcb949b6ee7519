"""The UMKM registry: sectors, UMKM, their products and permits."""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djgeojson.fields import PointField

from mapping import geometry
from mapping.models.common import (
    SWAPPED_COORDINATES_MESSAGE, non_negative_constraint, not_negative, validate_nib, validate_nik, validate_phone, validate_phones,
)
from mapping.models.geography import CodedQuerySet, Desa
from purbalingga_umkm.fields import EditTracked, user_stamp_field
from purbalingga_umkm.images import CleanImageField, validate_image_size
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_long_text, validate_not_in_future, validate_plain_text
from spreadsheets.permissions import transfer_permissions


class Sector(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama sektor"), max_length=100, unique=True, validators=[validate_plain_text])
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # Its flag in the dashboard figures' masks (UMKMFact): given once, never changed or
    # reused, so deleting one never renumbers the others (mapping.services.facts.fact_bits_assign).
    fact_bit = models.PositiveSmallIntegerField(null=True, unique=True, editable=False)
    eligible_unggulan = models.BooleanField(
        _("boleh menjadi produk unggulan"), default=True,
        help_text=_("Matikan untuk sektor yang bukan produksi daerah (mis. perdagangan eceran): produknya "
                    "tidak pernah tampil sebagai produk unggulan."),
    )

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


def size_class_for(capital: int | None, annual_turnover: int) -> SizeClass:
    """PP 7/2021: the smallest class whose capital and turnover limits both hold. A capital
    not known (an office recap without it) is judged by the turnover alone."""
    for size_class, max_capital, max_turnover in SIZE_CLASS_LIMITS:
        if (capital is None or capital <= max_capital) and annual_turnover <= max_turnover:
            return size_class
    return SizeClass.BESAR


def _within_size_class_limits(index: int) -> Q:
    _class, max_capital, max_turnover = SIZE_CLASS_LIMITS[index]
    return (Q(capital__isnull=True) | Q(capital__lte=max_capital)) & Q(annual_turnover__lte=max_turnover)


class UMKMQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def demo(self):
        return self.filter(is_demo=True)

    def lq_base(self):
        """The base of every location quotient (README, "LQ"): active UMKM with at least
        one active product."""
        return self.active().filter(Exists(Product.objects.filter(umkm=OuterRef("pk"), is_active=True)))

    def with_related(self):
        # Boundaries are large JSON documents; lists never need them.
        return self.select_related("desa__kecamatan").defer(*GEOMETRY_OF_DESA_AND_KECAMATAN)

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

    def with_size_class(self):
        """Each UMKM annotated with `size_class_code`: size_class_for() as a database expression."""
        return self.annotate(size_class_code=Case(
            *[When(_within_size_class_limits(index), then=Value(limit[0].value))
              for index, limit in enumerate(SIZE_CLASS_LIMITS)],
            default=Value(SizeClass.BESAR.value), output_field=models.CharField()))

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


class UMKM(EditTracked):
    code = models.CharField(
        _("kode UMKM"), max_length=40, unique=True, default=umkm_kode_new,
        validators=[validate_umkm_kode],
        help_text=_("Kode tetap untuk mencocokkan baris saat impor spreadsheet bila NIB kosong. "
                    "Dibuat otomatis bila dikosongkan."),
        error_messages={"unique": _("Kode UMKM ini sudah dipakai UMKM lain.")},
    )
    name = models.CharField(_("nama usaha"), max_length=150, validators=[validate_plain_text])
    owner_name = models.CharField(_("nama pemilik"), max_length=150, validators=[validate_plain_text])
    nik = models.CharField(
        _("NIK pemilik"),
        max_length=16,
        blank=True,
        validators=[validate_nik],
        help_text=_("Opsional. 16 digit angka sesuai KTP. Data pribadi: tidak pernah ditampilkan publik."),
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[validate_phone])
    phone_other = models.CharField(
        _("telepon lain"), max_length=100, blank=True, validators=[validate_phones],
        help_text=_("Nomor lain pemilik/usaha, dipisah koma. Data pribadi: tidak pernah ditampilkan publik."),
    )
    address = models.CharField(_("alamat"), max_length=255, validators=[validate_plain_text])
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
    # Required in every form; NULL only where an office recap did not say (imports).
    capital = models.BigIntegerField(
        _("modal usaha (Rp)"), null=True,
        validators=[not_negative(_("Modal usaha"))],
        help_text=_("Di luar tanah dan bangunan tempat usaha (PP 7/2021)."),
    )
    annual_turnover = models.BigIntegerField(
        _("omzet tahunan (Rp)"), validators=[not_negative(_("Omzet tahunan"))]
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(
        _("data demo"), default=False, editable=False,
        help_text=_("Dibuat oleh seed_demo; dihapus dengan clear_demo."),
    )
    created_by = user_stamp_field(_("dibuat oleh"))
    updated_by = user_stamp_field(_("diubah oleh"))

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
            # a desa's active UMKM, and in name order (the desa dashboard's page of products)
            models.Index(fields=["desa", "is_active", "name"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self):
        return self.name

    @property
    def size_class(self) -> SizeClass:
        return size_class_for(self.capital, self.annual_turnover or 0)

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
    number = models.CharField(_("nomor"), max_length=60, validators=[validate_plain_text])
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True, validators=[validate_not_in_future])
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


# Kept under its old name: the first migrations refer to mapping.models.validate_photo_size.
validate_photo_size = validate_image_size


class ProductQuerySet(ScopedQuerySet):
    kecamatan_path = "umkm__desa__kecamatan"

    def active(self):
        return self.filter(is_active=True, umkm__is_active=True)

    def with_related(self):
        return self.select_related("sector", "umkm__desa__kecamatan").defer(
            *(f"umkm__{field}" for field in GEOMETRY_OF_DESA_AND_KECAMATAN)
        )


class Product(EditTracked):
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
    name = models.CharField(_("nama produk"), max_length=150, validators=[validate_plain_text])
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="products", verbose_name=_("sektor"))
    komoditas = models.ForeignKey(
        "mapping.Komoditas", on_delete=models.SET_NULL, null=True, blank=True, related_name="products",
        verbose_name=_("komoditas"),
        help_text=_("Disarankan dari nama produk; pendamping atau staf memastikannya."),
    )
    komoditas_confirmed = models.BooleanField(_("komoditas dipastikan"), default=False)
    description = models.TextField(_("deskripsi"), blank=True, validators=[validate_long_text, validate_plain_text])
    photo = CleanImageField(
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
    updated_by = user_stamp_field(_("diubah oleh"))

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        permissions = transfer_permissions("product", _("produk"))
        indexes = [models.Index(fields=["updated_at"])]  # "disurvei": products recorded since a date
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

    def clean(self):
        super().clean()
        if self.komoditas_id and self.sector_id and self.komoditas.sector_id != self.sector_id:
            raise ValidationError({"komoditas": _(
                "Komoditas %(komoditas)s termasuk sektor %(its)s, sedangkan produk ini sektor %(ours)s: pilih "
                "komoditas lain atau ubah sektornya.") % {
                "komoditas": self.komoditas.name, "its": self.komoditas.sector.name, "ours": self.sector.name}})


