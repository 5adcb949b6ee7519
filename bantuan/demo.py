"""Demo aid (labelled DEMO): groups in the real production centres, a program of this year
announced to the public with its shortlist proposed and checked, a program for farmer
groups, and last year's program delivered with its use checks — some recorded, some due on
the demo pendamping's "Tugas saya". Deterministic for a seed; added to `seed_demo` and
removed by `clear_demo` through purbalingga_umkm.demo."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bantuan import services
from bantuan.models import (
    AidKind, Disbursement, Flag, Kelompok, Member, Objection, Program, Recipient, RecipientEvent, Stage, UseCheck,
    due_after,
)
from bantuan.shortlist import shortlist
from mapping.demo import DEMO_USERNAME_PREFIX
from mapping.models import UMKM, Product, Sentra

FARMER_NAMES = ("Sukarso", "Waryono", "Tarsini", "Rasinah", "Darsono", "Karyadi", "Sumiyati", "Slamet", "Warsini",
                "Kusnadi", "Tumini", "Sarwono", "Casmirah", "Parjo", "Wasiyem", "Kartono")
POKTAN_NAMES = ("Poktan Sida Makmur", "Poktan Ngudi Rejeki", "Poktan Tani Maju", "Poktan Sri Rejeki")
USE_RESULTS = [UseCheck.Result.USED] * 6 + [UseCheck.Result.PARTLY] * 2 + [UseCheck.Result.UNUSED, UseCheck.Result.SOLD]


def _user(name):
    return get_user_model().objects.filter(username=f"{DEMO_USERNAME_PREFIX}{name}").first()


def _nik(desa_code: str, serial: int, rng) -> str:
    """A NIK of the right shape for the desa's kecamatan (area code + birth date + serial)."""
    area = desa_code.replace(".", "")[:6]
    day, month, year = rng.randint(1, 28) + rng.choice((0, 40)), rng.randint(1, 12), rng.randint(60, 99)
    return f"{area}{day:02d}{month:02d}{year:02d}{serial:04d}"


@transaction.atomic
def demo_aid_seed(*, seed: int = 2026) -> str:
    if Program.objects.filter(is_demo=True).exists():
        return "Bantuan demo sudah ada; tidak diubah."
    admin, approver = _user("admin"), _user("pimpinan")
    if admin is None or not UMKM.objects.demo().exists():
        return "Bantuan demo dilewati: belum ada UMKM demo."
    rng = random.Random(seed)
    today = timezone.localdate()
    groups = _groups(rng, today)
    this_year = _program(name="Bantuan Peralatan Sentra Produk Unggulan (DEMO)", year=today.year, kind=AidKind.PERALATAN,
                         recipient_type="umkm", budget=450_000_000, quota=30, rules={"ukuran": ["mikro", "kecil"]},
                         public_list=True, objection_until=today + timedelta(days=14))
    proposed = 0
    for candidate in shortlist(this_year, limit=24):
        services.recipient_propose(program=this_year, stage=this_year.stages.first(), umkm=candidate.umkm, by=admin,
                                   note=candidate.explanation[:500])
        proposed += 1
    first = this_year.recipients.order_by("pk").first()
    if first is not None:
        Objection.objects.create(program=this_year, recipient=first, sender_name="Warga (demo)",
                                 text="Usaha ini setahu saya sudah menerima alat dari CSR tahun ini (contoh sanggahan demo).")
    farmers = _program(name="Sarana Produksi Kelompok Tani (DEMO)", year=today.year, kind=AidKind.SARPROD,
                       recipient_type="kelompok", budget=200_000_000, quota=8,
                       rules={"anggota_minimal": 10, "umur_kelompok_bulan": 6})
    for group in groups:
        if group.kind == Kelompok.Kind.POKTAN:
            services.recipient_propose(program=farmers, stage=farmers.stages.first(), kelompok=group, by=admin,
                                       note="usulan musrenbang desa (demo)")
    delivered = _last_year(rng, today, admin, approver or admin)
    return (f"Bantuan DEMO: {len(groups)} kelompok, 3 program, {proposed} usulan tahun ini, "
            f"{delivered} penyaluran tahun lalu dengan cek pemanfaatan.")


def _program(*, stages=1, **fields) -> Program:
    program = Program.objects.create(dinas="Dinas Koperasi, UKM dan Perdagangan (demo)", budget_source="apbd",
                                     is_demo=True, description="Program contoh untuk data demo.", **fields)
    for number in range(1, stages + 1):
        Stage.objects.create(program=program, number=number)
    return program


def _groups(rng, today) -> list[Kelompok]:
    """A KUB in each real production centre of the demo UMKM; poktan with farmer members."""
    groups, seen = [], set()
    for sentra in (Sentra.objects.filter(desa__isnull=False).select_related("desa", "komoditas")
                   .order_by("komoditas__code", "desa__code")):
        if (sentra.komoditas_id, sentra.desa_id) in seen or len(groups) >= 8:
            continue
        seen.add((sentra.komoditas_id, sentra.desa_id))
        makers = list(UMKM.objects.demo().filter(desa=sentra.desa, products__komoditas=sentra.komoditas).distinct()
                      .order_by("pk")[:12])
        if len(makers) < 2:
            continue
        group = Kelompok.objects.create(name=f"KUB {sentra.komoditas.name} {sentra.desa.name}"[:150], kind=Kelompok.Kind.KUB,
                                        desa=sentra.desa, komoditas=sentra.komoditas, is_demo=True,
                                        leader_name=makers[0].owner_name,
                                        formed_on=today - timedelta(days=rng.randint(400, 2000)))
        Member.objects.bulk_create(Member(kelompok=group, umkm=umkm, joined_on=group.formed_on) for umkm in makers)
        groups.append(group)
    desa_pool = sorted({umkm.desa for umkm in UMKM.objects.demo().select_related("desa").defer("desa__boundary")[:400]},
                       key=lambda d: d.code)
    for n, name in enumerate(POKTAN_NAMES):
        desa = desa_pool[(n * 7) % len(desa_pool)]
        formed = today - timedelta(days=rng.randint(90, 1500))  # one may be too young: a flag to see
        group = Kelompok.objects.create(name=name, kind=Kelompok.Kind.POKTAN, desa=desa, is_demo=True,
                                        leader_name=FARMER_NAMES[n], formed_on=formed,
                                        registry_number=f"DEMO-{desa.code}-{n + 1:02d}")
        size = rng.randint(8, 16)
        Member.objects.bulk_create(
            Member(kelompok=group, name=FARMER_NAMES[(n + i) % len(FARMER_NAMES)], nik=_nik(desa.code, 9000 + n * 50 + i, rng),
                   desa=desa, land_area_ha=Decimal(rng.choice(("0.25", "0.5", "0.75", "1", "1.5"))), joined_on=formed)
            for i in range(size))
        groups.append(group)
    return groups


def _last_year(rng, today, admin, approver) -> int:
    """Last year's capital program, delivered: use checks recorded, or due now on Tugas saya."""
    program = _program(name="Bantuan Modal Usaha Mikro (DEMO)", year=today.year - 1, kind=AidKind.MODAL,
                       recipient_type="umkm", budget=300_000_000, quota=40, rules={"ukuran": ["mikro"]}, stages=2)
    first_stage, second_stage = program.stages.order_by("number")
    makers = Product.objects.filter(komoditas__isnull=False, is_active=True).values("umkm")
    chosen = list(UMKM.objects.demo().of_size_class("mikro").filter(pk__in=makers).select_related("desa").order_by("pk")[:400])
    rng.shuffle(chosen)
    delivered = 0
    for n, umkm in enumerate(chosen[:36]):
        # Tahap 1 was handed over last year; tahap 2 about three months ago (its check is due now).
        late = n % 6 == 0
        recipient = Recipient.objects.create(program=program, stage=second_stage if late else first_stage, umkm=umkm, kecamatan_id=umkm.desa.kecamatan_id,
                                             state=Recipient.State.ENROLLED, proposed_by=admin,
                                             shortlist_note="usulan pendamping (demo)")
        RecipientEvent.objects.create(recipient=recipient, state_before="", state_after=Recipient.State.PROPOSED, by=admin)
        RecipientEvent.objects.create(recipient=recipient, state_before=Recipient.State.PROPOSED,
                                      state_after=Recipient.State.ENROLLED, by=admin)
        on = (today - timedelta(days=rng.randint(84, 96)) if late
              else date(today.year - 1, rng.randint(6, 11), rng.randint(1, 28)))
        days_ago = (today - on).days
        value = rng.choice((2_500_000, 5_000_000, 7_500_000))
        payment = Disbursement.objects.create(
            recipient=recipient, value=value, items="modal kerja (demo)", status=Disbursement.Status.DELIVERED,
            proposed_by=admin, approved_by=approver, proposed_at=timezone.now() - timedelta(days=days_ago + 20),
            approved_at=timezone.now() - timedelta(days=days_ago + 10), delivered_on=on,
            bast_number=f"DEMO/BAST/{today.year - 1}/{n + 1:03d}")
        delivered += 1
        for months in (3, 6):
            due = due_after(on, months)
            check = UseCheck(disbursement=payment, months=months, due_on=due)
            if due < today - timedelta(days=10) and rng.random() < 0.85:
                check.result = rng.choice(USE_RESULTS)
                check.recorded_on = due + timedelta(days=rng.randint(0, 9))
                check.workers = rng.randint(1, 5)
                check.monthly_turnover = int((umkm.annual_turnover or 24_000_000) / 12 * rng.uniform(0.95, 1.35)) // 1000 * 1000
                check.note = "catatan demo"
            check.save()
    return delivered


@transaction.atomic
def demo_aid_clear() -> int:
    """Every demo program and group with what hangs on them (recipients, flags, payments, checks)."""
    programs = Program.objects.filter(is_demo=True)
    recipients = Recipient.objects.filter(program__in=programs)
    groups = Kelompok.objects.filter(is_demo=True)
    deleted = 0
    for queryset in (
        Objection.objects.filter(program__in=programs),
        UseCheck.objects.filter(disbursement__recipient__in=recipients),
        Disbursement.objects.filter(recipient__in=recipients),
        Flag.objects.filter(recipient__in=recipients),
        RecipientEvent.objects.filter(recipient__in=recipients),
        # Real programs never hold demo groups' places; if one does, the PROTECT says so.
        recipients,
        Member.objects.filter(kelompok__in=groups), groups,
        Stage.objects.filter(program__in=programs), programs,
    ):
        count, _per_model = queryset.delete()
        deleted += count
    return deleted
