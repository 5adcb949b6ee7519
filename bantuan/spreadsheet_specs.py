"""Spreadsheet spec of aid recipient lists (daftar usulan penerima); discovered by the engine.

The same dry run, row errors, all-or-nothing import and undo as every other file; the
targeting checks run on each row before anything is saved and their findings are listed
in the dry run; the recipients made get their history and flags in the same transaction."""

from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from bantuan.checks import recipient_findings, umkm_keys
from bantuan.models import Kelompok, Member, Program, Recipient, RecipientEvent, Stage
from bantuan.rules import eligibility_failures
from bantuan.services import REFUSING_RULES, flags_refresh
from mapping.models import UMKM
from mapping.spreadsheet_specs import MappingSpec, Wilayah, desa_headers_missing, kecamatan_names
from spreadsheets import cells
from spreadsheets.specs import KEEP, Column, Existing, Resolved, RowError, register


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


# --- Kelompok and their members (daftar kelompok, daftar anggota) -----------------------------


def _group_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _identifier(model, name):
    """A registry number as text; the apostrophe Excel users type to keep it text is dropped."""
    read = cells.for_field(model, name)
    return lambda value: read(value if cells.is_blank(value) else cells.text(value).lstrip("'"))


def kelompok_kind_names() -> list[str]:
    return [str(label) for label in Kelompok.Kind.labels]


class _KomoditasNames:
    """Komoditas by its code, its name or a synonym, read as the portal reads a commodity
    anywhere (Komoditas.phrases, name_key); loaded once per file."""

    def __init__(self):
        from mapping.models import Komoditas
        from mapping.models.komoditas import name_key

        self.key = name_key
        self.lookup = {}
        for komoditas in Komoditas.objects.active():
            for phrase in (name_key(komoditas.code), *komoditas.phrases()):
                self.lookup.setdefault(phrase, komoditas.pk)

    def resolve(self, written: str):
        if not written:
            return None
        found = self.lookup.get(self.key(written))
        if found is None:
            raise RowError(_("Komoditas %(v)s tidak dikenal; tulis nama komoditas seperti di portal "
                             "(mis. Sapu glagah) atau kosongkan.") % {"v": written}, "Komoditas", written)
        return found


@register
class KelompokSpec(MappingSpec):
    kind = "kelompok"
    label = gettext_lazy("Kelompok (KUB, poktan, gapoktan, koperasi)")
    model = Kelompok
    fields = ("name", "kind", "desa_id", "komoditas_id", "leader_name", "formed_on", "registry_number",
              "pengukuhan_number", "koperasi_nik", "is_active")
    readonly_headers = ("Jumlah Anggota Aktif",)
    key_help = gettext_lazy("Baris dicocokkan melalui Nama Kelompok + desanya (tanpa membedakan huruf besar/kecil). "
                            "Anggota diimpor terpisah lewat jenis data \u201cAnggota kelompok\u201d.")
    columns = (
        Column("name", "Nama Kelompok", gettext_lazy("Nama kelompok seperti pada SK/register."), "Poktan Sida Makmur",
               cells.for_field(Kelompok, "name"), required=True),
        Column("kind", "Jenis", gettext_lazy("Kelompok UMKM / KUB, Kelompok tani (poktan), Gabungan kelompok tani "
                                             "(gapoktan), Koperasi, Lainnya."), "Kelompok tani (poktan)",
               cells.choice(dict(Kelompok.Kind.choices), {"kub": "kub", "kelompok umkm": "kub", "poktan": "poktan",
                                                          "kelompok tani": "poktan", "gapoktan": "gapoktan",
                                                          "kop": "koperasi"}),
               required=True, choices=kelompok_kind_names),
        Column("kecamatan", "Kecamatan", gettext_lazy("Nama kecamatan. Wajib bila Kode Desa kosong."), "Bojongsari",
               choices=kecamatan_names),
        Column("desa", "Desa/Kelurahan", gettext_lazy("Nama desa/kelurahan, dibaca bersama kecamatannya."), "Karangbanjar"),
        Column("desa_kode", "Kode Desa", gettext_lazy("Kode Kemendagri, mis. 33.03.14.2008; bila diisi, kode ini yang "
                                                      "dipakai."), "33.03.14.2008", text=True),
        Column("komoditas", "Komoditas", gettext_lazy("Opsional: komoditas utama kelompok, mis. Sapu glagah."), ""),
        Column("leader_name", "Ketua", gettext_lazy("Nama ketua kelompok."), "Sukarso",
               cells.for_field(Kelompok, "leader_name")),
        Column("formed_on", "Tanggal Dibentuk", gettext_lazy("Tanggal pembentukan (31/12/2020 atau 2020-12-31)."),
               "2020-03-15", cells.a_date, required=True),
        Column("registry_number", "Nomor Register", gettext_lazy("Nomor register poktan/gapoktan atau badan hukum."),
               "", _identifier(Kelompok, "registry_number"), text=True),
        Column("pengukuhan_number", "Nomor Pengukuhan", gettext_lazy("Nomor SK pengukuhan, bila ada."), "",
               _identifier(Kelompok, "pengukuhan_number"), text=True),
        Column("koperasi_nik", "NIK Koperasi", gettext_lazy("Nomor Induk Koperasi, bila koperasi."), "",
               _identifier(Kelompok, "koperasi_nik"), text=True),
        Column("is_active", "Aktif", gettext_lazy("'ya' atau 'tidak'. Kosong = ya."), "ya", cells.boolean(default=True),
               choices=("ya", "tidak")),
    )

    def headers_missing(self, present):
        return super().headers_missing(present) + desa_headers_missing(present)

    def prepare(self, ctx):
        ctx.cache["wilayah"] = Wilayah()
        ctx.cache["komoditas"] = _KomoditasNames()
        ctx.cache["today"] = timezone.localdate()

    def resolve(self, row, ctx):
        desa = ctx.cache["wilayah"].desa_resolve(code=row.get("desa_kode", ""), kecamatan=row.get("kecamatan", ""),
                                                 desa=row.get("desa", ""))
        if row["formed_on"] > ctx.cache["today"]:
            raise RowError(_("Tanggal dibentuk tidak boleh di masa depan."), "Tanggal Dibentuk", str(row["formed_on"]))
        komoditas = ctx.cache["komoditas"].resolve(row["komoditas"]) if "komoditas" in row else KEEP

        def present(name):
            return row[name] if name in row else KEEP

        values = (row["name"], row["kind"], desa[0], komoditas, present("leader_name"), row["formed_on"],
                  present("registry_number"), present("pengukuhan_number"), present("koperasi_nik"),
                  present("is_active"))
        return Resolved(key=(desa[0], _group_key(row["name"])), values=values, kecamatan_id=desa[3],
                        label=f"{row['name']} — {desa[2]}")

    def existing(self, keys, ctx):
        desa_ids = {key[0] for key in keys}
        found = {}
        for row in Kelompok.objects.filter(desa_id__in=desa_ids).values_list("pk", "desa__kecamatan_id", *self.fields):
            pk, kecamatan_id, values = row[0], row[1], row[2:]
            found[(values[2], _group_key(values[0]))] = Existing(pk, values, kecamatan_id)
        return found

    def new_constants(self, ctx):
        return {"created_by_id": ctx.user.pk}

    def export_queryset(self, user):
        from django.db.models import Count, Q

        return (Kelompok.objects.visible_to(user).annotate(active=Count("members", filter=Q(members__left_on__isnull=True)))
                .order_by("desa__code", "name"))

    def export_rows(self, queryset, *, personal: bool = True):
        kinds = dict(Kelompok.Kind.choices)
        for row in queryset.values_list("name", "kind", "desa__kecamatan__name", "desa__name", "desa__code",
                                        "komoditas__name", "leader_name", "formed_on", "registry_number",
                                        "pengukuhan_number", "koperasi_nik", "is_active", "active"):
            (name, kind, kecamatan, desa, code, komoditas, leader, formed, registry, pengukuhan, koperasi, active,
             members) = row
            yield [name, str(kinds[kind]), kecamatan, desa, code, komoditas or "", leader, formed, registry, pengukuhan,
                   koperasi, "ya" if active else "tidak", members]


@register
class MemberSpec(MappingSpec):
    kind = "anggota-kelompok"
    label = gettext_lazy("Anggota kelompok")
    model = Member
    fields = ("kelompok_id", "umkm_id", "name", "nik", "kk_number", "land_area_ha", "joined_on", "left_on")
    readonly_headers = ("Nama UMKM",)
    key_help = gettext_lazy("Kelompoknya dicari melalui Nama Kelompok + Kode Desa Kelompok (atau Kecamatan + Desa "
                            "Kelompok); impor kelompoknya dulu. Anggota dicocokkan melalui Kode UMKM, atau NIK, atau "
                            "nama. Anggota tidak dihapus: isi Tanggal Keluar.")
    columns = (
        Column("kelompok", "Nama Kelompok", gettext_lazy("Nama kelompok seperti tercatat di portal."),
               "Poktan Sida Makmur", cells.text_of(150), required=True),
        Column("desa_kode", "Kode Desa Kelompok", gettext_lazy("Kode Kemendagri desa kelompok, mis. 33.03.14.2008."),
               "33.03.14.2008", text=True),
        Column("kecamatan", "Kecamatan Kelompok", gettext_lazy("Bila Kode Desa Kelompok kosong: nama kecamatannya."), ""),
        Column("desa", "Desa Kelompok", gettext_lazy("Bila Kode Desa Kelompok kosong: nama desanya."), ""),
        Column("umkm", "Kode UMKM", gettext_lazy("Bila anggota adalah UMKM terdaftar: kodenya di portal."), "",
               cells.text_of(40), text=True),
        Column("name", "Nama Anggota", gettext_lazy("Wajib bila Kode UMKM kosong (petani/perorangan)."), "Waryono",
               cells.for_field(Member, "name")),
        Column("nik", "NIK", gettext_lazy("16 digit; format sel sebagai Teks."), "3303144101800001",
               cells.for_field(Member, "nik", cells.digits_id("NIK", 16)), text=True),
        Column("kk_number", "Nomor KK", gettext_lazy("Opsional, 16 digit; format sel sebagai Teks."), "",
               cells.for_field(Member, "kk_number", cells.digits_id("Nomor KK", 16)), text=True),
        Column("land_area_ha", "Luas Lahan (ha)", gettext_lazy("Opsional, mis. 0,75."), "0,75", cells.decimal(places=3)),
        Column("joined_on", "Tanggal Bergabung", gettext_lazy("Kosong = tanggal kelompok dibentuk."), "", cells.a_date),
        Column("left_on", "Tanggal Keluar", gettext_lazy("Isi bila anggota sudah keluar."), "", cells.a_date),
    )

    def headers_missing(self, present):
        missing = super().headers_missing(present) + desa_headers_missing(
            present, headers="Kode Desa Kelompok / Kecamatan Kelompok + Desa Kelompok")
        if "umkm" not in present and "name" not in present:
            missing.append("Kode UMKM / Nama Anggota")
        return missing

    def prepare(self, ctx):
        ctx.cache["wilayah"] = Wilayah()
        ctx.cache["groups"] = {(desa, _group_key(name)): (pk, formed, kecamatan) for pk, name, desa, formed, kecamatan
                               in Kelompok.objects.values_list("pk", "name", "desa_id", "formed_on", "desa__kecamatan_id")}
        ctx.cache["today"] = timezone.localdate()
        # Every way a stored member is known, so a row finds it whichever it names (a farmer
        # first listed by name and later with a NIK is the same member, not a second one).
        known = ctx.cache["member_keys"] = set()
        for group, umkm, name, nik in Member.objects.values_list("kelompok_id", "umkm_id", "name", "nik"):
            if umkm:
                known.add((group, "u", umkm))
            if nik:
                known.add((group, "nik", nik))
            if name:
                known.add((group, "nama", _group_key(name)))

    def resolve(self, row, ctx):
        desa = ctx.cache["wilayah"].desa_resolve(code=row.get("desa_kode", ""), kecamatan=row.get("kecamatan", ""),
                                                 desa=row.get("desa", ""))
        group = ctx.cache["groups"].get((desa[0], _group_key(row["kelompok"])))
        if group is None:
            raise RowError(_("Tidak ada kelompok %(name)s di desa %(desa)s; impor daftar kelompoknya dulu.") % {
                "name": row["kelompok"], "desa": desa[2]}, "Nama Kelompok", row["kelompok"])
        group_id, formed_on, kecamatan_id = group
        code, name, nik = row.get("umkm") or "", row.get("name") or "", row.get("nik") or ""
        umkm_id = None
        if code:
            umkm_id = UMKM.objects.filter(code=code).values_list("pk", flat=True).first()
            if umkm_id is None:
                raise RowError(_("Tidak ada UMKM dengan kode %(code)s.") % {"code": code}, "Kode UMKM", code)
        elif not name:
            raise RowError(_("Isi Nama Anggota, atau Kode UMKM-nya."), "Nama Anggota")
        joined = row.get("joined_on") or formed_on
        left = row.get("left_on")
        if joined > ctx.cache["today"]:
            raise RowError(_("Tanggal bergabung tidak boleh di masa depan."), "Tanggal Bergabung", str(joined))
        if left is not None and left < joined:
            raise RowError(_("Tanggal keluar tidak boleh sebelum tanggal bergabung."), "Tanggal Keluar", str(left))
        if umkm_id:
            key = (group_id, "u", umkm_id)
        else:
            ways = [k for k in ((group_id, "nik", nik) if nik else None, (group_id, "nama", _group_key(name))) if k]
            key = next((k for k in ways if k in ctx.cache["member_keys"]), ways[0])

        def present(field):
            return row[field] if field in row else KEEP

        # A column the file does not have keeps what is stored (a file that only adds NIKs
        # does not move every join date back to the group's formation).
        stored = key in ctx.cache["member_keys"]
        values = (group_id, umkm_id, present("name"), present("nik"), present("kk_number"), present("land_area_ha"),
                  joined if "joined_on" in row or not stored else KEEP, present("left_on"))
        return Resolved(key=key, values=values, kecamatan_id=kecamatan_id,
                        label=f"{name or code} — {row['kelompok']}")

    def existing(self, keys, ctx):
        groups = {key[0] for key in keys}
        found = {}
        for row in Member.objects.filter(kelompok_id__in=groups).values_list("pk", "kelompok__desa__kecamatan_id",
                                                                          *self.fields):
            pk, kecamatan_id, values = row[0], row[1], row[2:]
            group, umkm, name, nik = values[0], values[1], values[2], values[3]
            existing = Existing(pk, values, kecamatan_id)
            if umkm:
                found[(group, "u", umkm)] = existing
            if nik:
                found.setdefault((group, "nik", nik), existing)
            if name:
                found.setdefault((group, "nama", _group_key(name)), existing)
        return found

    def export_queryset(self, user):
        return (Member.objects.visible_to(user)
                .order_by("kelompok__desa__code", "kelompok__name", "pk"))

    def export_rows(self, queryset, *, personal: bool = True):
        for row in queryset.values_list("kelompok__name", "kelompok__desa__code", "kelompok__desa__kecamatan__name",
                                        "kelompok__desa__name", "umkm__code", "name", "nik", "kk_number",
                                        "land_area_ha", "joined_on", "left_on", "umkm__name"):
            group, code, kecamatan, desa, umkm_code, name, nik, kk, land, joined, left, umkm_name = row
            yield [group, code, kecamatan, desa, umkm_code or "", name, nik if personal else "",
                   kk if personal else "", land, joined, left, umkm_name or ""]
