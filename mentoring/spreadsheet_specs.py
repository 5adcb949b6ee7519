"""Spreadsheet spec of pendamping assignments (penugasan); discovered by the engine."""

from django.utils.translation import gettext as _, gettext_lazy

from mapping.services.facts import facts_changed
from mapping.spreadsheet_specs import MappingSpec, Wilayah, kecamatan_names
from mentoring.models import Assignment, Pendamping
from spreadsheets import cells
from spreadsheets.resources import SpecResource
from spreadsheets.specs import KEEP, Column, Existing, Resolved, RowError, register


@register
class AssignmentSpec(MappingSpec):
    kind = "penugasan"
    label = gettext_lazy("Penugasan pendamping")
    model = Assignment
    fields = ("pendamping_id", "kecamatan_id", "start_date", "end_date", "note")
    readonly_headers = ("Nama Pendamping",)
    key_help = gettext_lazy("Baris dicocokkan melalui Username + Kecamatan + Mulai. Penugasan tidak pernah dihapus: "
                            "isi Berakhir untuk mengakhirinya. Periode yang bertumpang tindih ditolak.")
    columns = (
        Column("username", "Username Pendamping", gettext_lazy("Nama pengguna akun pendamping di portal."),
               "pendamping.bojongsari", cells.text_of(150), required=True),
        Column("kecamatan", "Kecamatan", gettext_lazy("Nama atau kode kecamatan."), "Bojongsari", required=True,
               choices=kecamatan_names),
        Column("start_date", "Mulai", gettext_lazy("Tanggal mulai (31/12/2026 atau 2026-12-31)."), "2026-01-02",
               cells.a_date, required=True),
        Column("end_date", "Berakhir", gettext_lazy("Opsional. Pada tanggal ini akses ke kecamatan berhenti."), "",
               cells.a_date),
        Column("note", "Catatan", gettext_lazy("Opsional, mis. nomor SK."), "SK Kepala Dinas No. 500/12/2026",
               cells.for_field(Assignment, "note")),
    )

    def prepare(self, ctx):
        ctx.cache["wilayah"] = Wilayah()
        ctx.cache["pendamping"] = {
            username.lower(): pk for pk, username in Pendamping.objects.values_list("pk", "user__username")
        }
        ctx.cache["periods"] = {}
        for pk, pendamping, kecamatan, start, end in Assignment.objects.values_list(
            "pk", "pendamping_id", "kecamatan_id", "start_date", "end_date"
        ):
            ctx.cache["periods"].setdefault((pendamping, kecamatan), []).append((pk, start, end))

    def resolve(self, row, ctx):
        pendamping = ctx.cache["pendamping"].get(row["username"].lower())
        if pendamping is None:
            raise RowError(_("Tidak ada pendamping dengan username %(u)s; buat akun dan profil pendampingnya dulu.")
                           % {"u": row["username"]}, "Username Pendamping", row["username"])
        kecamatan_id, kecamatan = ctx.cache["wilayah"].kecamatan_resolve(row["kecamatan"])
        start, end = row["start_date"], row.get("end_date")
        if end is not None and end <= start:
            raise RowError(_("Tanggal berakhir harus setelah tanggal mulai."), "Berakhir", str(end))
        key = (pendamping, kecamatan_id, start)
        for pk, other_start, other_end in ctx.cache["periods"].get((pendamping, kecamatan_id), []):
            if other_start == start:
                continue  # the same assignment, updated by this row
            if (other_end is None or other_end > start) and (end is None or other_start < end):
                raise RowError(_("Pendamping ini sudah ditugaskan di Kecamatan %(kec)s pada periode yang bertumpang "
                                 "tindih (mulai %(start)s).") % {"kec": kecamatan, "start": other_start}, "Mulai")
        values = (pendamping, kecamatan_id, start, _keep_or(row, "end_date"), _keep_or(row, "note"))
        return Resolved(key=key, values=values, kecamatan_id=kecamatan_id, label=f"{row['username']} — {kecamatan}")

    def existing(self, keys, ctx):
        return {
            (p, k, s): Existing(pk, (p, k, s, e, note), k)
            for pk, p, k, s, e, note in Assignment.objects.values_list(
                "pk", "pendamping_id", "kecamatan_id", "start_date", "end_date", "note")
        }

    def new_constants(self, ctx):
        return {"created_by_id": ctx.user.pk}

    def after_write(self, *, created, updated, removed_owners=()):
        facts_changed()

    def export_queryset(self, user):
        return Assignment.objects.visible_to(user).order_by("kecamatan__code", "start_date")

    def export_rows(self, queryset, *, personal: bool = True):
        for row in queryset.values_list(
            "pendamping__user__username", "kecamatan__name", "start_date", "end_date", "note", "pendamping__full_name"
        ):
            yield list(row)


def _keep_or(row, name):
    return row[name] if name in row else KEEP


class AssignmentResource(SpecResource):
    spec_kind = "penugasan"

    class Meta:
        model = Assignment
        fields = ()
