"""Determination rounds of produk unggulan: draft → submitted → adopted.

Every write bumps the round's version (a form sent from an older version is a conflict)
and leaves an audit entry; adoption changes the public pages, so it goes through
facts_changed() like every other write that changes figures.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping import rating, selectors
from mapping.models import (
    Candidate, CandidateScore, Komoditas, Participant, Penetapan, Rubric, Sentra,
)
from mapping.services.facts import facts_changed
from purbalingga_umkm.numbers import format_number
from mapping.services.rating import RatingError, scored_criteria
from purbalingga_umkm.audit import audit_event, audit_saved, audit_snapshot
from purbalingga_umkm.models import AuditEntry
from purbalingga_umkm.roles import Role, role_of


class PenetapanError(RatingError):
    """A refused change of a determination round, with a message per field."""


def _locked(penetapan, expected_version: int | None = None, *, draft: bool = True) -> Penetapan:
    """The round, locked for this transaction; refused when it moved on meanwhile."""
    locked = Penetapan.objects.select_for_update().get(pk=penetapan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PenetapanError({"version": _(
            "Penetapan ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman lalu periksa lagi.")})
    if draft and not locked.is_draft:
        raise PenetapanError({"status": _("Penetapan ini sudah %(status)s; tidak dapat diubah lagi.") % {
            "status": locked.get_status_display().lower()}})
    return locked


def _touch(penetapan) -> None:
    penetapan.version += 1
    penetapan.save(update_fields=["version", "updated_at"])


def _eligible(komoditas) -> bool:
    return komoditas.is_active and komoditas.sector.eligible_unggulan


def _measure_candidate(candidate, measures: selectors.AreaMeasures | None, criteria) -> None:
    """Store the commodity's evidence and, per criterion, its measure and proposal."""
    measures = measures or selectors.AreaMeasures()
    candidate.evidence = measures.as_json()
    candidate.measured_at = timezone.now()
    candidate.save(update_fields=["evidence", "measured_at"])
    existing = {s.criterion_id: s for s in candidate.scores.all()}
    for criterion in criteria:
        row = existing.get(criterion.pk) or CandidateScore(candidate=candidate, criterion=criterion)
        proposal = rating.AREA_PROPOSALS.get(criterion.code)
        if proposal is not None:
            value = getattr(measures, proposal.measure)
            row.measure = value
            row.measure_label = str(selectors.AREA_MEASURE_LABELS[proposal.measure])
            row.thresholds = thresholds_text(proposal)
            row.proposed_score = proposal.rule.level(value)
        row.save()


def thresholds_text(proposal: rating.AreaProposal) -> str:
    """"1: < 5 · 2: 5–< 20 · …" in the proposal's unit, as shown beside the proposal."""
    parts = []
    for level, low, high in proposal.rule.bands():
        if low is None:
            parts.append(f"{level}: < {format_number(high)}")
        elif high is None:
            parts.append(f"{level}: ≥ {format_number(low)}")
        else:
            parts.append(f"{level}: {format_number(low)}–< {format_number(high)}")
    unit = f" ({proposal.unit})" if proposal.unit else ""
    return " · ".join(parts) + unit


def _candidate_komoditas(*, kecamatan, desa, measures) -> list[Komoditas]:
    """Commodities with producers in the area, and those with a known sentra there."""
    sentra = Sentra.objects.filter(desa=desa) if desa is not None else Sentra.objects.filter(kecamatan=kecamatan)
    ids = set(measures) | set(sentra.values_list("komoditas_id", flat=True))
    return [k for k in Komoditas.objects.filter(pk__in=ids).select_related("sector") if _eligible(k)]


@transaction.atomic
def penetapan_create(*, kecamatan, desa, year: int, top_n: int, by) -> Penetapan:
    """A new draft round for the area and year, its candidates measured and proposed."""
    if desa is not None and desa.kecamatan_id != kecamatan.pk:
        raise PenetapanError({"desa": _("Desa %(desa)s tidak berada di Kecamatan %(kec)s.") % {
            "desa": desa.name, "kec": kecamatan.name}})
    rubric = Rubric.objects.current()
    if rubric is None:
        raise PenetapanError({"rubric": _("Belum ada rubrik penilaian yang aktif.")})
    penetapan = Penetapan(kecamatan=kecamatan, desa=desa, year=year, top_n=top_n, rubric=rubric, created_by=by)
    if Penetapan.objects.of_area(kecamatan=kecamatan, desa=desa).filter(year=year).exists():
        raise PenetapanError({"year": _("%(title)s sudah ada; buka yang itu.") % {"title": penetapan.title}})
    try:
        with transaction.atomic():
            penetapan.save()
    except IntegrityError:
        raise PenetapanError({"year": _("%(title)s sudah ada; buka yang itu.") % {"title": penetapan.title}})
    measures = selectors.komoditas_area_measures(kecamatan=kecamatan, desa=desa)
    criteria = list(rubric.criteria.all())
    for komoditas in _candidate_komoditas(kecamatan=kecamatan, desa=desa, measures=measures):
        candidate = Candidate.objects.create(penetapan=penetapan, komoditas=komoditas)
        _measure_candidate(candidate, measures.get(komoditas.pk), criteria)
    audit_saved(penetapan, before=None, by=by)
    return penetapan


@transaction.atomic
def penetapan_measure_again(*, penetapan, expected_version: int, by) -> Penetapan:
    """Measure every candidate again from today's registry (a draft only; scores stay)."""
    penetapan = _locked(penetapan, expected_version)
    measures = selectors.komoditas_area_measures(kecamatan=penetapan.kecamatan, desa=penetapan.desa)
    criteria = list(penetapan.rubric.criteria.all())
    for candidate in penetapan.candidates.prefetch_related("scores"):
        _measure_candidate(candidate, measures.get(candidate.komoditas_id), criteria)
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={"bukti": [None, "diukur ulang"]})
    return penetapan


@transaction.atomic
def candidate_add(*, penetapan, komoditas, expected_version: int, by) -> Candidate:
    penetapan = _locked(penetapan, expected_version)
    if not _eligible(komoditas):
        raise PenetapanError({"komoditas": _(
            "Komoditas %(name)s termasuk sektor %(sector)s, yang tidak dapat menjadi produk unggulan.") % {
            "name": komoditas.name, "sector": komoditas.sector.name}})
    if penetapan.candidates.filter(komoditas=komoditas).exists():
        raise PenetapanError({"komoditas": _("%(name)s sudah menjadi kandidat.") % {"name": komoditas.name}})
    candidate = Candidate.objects.create(penetapan=penetapan, komoditas=komoditas)
    measures = selectors.komoditas_area_measures(kecamatan=penetapan.kecamatan, desa=penetapan.desa)
    _measure_candidate(candidate, measures.get(komoditas.pk), list(penetapan.rubric.criteria.all()))
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={"kandidat": [None, komoditas.name]})
    return candidate


@transaction.atomic
def candidate_remove(*, candidate, expected_version: int, by) -> None:
    penetapan = _locked(candidate.penetapan, expected_version)
    name = candidate.komoditas.name
    candidate.delete()
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={"kandidat": [name, None]})


@transaction.atomic
def candidate_score(*, candidate, scores: dict[int, int], reasons: dict[int, str], expected_version: int,
                    by) -> Candidate:
    """The team's scores of one candidate on every criterion of the round's rubric; a
    score that differs from its proposal needs a reason."""
    penetapan = _locked(candidate.penetapan, expected_version)
    items = scored_criteria(penetapan.rubric, scores)
    rows = {row.criterion_id: row for row in candidate.scores.select_related("criterion")}
    errors = {}
    for criterion_id, row in rows.items():
        reason = (reasons.get(criterion_id) or "").strip()
        if row.proposed_score is not None and scores.get(criterion_id) != row.proposed_score and not reason:
            errors[f"reason_{criterion_id}"] = _(
                "Skor kriteria (%(code)s) berbeda dari usulan bukti (%(proposed)s); tuliskan alasannya.") % {
                "code": row.criterion.code, "proposed": row.proposed_score}
    if errors:
        raise PenetapanError(errors)
    now = timezone.now()
    before = {row.criterion.code: row.score for row in rows.values()}
    for criterion_id, row in rows.items():
        row.score = scores[criterion_id]
        row.reason = (reasons.get(criterion_id) or "").strip()
        row.scored_by, row.scored_at = by, now
    CandidateScore.objects.bulk_update(rows.values(), ["score", "reason", "scored_by", "scored_at"])
    candidate.weighted_score = rating.weighted_score(items)
    candidate.mpe_total = rating.mpe_total(items)
    candidate.save(update_fields=["weighted_score", "mpe_total"])
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={
        f"skor {candidate.komoditas.name}": [before, {i.code: i.score for i in items}]})
    return candidate


@transaction.atomic
def participant_add(*, penetapan, name: str, role: str, institution: str, expected_version: int, by) -> Participant:
    penetapan = _locked(penetapan, expected_version)
    participant = Participant(penetapan=penetapan, name=name.strip(), role=role, institution=institution.strip())
    participant.full_clean()
    participant.save()
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={"peserta": [None, str(participant)]})
    return participant


@transaction.atomic
def participant_remove(*, participant, expected_version: int, by) -> None:
    penetapan = _locked(participant.penetapan, expected_version)
    text = str(participant)
    participant.delete()
    _touch(penetapan)
    audit_event(penetapan, action=AuditEntry.Action.UPDATE, by=by, changes={"peserta": [text, None]})


def submission_problems(penetapan, *, candidates=None, participants=None) -> dict[str, str]:
    """What stops the round from being submitted, per field (empty when ready).
    `candidates` (with scores and criteria) and `participants` when already read."""
    problems = {}
    if candidates is None:
        candidates = list(penetapan.candidates.select_related("komoditas").prefetch_related("scores__criterion"))
    if participants is None:
        participants = list(penetapan.participants.all())
    if not candidates:
        problems["candidates"] = _("Belum ada kandidat komoditas.")
    missing = []
    for candidate in candidates:
        codes = [s.criterion.code for s in candidate.scores.all() if s.score is None]
        if codes or not candidate.is_scored:
            missing.append(_("%(name)s (kriteria %(codes)s)") % {
                "name": candidate.komoditas.name, "codes": ", ".join(codes) or _("semua")})
    if missing:
        problems["scores"] = _("Skor belum lengkap: %(list)s") % {"list": "; ".join(missing)}
    roles = {p.role for p in participants}
    if Participant.Role.TEAM not in roles:
        problems["participants"] = _("Catat paling sedikit satu anggota tim penilai.")
    elif not roles & {Participant.Role.DESA, Participant.Role.KECAMATAN, Participant.Role.COMMUNITY}:
        problems["participants"] = _(
            "Catat paling sedikit satu perwakilan desa, kecamatan atau masyarakat (Permendagri 9/2014 "
            "meminta pelibatan masyarakat).")
    return problems


@transaction.atomic
def penetapan_submit(*, penetapan, expected_version: int, by) -> Penetapan:
    """Freeze the round for adoption: every candidate scored on every criterion."""
    penetapan = _locked(penetapan, expected_version)
    if problems := submission_problems(penetapan):
        raise PenetapanError(problems)
    before = audit_snapshot(penetapan)
    penetapan.status = Penetapan.Status.SUBMITTED
    penetapan.submitted_by, penetapan.submitted_at = by, timezone.now()
    penetapan.version += 1
    penetapan.save()
    audit_saved(penetapan, before=before, by=by, action=AuditEntry.Action.SUBMIT)
    return penetapan


@transaction.atomic
def penetapan_reopen(*, penetapan, comment: str, expected_version: int, by) -> Penetapan:
    """Send a submitted round back to draft, with the reason in its note."""
    penetapan = _locked(penetapan, expected_version, draft=False)
    if penetapan.status != Penetapan.Status.SUBMITTED:
        raise PenetapanError({"status": _("Hanya penetapan yang diajukan dapat dikembalikan ke draf.")})
    if not comment.strip():
        raise PenetapanError({"comment": _("Tuliskan alasan pengembalian ke draf.")})
    before = audit_snapshot(penetapan)
    penetapan.status = Penetapan.Status.DRAFT
    penetapan.note = (penetapan.note + "\n" if penetapan.note else "") + _("Dikembalikan: %(comment)s") % {
        "comment": comment.strip()}
    penetapan.version += 1
    penetapan.save()
    audit_saved(penetapan, before=before, by=by, action=AuditEntry.Action.RETURN)
    return penetapan


def adoption_refusal(penetapan, user) -> dict[str, str]:
    """Why `user` may not adopt the round (empty when they may)."""
    if role_of(user) is not Role.ADMIN_DINAS:
        return {"status": _("Hanya Admin Dinas yang dapat menetapkan.")}
    if penetapan.status != Penetapan.Status.SUBMITTED:
        return {"status": _("Penetapan harus diajukan dulu sebelum ditetapkan.")}
    if CandidateScore.objects.filter(candidate__penetapan=penetapan, scored_by=user).exists():
        return {"status": _("Anda ikut memberi skor pada penetapan ini; penetapan harus disahkan orang lain.")}
    return {}


@transaction.atomic
def penetapan_adopt(*, penetapan, decree_number: str, decree_date: date | None, expected_version: int,
                    by) -> Penetapan:
    """Adopt the submitted round by decree; its top N become the area's produk unggulan."""
    penetapan = _locked(penetapan, expected_version, draft=False)
    if refusal := adoption_refusal(penetapan, by):
        raise PenetapanError(refusal)
    errors = {}
    if not decree_number.strip():
        errors["decree_number"] = _("Nomor keputusan wajib diisi.")
    if decree_date is None:
        errors["decree_date"] = _("Tanggal keputusan wajib diisi.")
    elif decree_date > timezone.localdate():
        errors["decree_date"] = _("Tanggal keputusan tidak boleh di masa depan.")
    if errors:
        raise PenetapanError(errors)
    before = audit_snapshot(penetapan)
    penetapan.status = Penetapan.Status.ADOPTED
    penetapan.decree_number, penetapan.decree_date = decree_number.strip(), decree_date
    penetapan.adopted_by, penetapan.adopted_at = by, timezone.now()
    penetapan.version += 1
    penetapan.save()
    audit_saved(penetapan, before=before, by=by, action=AuditEntry.Action.VERIFY)
    facts_changed()
    return penetapan
