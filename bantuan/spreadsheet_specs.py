"""Spreadsheet spec of aid recipient lists (daftar usulan penerima); discovered by the engine.

The same dry run, row errors, all-or-nothing import and undo as every other file; the
targeting checks run on each row before anything is saved and their findings are listed
in the dry run; the recipients made get their history and flags in the same transaction."""

from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from bantuan.checks import recipient_findings, umkm_keys
from bantuan.models import Kelompok, Program, Recipient, RecipientEvent, Stage
from bantuan.rules import eligibility_failures
from bantuan.services import REFUSING_RULES, flags_refresh
from mapping.models import UMKM
from mapping.spreadsheet_specs import MappingSpec
from spreadsheets import cells
from spreadsheets.specs import Column, Existing, Resolved, RowError, register


@register
class RecipientSpec(MappingSpec):
    kind = "penerima-bantuan"
    label = gettext_lazy("Penerima bantuan")
    model = Recipient
    fields = ("program_id", "stage_id", "umkm_id", "kelompok_id", "kecamatan_id", "shortlist_note")
    readonly_headers = ("Penerima", "Desa/Kelurahan", "Status")
    derived_models = ("bantuan.flag", "bantuan.recipientevent")
    key_help = gettext_lazy("Baris dicocokkan melalui ID Program + Tahap + Kode UMKM (atau Nama Kelompok + Kode Desa "
                            "Kelompok). Setiap baris baru menjadi usulan yang langsung diperiksa ketepatan sasarannya; "
                            "temuannya tampil di pemeriksaan sebelum disimpan.")
    columns = (
        Column("program", "ID Program", gettext_lazy("Nomor program bantuan di portal (lihat halaman program)."), 1,
               cells.integer(), required=True),
        Column("stage", "Tahap", gettext_lazy("Nomor tahap; kosong = tahap 1."), 1, cells.integer()),
        Column("umkm", "Kode UMKM", gettext_lazy("Untuk program bagi UMKM: kode UMKM di portal."), "PBG-BJS-0001",
               cells.text_of(40), text=True),
        Column("kelompok", "Nama Kelompok", gettext_lazy("Untuk program bagi kelompok: nama kelompok seperti tercatat."),
               "", cells.text_of(150)),
        Column("desa_kode", "Kode Desa Kelompok", gettext_lazy("Kode Kemendagri desa kelompok, mis. 33.03.14.2008."), "",
               cells.text_of(20), text=True),
        Column("note", "Dasar Usulan", gettext_lazy("Opsional: dari mana usulan ini (mis. musrenbang desa)."), "",
               cells.text_of(500)),
    )

    def prepare(self, ctx):
        ctx.cache["programs"] = Program.objects.in_bulk()
        ctx.cache["stages"] = {(p, n): pk for pk, p, n in Stage.objects.values_list("pk", "program_id", "number")}
        ctx.cache["placed"] = {}
        ctx.cache["today"] = timezone.localdate()

    def _target(self, program, row):
        if program.recipient_type == Program.RecipientType.UMKM:
            code = row.get("umkm") or ""
            umkm = (UMKM.objects.filter(code=code).select_related("desa__kecamatan")
                    .defer("desa__boundary", "desa__kecamatan__boundary").first() if code else None)
            if umkm is None:
                raise RowError(_("Tidak ada UMKM dengan kode %(code)s.") % {"code": code or "—"}, "Kode UMKM", code)
            return {"umkm": umkm}
        name, desa = row.get("kelompok") or "", row.get("desa_kode") or ""
        kelompok = (Kelompok.objects.filter(name__iexact=name, desa__code=desa).select_related("desa__kecamatan")
                    .defer("desa__boundary", "desa__kecamatan__boundary").first() if name else None)
        if kelompok is None:
            raise RowError(_("Tidak ada kelompok %(name)s di desa %(desa)s.") % {"name": name or "—", "desa": desa or "—"},
                           "Nama Kelompok", name)
        return {"kelompok": kelompok}

    def resolve(self, row, ctx):
        program = ctx.cache["programs"].get(row["program"])
        if program is None:
            raise RowError(_("Tidak ada program dengan ID %(id)s.") % {"id": row["program"]}, "ID Program",
                           str(row["program"]))
        number = row.get("stage") or 1
        stage_id = ctx.cache["stages"].get((program.pk, number))
        if stage_id is None:
            raise RowError(_("Program %(p)s tidak punya tahap %(n)s.") % {"p": program, "n": number}, "Tahap", str(number))
        target = self._target(program, row)
        who = target.get("umkm") or target.get("kelompok")
        refusing = [f for f in eligibility_failures(program, on=ctx.cache["today"], **target) if f.rule in REFUSING_RULES]
        if refusing:
            raise RowError(_("Tidak dapat diusulkan: %(why)s") % {"why": " ".join(f.message for f in refusing)})
        stored = Recipient.objects.filter(program=program, stage_id=stage_id, **target).exists()
        if not stored:
            placed = ctx.cache["placed"].setdefault(program.pk, Recipient.objects.counting().filter(program=program).count())
            if placed >= program.quota:
                raise RowError(_("Kuota program %(p)s (%(n)s penerima) sudah penuh.") % {"p": program, "n": program.quota})
            ctx.cache["placed"][program.pk] = placed + 1
        recipient = Recipient(program=program, stage_id=stage_id, kecamatan_id=who.desa.kecamatan_id, **target)
        row_key = self._key(program.pk, stage_id, target)
        messages = [message for _code, message in recipient_findings(recipient, on=ctx.cache["today"])]
        # The same business twice in this file (nothing of it is stored yet, so the check above cannot see it).
        seen = ctx.cache.setdefault("seen", {}).setdefault(program.pk, {})
        keys = umkm_keys(target["umkm"]) if "umkm" in target else {("kelompok", target["kelompok"].pk)}
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None and earlier != who.name:
            messages.insert(0, _("usaha yang sama dengan %(other)s di berkas ini.") % {"other": earlier})
        for key in keys:
            seen.setdefault(key, who.name)
        ctx.cache.setdefault("findings", {})[row_key] = messages
        values = (program.pk, stage_id, target["umkm"].pk if "umkm" in target else None,
                  target["kelompok"].pk if "kelompok" in target else None, who.desa.kecamatan_id, row.get("note") or "")
        return Resolved(key=row_key, values=values, kecamatan_id=who.desa.kecamatan_id,
                        label=f"{who.name} — {who.desa.name}")

    @staticmethod
    def _key(program_id, stage_id, target):
        return ("u", program_id, stage_id, target["umkm"].pk) if "umkm" in target else (
            "k", program_id, stage_id, target["kelompok"].pk)

    def row_notes(self, resolved, ctx):
        findings = ctx.cache.get("findings", {}).get(resolved.key, [])
        return [_("temuan sasaran: %(f)s") % {"f": " · ".join(findings)}] if findings else []

    def existing(self, keys, ctx):
        programs = {key[1] for key in keys}
        found = {}
        for pk, program, stage, umkm, kelompok, kecamatan, note, version in Recipient.objects.filter(
                program_id__in=programs).values_list("pk", "program_id", "stage_id", "umkm_id", "kelompok_id",
                                                     "kecamatan_id", "shortlist_note", "version"):
            key = ("u", program, stage, umkm) if umkm else ("k", program, stage, kelompok)
            found[key] = Existing(pk, (program, stage, umkm, kelompok, kecamatan, note), kecamatan, version)
        return found

    def new_constants(self, ctx):
        return {"proposed_by_id": ctx.user.pk, "state": Recipient.State.PROPOSED}

    def update_extra(self, existing, ctx):
        return {"version": (existing.version or 1) + 1}

    def after_write(self, *, created, updated, removed_owners=()):
        ids = [row.pk for row in created]
        if not ids:
            return
        RecipientEvent.objects.bulk_create(RecipientEvent(recipient_id=pk, state_after=Recipient.State.PROPOSED,
                                                          reason=_("impor spreadsheet")) for pk in ids)
        for recipient in Recipient.objects.filter(pk__in=ids).select_related("program", "stage", "umkm__desa",
                                                                            "kelompok__desa"):
            flags_refresh(recipient)

    def export_queryset(self, user):
        return Recipient.objects.visible_to(user).order_by("program_id", "stage__number", "pk")

    def export_rows(self, queryset, *, personal: bool = True):
        for row in queryset.values_list("program_id", "stage__number", "umkm__code", "kelompok__name",
                                        "kelompok__desa__code", "shortlist_note", "umkm__name", "umkm__desa__name",
                                        "kelompok__desa__name", "state"):
            program, stage, code, group, desa_code, note, umkm_name, umkm_desa, group_desa, state = row
            yield [program, stage, code or "", group or "", desa_code or "", note, umkm_name or group,
                   umkm_desa or group_desa, str(Recipient.State(state).label)]
