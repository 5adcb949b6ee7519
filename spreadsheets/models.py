"""The history of spreadsheet imports: every uploaded file and every row it wrote."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.roles import Role, role_of


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff with the model's import permission see every import; others their own."""
        return self if role_of(user) is Role.ADMIN_DINAS else self.filter(created_by=user)

    def without_content(self):
        return self.defer("content", "errors", "sample")


class ImportBatch(models.Model):
    """One uploaded file, its dry run, its import and (perhaps) its undo.

    The file's bytes are kept, so "Impor" writes exactly the file that was previewed
    (its checksum is compared again), and the history says what came from where.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Sedang diperiksa")
        MAPPING = "mapping", _("Perlu pemetaan kolom")
        READY = "ready", _("Siap diimpor")
        INVALID = "invalid", _("Ada galat")
        IMPORTING = "importing", _("Sedang diimpor")
        DONE = "done", _("Selesai diimpor")
        FAILED = "failed", _("Gagal, tidak ada yang disimpan")
        UNDONE = "undone", _("Dibatalkan")

    kind = models.CharField(_("jenis data"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_size = models.PositiveIntegerField(_("ukuran (byte)"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("isi berkas"), editable=False)  # zlib-compressed (imports._content)
    created_by = user_stamp_field(_("diunggah oleh"))
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    imported_at = models.DateTimeField(_("diimpor"), null=True, blank=True)
    undone_by = user_stamp_field(_("dibatalkan oleh"))
    undone_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    # Progress of the running step, written outside its transaction so a page can poll it.
    progress = models.PositiveIntegerField(_("baris diproses"), default=0)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(_("ringkasan"), default=dict, blank=True)
    refusal = models.TextField(_("alasan berkas ditolak"), blank=True)
    notes = models.JSONField(_("catatan pembacaan"), default=list, blank=True)
    errors = models.JSONField(_("galat per baris"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("jumlah galat"), default=0)
    sample = models.JSONField(_("contoh baris"), default=list, blank=True)
    # How the file is read: {"mapping": {header key: target key or ""}, "sheet": name,
    # "hidden_rows": "skip" | "include"}; chosen in the mapping step or on the page.
    options = models.JSONField(_("pilihan pembacaan"), default=dict, db_default={}, blank=True)
    # The mapping step's material: headers, suggestions, examples, problems; the near matches
    # and reading choices of a checked file. (Both have a database default, so a server of
    # the previous release still writing batches during a deploy is not refused.)
    columns = models.JSONField(_("kolom berkas"), default=dict, db_default={}, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "mapping_importbatch"  # created by mapping before this app owned it
        verbose_name = _("riwayat impor")
        verbose_name_plural = _("riwayat impor")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def rows_to_write(self) -> int:
        return (self.counts or {}).get("new", 0) + (self.counts or {}).get("updated", 0)


class ImportChange(models.Model):
    """A row an import created or changed, with its values before (None when created)."""

    class Action(models.TextChoices):
        NEW = "new", _("Baru")
        UPDATED = "updated", _("Diperbarui")

    # Written only together with its batch (which is never deleted): no per-row database check,
    # which would cost a lookup for each of an import's 100,000 rows at commit.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes", db_constraint=False)
    row_number = models.PositiveIntegerField(_("baris"))
    model = models.CharField(_("model"), max_length=40)
    object_id = models.BigIntegerField(_("id objek"))
    action = models.CharField(_("tindakan"), max_length=8, choices=Action.choices)
    before = models.JSONField(_("nilai sebelumnya"), null=True, blank=True)
    after = models.JSONField(_("nilai sesudah impor"))

    class Meta:
        db_table = "mapping_importchange"
        ordering = ["batch", "row_number"]
        verbose_name = _("perubahan oleh impor")
        verbose_name_plural = _("perubahan oleh impor")
        indexes = [models.Index(fields=["model", "object_id"], name="mapping_imp_model_a7d8cd_idx")]


class MappingProfile(models.Model):
    """A saved column mapping ("Simpan pemetaan ini"): a later file of the same kind with the
    same set of headers is read by it without asking again."""

    kind = models.CharField(_("jenis data"), max_length=20)
    name = models.CharField(_("nama pemetaan"), max_length=100)
    header_keys = models.JSONField(_("judul kolom berkas"), default=list)
    signature = models.CharField(max_length=64, editable=False, db_index=True)
    mapping = models.JSONField(_("pemetaan"), default=dict)
    created_by = user_stamp_field(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("profil pemetaan kolom")
        verbose_name_plural = _("profil pemetaan kolom")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="mapping_profile_name_once")]

    def __str__(self):
        return self.name

    @staticmethod
    def signature_of(header_keys) -> str:
        import hashlib

        return hashlib.sha256("\t".join(sorted(header_keys)).encode()).hexdigest()
