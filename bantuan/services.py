"""Every write of the aid process, each checked and recorded (who, when, before/after):
proposing a recipient, its state, the targeting flags and their overrides, disbursement
(propose → approve → deliver) and the follow-up of its use."""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bantuan.checks import recipient_findings
from bantuan.models import USE_CHECK_MONTHS, Disbursement, Flag, Kelompok, Recipient, RecipientEvent, UseCheck, due_after
from bantuan.rules import eligibility_failures
from mapping.models import UMKM
from purbalingga_umkm.audit import audit_saved, audit_snapshot

# Rules whose failure refuses a proposal outright; the others become flags to weigh.
REFUSING_RULES = ("aktif", "kecamatan", "desa")
MIN_JUSTIFICATION = 20


class BantuanError(Exception):
    """A write refused, with the reason in words (and the field it concerns, if one)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message, self.field = str(message), field


def _event(recipient, before: str, reason: str, by):
    RecipientEvent.objects.create(recipient=recipient, state_before=before, state_after=recipient.state,
                                  reason=reason, by=by)


def flags_refresh(recipient: Recipient, *, on=None) -> list[Flag]:
    """Run every targeting check; keep a flag per failing check (an overridden one stays
    overridden), drop open flags whose check now passes. Returns the open flags."""
    on = on or timezone.localdate()
    findings = dict(recipient_findings(recipient, on=on))
    existing = {flag.code: flag for flag in recipient.flags.all()}
    for code, message in findings.items():
        flag = existing.get(code)
        if flag is None:
            Flag.objects.create(recipient=recipient, code=code, message=message[:500])
        elif flag.message != message[:500] and flag.is_open:
            Flag.objects.filter(pk=flag.pk).update(message=message[:500])
    Flag.objects.filter(recipient=recipient, overridden_at__isnull=True).exclude(code__in=list(findings)).delete()
    return list(recipient.flags.filter(overridden_at__isnull=True))


def recipient_propose(*, program, stage, by, umkm=None, kelompok=None, note: str = "", on=None) -> Recipient:
    """Propose a UMKM or group for a program's stage (usulan), checked at once. Refused:
    the wrong kind of recipient, outside the user's scope, inactive or outside the target
    area, already proposed in that stage, or the quota full."""
    on = on or timezone.localdate()
    if stage.program_id != program.pk:
        raise BantuanError(_("Tahap ini bukan tahap program %(p)s.") % {"p": program}, "stage")
    wanted = program.RecipientType.UMKM if umkm is not None else program.RecipientType.KELOMPOK
    if program.recipient_type != wanted:
        raise BantuanError(_("Program ini untuk penerima %(type)s.") % {"type": program.get_recipient_type_display()})
    if umkm is not None and not UMKM.objects.editable_by(by).filter(pk=umkm.pk).exists():
        raise BantuanError(_("UMKM ini di luar wilayah tugas Anda."))
    if kelompok is not None and not Kelompok.objects.editable_by(by).filter(pk=kelompok.pk).exists():
        raise BantuanError(_("Kelompok ini di luar wilayah tugas Anda."))
    refusing = [f for f in eligibility_failures(program, umkm=umkm, kelompok=kelompok, on=on) if f.rule in REFUSING_RULES]
    if refusing:
        raise BantuanError(_("Tidak dapat diusulkan: %(why)s") % {"why": " ".join(f.message for f in refusing)})
    with transaction.atomic():
        locked = type(program).objects.select_for_update().get(pk=program.pk)
        if Recipient.objects.counting().filter(program=locked).count() >= locked.quota:
            raise BantuanError(_("Kuota program %(p)s (%(n)s penerima) sudah penuh.") % {"p": locked, "n": locked.quota})
        desa = (umkm or kelompok).desa
        recipient = Recipient(program=program, stage=stage, umkm=umkm, kelompok=kelompok, kecamatan_id=desa.kecamatan_id,
                              proposed_by=by, shortlist_note=note[:500])
        try:
            with transaction.atomic():
                recipient.save()
        except IntegrityError:
            raise BantuanError(_("%(who)s sudah diusulkan di %(stage)s program ini.") % {
                "who": (umkm or kelompok).name, "stage": stage}) from None
        _event(recipient, "", note, by)
        audit_saved(recipient, before=None, by=by)
        flags_refresh(recipient, on=on)
    return recipient


def flag_override(*, flag: Flag, justification: str, by) -> Flag:
    """Accept a recipient despite a flag: only with a written justification, kept with who and when."""
    justification = " ".join((justification or "").split())
    if len(justification) < MIN_JUSTIFICATION:
        raise BantuanError(_("Tuliskan alasan paling sedikit %(n)s karakter: mengapa penerima ini tetap tepat "
                             "sasaran.") % {"n": MIN_JUSTIFICATION}, "justification")
    if not flag.is_open:
        raise BantuanError(_("Temuan ini sudah diterima sebelumnya."))
    before = audit_snapshot(flag)
    flag.justification, flag.overridden_by, flag.overridden_at = justification, by, timezone.now()
    flag.save(update_fields=["justification", "overridden_by", "overridden_at"])
    audit_saved(flag, before=before, by=by)
    return flag


def recipient_state_set(*, recipient: Recipient, state: str, reason: str, by, expected_version: int) -> Recipient:
    """Enrol (approve), pause, exit or refuse a recipient. Every state but enrolment needs a
    reason; enrolment needs every flag resolved or overridden and is re-checked first."""
    reason = " ".join((reason or "").split())
    if state not in Recipient.State.values:
        raise BantuanError(_("Status tidak dikenal."), "state")
    if state != Recipient.State.ENROLLED and not reason:
        raise BantuanError(_("Tuliskan alasannya."), "reason")
    with transaction.atomic():
        current = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if current.version != expected_version:
            raise BantuanError(_("Penerima ini baru saja diubah orang lain; muat ulang halaman lalu ulangi."))
        if state == Recipient.State.ENROLLED:
            open_flags = flags_refresh(current)
            if open_flags:
                raise BantuanError(_("Belum dapat ditetapkan: %(n)s temuan sasaran masih terbuka (%(which)s). "
                                     "Selesaikan atau terima dengan alasan.") % {
                    "n": len(open_flags), "which": "; ".join(f.message for f in open_flags[:2])})
        before = audit_snapshot(current)
        previous = current.state
        current.state, current.reason = state, reason[:500]
        current.version = F("version") + 1
        current.save(update_fields=["state", "reason", "version"])
        current.refresh_from_db()
        _event(current, previous, reason, by)
        audit_saved(current, before=before, by=by)
    return current


def budget_used(program) -> int:
    return (Disbursement.objects.filter(recipient__program=program)
            .exclude(status__in=[Disbursement.Status.REJECTED, Disbursement.Status.CANCELLED])
            .aggregate(total=Sum("value"))["total"] or 0)


def disbursement_propose(*, recipient: Recipient, value: int, items: str, by) -> Disbursement:
    if value is None or value <= 0:
        raise BantuanError(_("Nilai penyaluran harus lebih dari 0."), "value")
    if recipient.state not in (Recipient.State.PROPOSED, Recipient.State.ENROLLED):
        raise BantuanError(_("Penerima berstatus %(s)s tidak dapat diberi penyaluran.") % {
            "s": recipient.get_state_display()})
    with transaction.atomic():
        program = type(recipient.program).objects.select_for_update().get(pk=recipient.program_id)
        used = budget_used(program)
        if used + value > program.budget:
            raise BantuanError(_("Melebihi pagu program: terpakai Rp%(used)s dari Rp%(budget)s; sisa Rp%(left)s.") % {
                "used": f"{used:,}".replace(",", "."), "budget": f"{program.budget:,}".replace(",", "."),
                "left": f"{program.budget - used:,}".replace(",", ".")}, "value")
        disbursement = Disbursement.objects.create(recipient=recipient, value=value, items=items[:500], proposed_by=by)
        audit_saved(disbursement, before=None, by=by)
    return disbursement


def disbursement_approve(*, disbursement: Disbursement, by) -> Disbursement:
    if disbursement.status != Disbursement.Status.PROPOSED:
        raise BantuanError(_("Hanya penyaluran berstatus diusulkan yang dapat disetujui."))
    if disbursement.proposed_by_id == by.pk:
        raise BantuanError(_("Penyaluran tidak boleh disetujui oleh pengusulnya sendiri."))
    if disbursement.recipient.state != Recipient.State.ENROLLED:
        raise BantuanError(_("Tetapkan penerimanya (status terdaftar) sebelum menyetujui penyaluran."))
    before = audit_snapshot(disbursement)
    disbursement.status, disbursement.approved_by, disbursement.approved_at = (
        Disbursement.Status.APPROVED, by, timezone.now())
    disbursement.save(update_fields=["status", "approved_by", "approved_at"])
    audit_saved(disbursement, before=before, by=by)
    return disbursement


def disbursement_deliver(*, disbursement: Disbursement, delivered_on, bast_number: str, by, photo=None,
                         document=None) -> Disbursement:
    """Record the handover (BAST); the 3- and 6-month follow-ups of its use are scheduled."""
    if disbursement.status != Disbursement.Status.APPROVED:
        raise BantuanError(_("Penyaluran belum disetujui: serah terima dicatat setelah persetujuan."))
    if delivered_on > timezone.localdate():
        raise BantuanError(_("Tanggal serah terima tidak boleh di masa depan."), "delivered_on")
    if delivered_on < timezone.localtime(disbursement.approved_at).date():
        raise BantuanError(_("Tanggal serah terima tidak boleh sebelum tanggal persetujuan."), "delivered_on")
    if not (bast_number or "").strip():
        raise BantuanError(_("Isi nomor BAST."), "bast_number")
    with transaction.atomic():
        before = audit_snapshot(disbursement)
        disbursement.status, disbursement.delivered_on, disbursement.bast_number = (
            Disbursement.Status.DELIVERED, delivered_on, bast_number.strip()[:100])
        if photo is not None:
            disbursement.photo = photo
        if document is not None:
            disbursement.bast_document = document
        disbursement.save()
        for months in USE_CHECK_MONTHS:
            UseCheck.objects.get_or_create(disbursement=disbursement, months=months,
                                           defaults={"due_on": due_after(delivered_on, months)})
        audit_saved(disbursement, before=before, by=by)
    return disbursement


def use_check_record(*, check: UseCheck, result: str, by, recorded_on=None, **facts) -> UseCheck:
    if result not in UseCheck.Result.values:
        raise BantuanError(_("Pilih pemanfaatan bantuan."), "result")
    before = audit_snapshot(check)
    check.result = result
    check.recorded_on = recorded_on or timezone.localdate()
    check.recorded_by = by
    for name, value in facts.items():
        setattr(check, name, value)
    check.save()
    audit_saved(check, before=before, by=by)
    return check


RECIPIENTS = "recipients"  # the kind of rows whose desa recipients_follow_their_desa() follows


def recipients_follow_their_desa(desa_ids=None) -> None:
    """Recipients of UMKM or groups in these desa (in every desa when None) take their desa's
    kecamatan, which scopes them and counts them in reports: a desa moved to another
    kecamatan in the admin, a UMKM or group moved to a desa of another kecamatan."""
    for path in ("umkm__desa", "kelompok__desa"):
        recipients = Recipient.objects.filter(**{f"{path}__isnull": False})
        if desa_ids is not None:
            recipients = recipients.filter(**{f"{path}_id__in": desa_ids})
        moved = recipients.exclude(kecamatan_id=F(f"{path}__kecamatan_id")).values_list("pk", f"{path}__kecamatan_id")
        for kecamatan_id, pks in _grouped(moved).items():
            Recipient.objects.filter(pk__in=pks).update(kecamatan_id=kecamatan_id)


def _grouped(pairs) -> dict:
    groups: dict = {}
    for pk, key in pairs:
        groups.setdefault(key, []).append(pk)
    return groups


def kelompok_save(*, form, members, by) -> Kelompok:
    """A group and its member rows (valid forms), in one transaction, each change audited;
    moved to a desa of another kecamatan, its recipients follow."""
    with transaction.atomic():
        before = audit_snapshot(form.instance) if form.instance.pk else None
        kelompok = form.save(commit=False)
        if kelompok.pk is None:
            kelompok.created_by = by
        kelompok.save()
        recipients_follow_their_desa([kelompok.desa_id])
        audit_saved(kelompok, before=before, by=by)
        members.instance = kelompok
        for member in members.save(commit=False):
            member_before = audit_snapshot(type(member).objects.get(pk=member.pk)) if member.pk else None
            member.save()
            audit_saved(member, before=member_before, by=by)
    return kelompok


# --- The public recipient list and its objections (sanggahan) ---------------------------------

MIN_OBJECTION = 20


def objections_open(program, *, on=None) -> bool:
    """Whether the public may still object to the program's announced list."""
    on = on or timezone.localdate()
    return program.public_list and (program.objection_until is None or on <= program.objection_until)


def objection_submit(*, program, recipient_id, text: str, sender_name: str, sender_contact: str = ""):
    """A sanggahan from the public on an announced list; refused when the list is not announced
    or the objection period is over, or the text says too little to act on."""
    from bantuan.models import Objection

    if not objections_open(program):
        raise BantuanError(_("Masa sanggah program ini sudah berakhir atau daftarnya tidak diumumkan."))
    text = (text or "").strip()
    if len(" ".join(text.split())) < MIN_OBJECTION:
        raise BantuanError(_("Tuliskan isi sanggahan paling sedikit %(n)s karakter: siapa dan mengapa tidak tepat "
                             "sasaran.") % {"n": MIN_OBJECTION}, "text")
    sender_name = " ".join((sender_name or "").split())
    if not sender_name:
        raise BantuanError(_("Isi nama pengirim."), "sender_name")
    recipient = None
    if recipient_id:
        recipient = program.recipients.counting().filter(pk=recipient_id).first()
        if recipient is None:
            raise BantuanError(_("Penerima yang disanggah tidak ada di daftar program ini."), "recipient")
    objection = Objection.objects.create(program=program, recipient=recipient, text=text[:4000],
                                         sender_name=sender_name[:150], sender_contact=(sender_contact or "").strip()[:150])
    audit_saved(objection, before=None, by=None)
    return objection


def objection_answer(*, objection, status: str, answer: str, by):
    """Staff answer a sanggahan on record: upheld (then act on the recipient) or dismissed, with the reason."""
    from bantuan.models import Objection

    answer = (answer or "").strip()
    if status not in (Objection.Status.UPHELD, Objection.Status.DISMISSED):
        raise BantuanError(_("Pilih: sanggahan diterima atau ditolak."), "status")
    if len(" ".join(answer.split())) < MIN_JUSTIFICATION:
        raise BantuanError(_("Tuliskan jawaban paling sedikit %(n)s karakter.") % {"n": MIN_JUSTIFICATION}, "answer")
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if current.status != Objection.Status.OPEN:
            raise BantuanError(_("Sanggahan ini sudah dijawab."))
        before = audit_snapshot(current)
        current.status, current.answer, current.answered_by, current.answered_at = status, answer[:4000], by, timezone.now()
        current.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        audit_saved(current, before=before, by=by)
    return current
