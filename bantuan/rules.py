"""Eligibility as data: a program's `rules` say who may receive it, and one function reads
them for every caller (the propose form, the targeting checks, the shortlist, imports).

A rule set is a JSON object with any of these keys (a key left out does not restrict):

    ukuran           ["mikro", "kecil", ...]  size classes (PP 7/2021) of the UMKM or its members
    kecamatan        ["33.03.14", ...]        codes of the target kecamatan
    desa             ["33.03.14.2008", ...]   codes of the target desa
    sektor           ["kerajinan", ...]       a UMKM with an active product in one of them
    komoditas        ["sapu-glagah", ...]     a UMKM with an active product of one / a group of one
    skor_minimal     60                       best verified potential score (0–100) of its products
    dokumen          ["nib", "pirt", "halal"] documents the UMKM must hold
    umur_kelompok_bulan   6                   a group formed at least this many months before
    anggota_minimal  10                       a group with at least this many active members
    wajib_register   true                     a group with its registry number
    lahan_maks_ha    2                        every member with recorded land ≤ this (farmer groups)
    pengecualian     ["kur", "asn"]           no owner/member holding KUR credit or a civil servant,
                                              by the dated, sourced records (PersonStatus)
    desil_maks       4                        the owner's/every member's recorded welfare decile ≤ this;
                                              a person with no recorded decile does not pass
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from mapping.models import UMKM, Assessment, Permit, Product, SizeClass

LIST_KEYS = ("ukuran", "kecamatan", "desa", "sektor", "komoditas", "dokumen", "pengecualian")
NUMBER_KEYS = ("skor_minimal", "umur_kelompok_bulan", "anggota_minimal", "lahan_maks_ha", "desil_maks")
EXCLUSIONS = ("kur", "asn")
PERSON_KEYS = ("pengecualian", "desil_maks")
GROUP_ONLY = ("umur_kelompok_bulan", "anggota_minimal", "wajib_register", "lahan_maks_ha")
RULE_KEYS = (*LIST_KEYS, *NUMBER_KEYS, "wajib_register")
DOCUMENTS = {kind.value for kind in Permit.Kind}


def rules_problems(rules, *, recipient_type: str) -> list[str]:
    """What is wrong with a rule set, in words; [] when it can be applied."""
    if not isinstance(rules, dict):
        return [_("Syarat penerima harus berupa objek JSON, mis. {\"ukuran\": [\"mikro\"]}.")]
    problems = []
    for key, value in rules.items():
        if key not in RULE_KEYS:
            problems.append(_("Syarat \u201c%(key)s\u201d tidak dikenal. Yang dikenal: %(known)s.") % {
                "key": key, "known": ", ".join(RULE_KEYS)})
        elif key in LIST_KEYS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(_("Syarat \u201c%(key)s\u201d harus daftar teks, mis. [\"a\", \"b\"].") % {"key": key})
        elif key in NUMBER_KEYS and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            problems.append(_("Syarat \u201c%(key)s\u201d harus angka 0 atau lebih.") % {"key": key})
        elif key == "wajib_register" and not isinstance(value, bool):
            problems.append(_("Syarat \u201cwajib_register\u201d harus true atau false."))
        elif key in GROUP_ONLY and recipient_type != "kelompok":
            problems.append(_("Syarat \u201c%(key)s\u201d hanya berlaku untuk program bagi kelompok.") % {"key": key})
    unknown_sizes = set(rules.get("ukuran") or []) - set(SizeClass.values) if isinstance(rules.get("ukuran"), list) else set()
    if unknown_sizes:
        problems.append(_("Skala usaha tidak dikenal: %(v)s. Pilihan: %(options)s.") % {
            "v": ", ".join(sorted(unknown_sizes)), "options": ", ".join(SizeClass.values)})
    exclusions = rules.get("pengecualian")
    unknown_exclusions = set(exclusions) - set(EXCLUSIONS) if isinstance(exclusions, list) else set()
    if unknown_exclusions:
        problems.append(_("Pengecualian tidak dikenal: %(v)s. Pilihan: %(options)s.") % {
            "v": ", ".join(sorted(unknown_exclusions)), "options": ", ".join(EXCLUSIONS)})
    decile = rules.get("desil_maks")
    if isinstance(decile, (int, float)) and not isinstance(decile, bool) and not (1 <= decile <= 10 and decile == int(decile)):
        problems.append(_("Syarat \u201cdesil_maks\u201d harus bilangan bulat 1 sampai 10."))
    unknown_documents = set(rules.get("dokumen") or []) - DOCUMENTS if isinstance(rules.get("dokumen"), list) else set()
    if unknown_documents:
        problems.append(_("Dokumen tidak dikenal: %(v)s. Pilihan: %(options)s.") % {
            "v": ", ".join(sorted(unknown_documents)), "options": ", ".join(sorted(DOCUMENTS))})
    return problems


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str


def best_score_of(umkm_ref) -> Subquery:
    """The best current verified potential score (0–100) of a UMKM's active products, as a
    subquery: `umkm_ref` is the UMKM's id (an OuterRef or a value)."""
    return Subquery(Assessment.objects.filter(product__umkm=umkm_ref, product__is_active=True, is_current=True,
                                              status=Assessment.Status.VERIFIED)
                    .values("product__umkm").annotate(best=Max("weighted_score")).values("best")[:1])


def best_score(umkm) -> Decimal | None:
    """The best current verified potential score (0–100) of the UMKM's active products; read
    from `verified_best_score` when the UMKM was loaded with it (best_score_of), so checking
    many UMKM costs no query each."""
    if hasattr(umkm, "verified_best_score"):
        return umkm.verified_best_score
    return UMKM.objects.filter(pk=umkm.pk).values_list(best_score_of(OuterRef("pk")), flat=True).first()


def umkm_narrowed(queryset, rules: dict, *, on: date):
    """The UMKM that can meet the rules, as far as SQL can tell (size, sector, commodity, minimal
    score, documents held, no exclusion in force, a recorded decile within the limit; the area is
    chosen by the caller): a narrowing before eligibility_failures, which still judges each one.
    `queryset` is annotated with `verified_best_score`."""
    if rules.get("ukuran"):
        queryset = queryset.with_size_class().filter(size_class_code__in=rules["ukuran"])
    if rules.get("skor_minimal") is not None:
        queryset = queryset.filter(verified_best_score__gte=Decimal(str(rules["skor_minimal"])))
    active_products = Product.objects.filter(umkm=OuterRef("pk"), is_active=True)
    if rules.get("sektor"):
        queryset = queryset.filter(Exists(active_products.filter(sector__code__in=rules["sektor"])))
    if rules.get("komoditas"):
        queryset = queryset.filter(Exists(active_products.filter(komoditas__code__in=rules["komoditas"])))
    for document in rules.get("dokumen") or []:  # held (expiry is judged after)
        held = Exists(Permit.objects.filter(umkm=OuterRef("pk"), kind=document))
        queryset = queryset.filter(held | ~Q(nib="") if document == Permit.Kind.NIB else held)
    records = statuses_in_force(on).filter(nik=OuterRef("nik"))
    if rules.get("pengecualian"):
        queryset = queryset.exclude(Exists(records.filter(kind__in=rules["pengecualian"])))
    if rules.get("desil_maks") is not None:
        queryset = queryset.filter(Exists(records.filter(kind="desil", decile__lte=rules["desil_maks"])))
    return queryset


def statuses_in_force(on: date):
    """The person records (KUR, ASN, decile) known and not ended on `on`."""
    from bantuan.models import PersonStatus

    return PersonStatus.objects.filter(Q(as_of__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def person_statuses(niks, *, on: date) -> dict[str, dict]:
    """{NIK: {"kur"/"asn": the record in force on `on`, "desil": the latest decile known on `on`}},
    from the dated, sourced records; one query for any number of NIKs."""
    from spreadsheets.bulk import in_chunks

    found: dict[str, dict] = {}
    for chunk in in_chunks(sorted({n for n in niks if n})):
        records = statuses_in_force(on).filter(nik__in=chunk).order_by("nik", "kind", "-as_of", "-pk")
        for record in records:
            found.setdefault(record.nik, {}).setdefault(record.kind, record)
    return found


def _person_failures(rules: dict, people: list[tuple[str, str]], statuses: dict, *, group: bool) -> list[Failure]:
    """The exclusions and the decile limit over `people` [(name, NIK)]: the owner of a UMKM, or a group's members."""
    failures = []
    if rules.get("pengecualian"):
        excluded = []
        for name, nik in people:
            for kind in rules["pengecualian"]:
                record = statuses.get(nik, {}).get(kind) if nik else None
                if record is not None:
                    excluded.append(_("%(who)s: %(what)s (%(source)s, %(day)s)") % {
                        "who": name, "what": record.get_kind_display(), "source": record.source,
                        "day": record.as_of.strftime("%d-%m-%Y")})
        if excluded:
            failures.append(Failure("pengecualian", _("Tercatat dikecualikan program ini: %(v)s.") % {
                "v": "; ".join(excluded[:5])}))
    if rules.get("desil_maks") is not None:
        limit = rules["desil_maks"]
        records = [(name, statuses.get(nik, {}).get("desil") if nik else None) for name, nik in people]
        above = [_("%(who)s desil %(d)s (%(source)s)") % {"who": name, "d": r.decile, "source": r.source}
                 for name, r in records if r is not None and r.decile > limit]
        unknown = [name for name, r in records if r is None]
        parts = [_("Di atas desil %(want)s: %(v)s.") % {"want": limit, "v": "; ".join(above[:5])}] if above else []
        if unknown and group:
            parts.append(_("Desil kesejahteraan belum tercatat untuk %(n)s anggota: %(v)s.") % {
                "n": len(unknown), "v": ", ".join(unknown[:5])})
        elif unknown:
            parts.append(_("Desil kesejahteraan pemilik belum tercatat."))
        if parts:
            failures.append(Failure("desil_maks", " ".join(parts)))
    return failures


def _umkm_failures(rules: dict, umkm) -> list[Failure]:
    failures = []
    if rules.get("ukuran") and umkm.size_class not in rules["ukuran"]:
        failures.append(Failure("ukuran", _("Skala usaha %(v)s, bukan %(want)s.") % {
            "v": umkm.get_size_class_display(), "want": ", ".join(rules["ukuran"])}))
    products = [p for p in umkm.products.all() if p.is_active]
    if rules.get("sektor") and not any(p.sector.code in rules["sektor"] for p in products):
        failures.append(Failure("sektor", _("Tidak ada produk aktif di sektor sasaran (%(want)s).") % {
            "want": ", ".join(rules["sektor"])}))
    if rules.get("komoditas") and not any(p.komoditas_id and p.komoditas.code in rules["komoditas"] for p in products):
        failures.append(Failure("komoditas", _("Tidak ada produk aktif dari komoditas sasaran (%(want)s).") % {
            "want": ", ".join(rules["komoditas"])}))
    if rules.get("skor_minimal") is not None:
        score = best_score(umkm)
        if score is None or score < Decimal(str(rules["skor_minimal"])):
            failures.append(Failure("skor_minimal", _("Skor potensi terverifikasi %(v)s, di bawah syarat %(want)s.") % {
                "v": score if score is not None else _("belum ada"), "want": rules["skor_minimal"]}))
    if rules.get("dokumen"):
        held = {p.kind for p in umkm.permits.all() if not p.is_expired} | ({"nib"} if umkm.nib else set())
        missing = [d for d in rules["dokumen"] if d not in held]
        if missing:
            failures.append(Failure("dokumen", _("Belum memiliki dokumen: %(v)s.") % {"v": ", ".join(missing)}))
    return failures


def _kelompok_failures(rules: dict, kelompok, on: date) -> list[Failure]:
    failures = []
    if rules.get("komoditas") and not (kelompok.komoditas_id and kelompok.komoditas.code in rules["komoditas"]):
        failures.append(Failure("komoditas", _("Komoditas kelompok bukan komoditas sasaran (%(want)s).") % {
            "want": ", ".join(rules["komoditas"])}))
    if rules.get("umur_kelompok_bulan") is not None:
        months = (on.year - kelompok.formed_on.year) * 12 + on.month - kelompok.formed_on.month - (on.day < kelompok.formed_on.day)
        if months < rules["umur_kelompok_bulan"]:
            failures.append(Failure("umur_kelompok_bulan", _("Kelompok baru berumur %(v)s bulan; syarat %(want)s bulan.") % {
                "v": max(months, 0), "want": rules["umur_kelompok_bulan"]}))
    members = kelompok.members_on(on)
    if rules.get("anggota_minimal") is not None and len(members) < rules["anggota_minimal"]:
        failures.append(Failure("anggota_minimal", _("Anggota aktif %(v)s; syarat paling sedikit %(want)s.") % {
            "v": len(members), "want": rules["anggota_minimal"]}))
    if rules.get("wajib_register") and not kelompok.registry_number:
        failures.append(Failure("wajib_register", _("Nomor register kelompok belum tercatat.")))
    if rules.get("lahan_maks_ha") is not None:
        limit = Decimal(str(rules["lahan_maks_ha"]))
        over = [m.display_name for m in members if m.land_area_ha is not None and m.land_area_ha > limit]
        if over:
            failures.append(Failure("lahan_maks_ha", _("Anggota dengan lahan lebih dari %(want)s ha: %(v)s.") % {
                "want": limit, "v": ", ".join(over[:5])}))
    if rules.get("ukuran"):
        wrong = [m.display_name for m in members if m.umkm_id and m.umkm.size_class not in rules["ukuran"]]
        if wrong:
            failures.append(Failure("ukuran", _("Anggota UMKM di luar skala sasaran: %(v)s.") % {"v": ", ".join(wrong[:5])}))
    return failures


def eligibility_failures(program, *, umkm=None, kelompok=None, on: date, statuses: dict | None = None) -> list[Failure]:
    """Every rule of the program the UMKM or group does not meet on `on`; [] = eligible.
    An inactive UMKM or group never is. `statuses` (person_statuses of the people concerned)
    saves a query when many are checked at once."""
    rules = program.rules or {}
    target = umkm if umkm is not None else kelompok
    failures = []
    if not target.is_active:
        failures.append(Failure("aktif", _("Tidak aktif.")))
    desa = target.desa
    if rules.get("kecamatan") and desa.kecamatan.code not in rules["kecamatan"]:
        failures.append(Failure("kecamatan", _("Kecamatan %(v)s di luar wilayah sasaran.") % {"v": desa.kecamatan.name}))
    if rules.get("desa") and desa.code not in rules["desa"]:
        failures.append(Failure("desa", _("Desa %(v)s di luar wilayah sasaran.") % {"v": desa.name}))
    if umkm is not None:
        failures += _umkm_failures(rules, umkm)
    else:
        failures += _kelompok_failures(rules, kelompok, on)
    if any(rules.get(key) for key in PERSON_KEYS):
        people = people_of(umkm=umkm, kelompok=kelompok, on=on)
        if statuses is None:
            statuses = person_statuses([nik for _name, nik in people], on=on)
        failures += _person_failures(rules, people, statuses, group=umkm is None)
    return failures


def people_of(*, umkm=None, kelompok=None, on: date) -> list[tuple[str, str]]:
    """[(name, NIK)] of the people a rule on persons concerns: a UMKM's owner, a group's active members."""
    if umkm is not None:
        return [(umkm.owner_name or umkm.name, umkm.nik)]
    return [(m.display_name, m.person_nik) for m in kelompok.members_on(on)]


RULE_LABELS = {
    "ukuran": _noop("Skala usaha"), "kecamatan": _noop("Kecamatan"), "desa": _noop("Desa"), "sektor": _noop("Sektor"),
    "komoditas": _noop("Komoditas"), "skor_minimal": _noop("Skor potensi minimal"), "dokumen": _noop("Dokumen wajib"),
    "umur_kelompok_bulan": _noop("Umur kelompok minimal (bulan)"), "anggota_minimal": _noop("Anggota aktif minimal"),
    "wajib_register": _noop("Nomor register kelompok wajib"), "lahan_maks_ha": _noop("Lahan anggota maksimal (ha)"),
    "pengecualian": _noop("Dikecualikan"), "desil_maks": _noop("Desil kesejahteraan maksimal"),
}


def rules_described(rules: dict) -> list[str]:
    """The rule set in words, names instead of codes: "Kecamatan: Bojongsari, Kalimanah"."""
    from mapping.models import Desa, Kecamatan, Komoditas, Sector

    names = {
        "kecamatan": dict(Kecamatan.objects.values_list("code", "name")),
        "desa": dict(Desa.objects.filter(code__in=rules.get("desa") or []).values_list("code", "name")),
        "sektor": dict(Sector.objects.values_list("code", "name")),
        "komoditas": dict(Komoditas.objects.values_list("code", "name")),
        "ukuran": {value: str(label) for value, label in SizeClass.choices},
        "dokumen": {value: str(label) for value, label in Permit.Kind.choices},
        "pengecualian": {"kur": _("penerima KUR"), "asn": _("ASN/TNI/Polri")},
    }
    lines = []
    # In the order of RULE_KEYS, whatever order the database keeps the keys in (PostgreSQL's jsonb sorts them).
    for key in sorted(rules, key=lambda k: (RULE_KEYS.index(k) if k in RULE_KEYS else len(RULE_KEYS), k)):
        value = rules[key]
        if isinstance(value, list):
            value = ", ".join(names.get(key, {}).get(v, v) for v in value)
        elif isinstance(value, bool):
            value = _("ya") if value else _("tidak")
        lines.append(f"{_(RULE_LABELS.get(key, key))}: {value}")
    return lines


def parse_rules_text(text: str) -> dict:
    """A rule set typed in a form (JSON); raises ValueError with the reason in words."""
    import json

    try:
        value = json.loads(text or "{}")
    except (json.JSONDecodeError, InvalidOperation) as error:
        raise ValueError(_("Syarat penerima bukan JSON yang sah: %(e)s.") % {"e": error}) from None
    return value
