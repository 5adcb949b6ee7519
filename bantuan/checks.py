"""Targeting checks ("tepat sasaran"): run on every proposed recipient, before approval,
by one function; each check that does not pass is a flag with its reason in words.

    program_ganda     the same UMKM/group (or the same business or person) already in this program
    penggabungan      aid this year from another program whose kind may not be combined (StackingRule)
    langsung_kelompok a UMKM aided directly and through its group in the same year
    nik_dua_kelompok  one NIK in two aided groups receiving the same kind of aid
    kelompok_baru     a group formed shortly before the proposal (GROUP_MIN_AGE_DAYS)
    satu_kk           several members of one family card (KK) in one aided group
    syarat_<rule>     a rule of the program not met (bantuan.rules)
    belum_dikunjungi  no visit or assessment in the last 12 months
"""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from bantuan.models import Kelompok, Member, Program, Recipient, StackingRule
from bantuan.rules import eligibility_failures
from mapping.models import Assessment
from mapping.spreadsheet_specs import umkm_identity
from mentoring.models import Visit

RECENT_DAYS = 365


def group_min_age_days() -> int:
    return settings.BANTUAN_GROUP_MIN_AGE_DAYS


def forbidden_kinds(kind: str) -> set[str]:
    """Kinds of aid that may not be combined with `kind` in one year (either order)."""
    forbidden = set()
    for a, b in StackingRule.objects.values_list("kind_a", "kind_b"):
        if a == kind:
            forbidden.add(b)
        if b == kind:
            forbidden.add(a)
    return forbidden


def umkm_keys(umkm) -> set[tuple]:
    """Ways the same business shows up twice: NIB, the owner's NIK, name + owner + desa."""
    keys = {("nama", umkm.desa_id, umkm_identity(umkm.name, umkm.owner_name))}
    if umkm.nib:
        keys.add(("nib", umkm.nib))
    if umkm.nik:
        keys.add(("nik", umkm.nik))
    return keys


def _same_business(umkm) -> Q:
    """UMKM recipients that are this business, under its id or another row of it."""
    same = Q(umkm=umkm)
    if umkm.nib:
        same |= Q(umkm__nib=umkm.nib)
    if umkm.nik:
        same |= Q(umkm__nik=umkm.nik)
    return same


def _aided_this_year(program: Program):
    return Recipient.objects.counting().filter(program__year=program.year).select_related("program", "stage")


def recipient_findings(recipient: Recipient, *, on: date) -> list[tuple[str, str]]:
    """[(check code, reason)] of every check the recipient does not pass on `on`."""
    program = recipient.program
    findings = []
    others = _aided_this_year(program).exclude(pk=recipient.pk)
    target = recipient.umkm if recipient.umkm_id else recipient.kelompok

    # The same business or group already in this program.
    if recipient.umkm_id:
        mine = others.filter(_same_business(recipient.umkm))
        name_key = umkm_identity(recipient.umkm.name, recipient.umkm.owner_name)
        mine_by_name = [r for r in others.filter(umkm__desa=recipient.umkm.desa_id).select_related("umkm")
                        if r.umkm_id and r.umkm_id != recipient.umkm_id
                        and umkm_identity(r.umkm.name, r.umkm.owner_name) == name_key]
    else:
        mine = others.filter(kelompok=recipient.kelompok)
        mine_by_name = []
    same_program = [r for r in mine if r.program_id == program.pk] + [r for r in mine_by_name if r.program_id == program.pk]
    if same_program:
        findings.append(("program_ganda", _("Sudah diusulkan/menerima program ini (%(where)s).") % {
            "where": ", ".join(f"{r.label} · {r.stage}" for r in same_program[:3])}))

    # Aid of kinds that may not be combined, this year.
    forbidden = forbidden_kinds(program.kind)
    clashing = [r for r in list(mine) + mine_by_name if r.program_id != program.pk and r.program.kind in forbidden]
    if clashing:
        findings.append(("penggabungan", _("Tahun ini sudah menerima %(programs)s; bantuan %(kind)s tidak boleh "
                                           "digabung dengan jenis itu.") % {
            "programs": ", ".join(f"{r.program} ({r.program.get_kind_display()})" for r in clashing[:3]),
            "kind": program.get_kind_display()}))

    same_kind = {program.kind} | forbidden
    if recipient.umkm_id:
        groups = Kelompok.objects.filter(members__umkm=recipient.umkm, members__left_on__isnull=True)
        through = others.filter(kelompok__in=groups, program__kind__in=same_kind)
        if through:
            findings.append(("langsung_kelompok", _("Juga menerima lewat kelompok %(groups)s tahun ini.") % {
                "groups": ", ".join(sorted({r.kelompok.name for r in through}))}))
    else:
        kelompok = recipient.kelompok
        members = kelompok.members_on(on)
        member_umkm = [m.umkm_id for m in members if m.umkm_id]
        direct = others.filter(umkm_id__in=member_umkm, program__kind__in=same_kind)
        if direct:
            findings.append(("langsung_kelompok", _("Anggota yang juga menerima langsung tahun ini: %(who)s.") % {
                "who": ", ".join(sorted({r.umkm.name for r in direct})[:5])}))
        niks = {m.person_nik for m in members if m.person_nik}
        if niks:
            aided_groups = others.filter(kelompok__isnull=False, program__kind__in=same_kind).exclude(
                kelompok=kelompok).values_list("kelompok_id", flat=True)
            doubled = (Member.objects.filter(kelompok_id__in=aided_groups, left_on__isnull=True)
                       .filter(Q(nik__in=niks) | Q(umkm__nik__in=niks)).select_related("kelompok", "umkm"))
            if doubled:
                findings.append(("nik_dua_kelompok", _("NIK anggota juga tercatat di kelompok lain yang menerima "
                                                       "bantuan sejenis: %(who)s.") % {
                    "who": ", ".join(sorted({f"{m.display_name} ({m.kelompok.name})" for m in doubled})[:5])}))
        if (on - kelompok.formed_on).days < group_min_age_days():
            findings.append(("kelompok_baru", _("Kelompok dibentuk %(days)s hari sebelum diusulkan (kurang dari "
                                                "%(min)s hari).") % {"days": (on - kelompok.formed_on).days,
                                                                    "min": group_min_age_days()}))
        families = Counter(m.kk_number for m in members if m.kk_number)
        shared = [kk for kk, count in families.items() if count > 1]
        if shared:
            findings.append(("satu_kk", _("%(n)s anggota dari satu KK (%(kk)s).") % {
                "n": max(families[kk] for kk in shared), "kk": ", ".join(shared[:3])}))
        if not members:
            findings.append(("tanpa_anggota", _("Kelompok tidak punya anggota aktif.")))

    for failure in eligibility_failures(program, umkm=recipient.umkm, kelompok=recipient.kelompok, on=on):
        findings.append((f"syarat_{failure.rule}", _("Tidak memenuhi syarat: %(why)s") % {"why": failure.message}))

    umkm_ids = [recipient.umkm_id] if recipient.umkm_id else [m.umkm_id for m in target.members.all() if m.umkm_id]
    since = on - timedelta(days=RECENT_DAYS)
    if not umkm_ids or not (Visit.objects.filter(umkm_id__in=umkm_ids, date__gte=since).exists()
                            or Assessment.objects.filter(product__umkm_id__in=umkm_ids, created_at__date__gte=since).exists()):
        findings.append(("belum_dikunjungi", _("Tidak ada kunjungan atau penilaian pendamping dalam 12 bulan terakhir.")))
    return findings
