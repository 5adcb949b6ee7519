"""Pages of the determination rounds (penetapan produk unggulan): Admin Dinas prepare,
score, submit and adopt; Pimpinan and the kecamatan's pendamping read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mapping import selectors, services
from mapping.forms import (
    AdoptForm, CandidateAddForm, CandidateScoreForm, ParticipantForm, PenetapanCreateForm, ReopenForm, VersionedForm,
)
from mapping.models import Candidate, Participant, Penetapan
from purbalingga_umkm.params import id_param
from purbalingga_umkm.roles import Role, role_of, role_required
from purbalingga_umkm.tables import table_response

READ_ROLES = (Role.ADMIN_DINAS, Role.PIMPINAN, Role.PENDAMPING)
ROUNDS_PER_PAGE = 25


def _visible(request, pk) -> Penetapan:
    return get_object_or_404(
        Penetapan.objects.visible_to(request.user).select_related("kecamatan", "desa", "rubric").defer(
            "kecamatan__boundary", "kecamatan__centre", "desa__boundary", "desa__centre"), pk=pk)


@require_safe
@role_required(*READ_ROLES)
def penetapan_list(request):
    rounds = selectors.penetapan_visible_list(user=request.user, year=id_param(request.GET, "tahun"),
                                              status=request.GET.get("status", ""))
    context = {"page": Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("halaman")),
               "statuses": Penetapan.Status.choices, "status": request.GET.get("status", ""),
               "year": id_param(request.GET, "tahun"), "can_create": role_of(request.user) is Role.ADMIN_DINAS}
    return render(request, "mapping/penetapan_list.html", context)


@role_required(Role.ADMIN_DINAS)
def penetapan_create(request):
    form = PenetapanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            penetapan = services.penetapan_create(
                kecamatan=form.cleaned_data["kecamatan"], desa=form.cleaned_data["desa"],
                year=form.cleaned_data["year"], top_n=form.cleaned_data["top_n"], by=request.user)
        except services.PenetapanError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(title)s dibuat dengan %(n)s kandidat.") % {
                "title": penetapan.title, "n": penetapan.candidates.count()})
            return redirect("mapping:penetapan-detail", pk=penetapan.pk)
    return render(request, "mapping/penetapan_form.html", {"form": form})


@require_safe
@role_required(*READ_ROLES)
def penetapan_detail(request, pk):
    penetapan = _visible(request, pk)
    candidates = selectors.penetapan_candidates(penetapan=penetapan)
    participants = list(penetapan.participants.all())
    can_edit = role_of(request.user) is Role.ADMIN_DINAS
    context = {
        "penetapan": penetapan, "candidates": candidates,
        "results": selectors.penetapan_results(penetapan=penetapan, candidates=candidates),
        "participants": participants,
        "can_edit": can_edit and penetapan.is_draft,
        "problems": services.submission_problems(penetapan, candidates=candidates, participants=participants)
        if penetapan.is_draft else {},
        "adoption_refusal": services.adoption_refusal(penetapan, request.user),
        "measure_labels": selectors.AREA_MEASURE_LABELS,
        "version_form": VersionedForm(initial={"version": penetapan.version}),
        "participant_form": ParticipantForm(initial={"version": penetapan.version}),
        "candidate_form": CandidateAddForm(initial={"version": penetapan.version}),
        "adopt_form": AdoptForm(initial={"version": penetapan.version}),
        "reopen_form": ReopenForm(initial={"version": penetapan.version}),
        "can_review": can_edit and penetapan.status == Penetapan.Status.SUBMITTED,
    }
    return render(request, "mapping/penetapan_detail.html", context)


@role_required(Role.ADMIN_DINAS)
def candidate_score(request, pk, candidate_pk):
    penetapan = _visible(request, pk)
    candidate = get_object_or_404(
        Candidate.objects.filter(penetapan=penetapan).select_related("komoditas").prefetch_related(
            "scores__criterion__levels"), pk=candidate_pk)
    form = CandidateScoreForm(request.POST or None, candidate=candidate, version=penetapan.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_score(candidate=candidate, scores=form.scores(), reasons=form.reasons(),
                                     expected_version=form.cleaned_data["version"], by=request.user)
        except services.RatingError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Skor %(name)s tersimpan.") % {"name": candidate.komoditas.name})
            return redirect("mapping:penetapan-detail", pk=penetapan.pk)
    context = {"penetapan": penetapan, "candidate": candidate, "form": form,
               "measure_labels": selectors.AREA_MEASURE_LABELS}
    return render(request, "mapping/penetapan_score.html", context)


def _add_participant(request, penetapan, form):
    services.participant_add(penetapan=penetapan, name=form.cleaned_data["name"], role=form.cleaned_data["role"],
                             institution=form.cleaned_data["institution"],
                             expected_version=form.cleaned_data["version"], by=request.user)
    return _("Peserta dicatat.")


def _remove_participant(request, penetapan, form):
    participant = get_object_or_404(Participant, penetapan=penetapan, pk=id_param(request.POST, "peserta"))
    services.participant_remove(participant=participant, expected_version=form.cleaned_data["version"], by=request.user)
    return _("Peserta dihapus.")


def _add_candidate(request, penetapan, form):
    services.candidate_add(penetapan=penetapan, komoditas=form.cleaned_data["komoditas"],
                           expected_version=form.cleaned_data["version"], by=request.user)
    return _("Kandidat ditambahkan dengan buktinya.")


def _remove_candidate(request, penetapan, form):
    candidate = get_object_or_404(Candidate, penetapan=penetapan, pk=id_param(request.POST, "kandidat"))
    services.candidate_remove(candidate=candidate, expected_version=form.cleaned_data["version"], by=request.user)
    return _("Kandidat dihapus.")


def _measure_again(request, penetapan, form):
    services.penetapan_measure_again(penetapan=penetapan, expected_version=form.cleaned_data["version"],
                                     by=request.user)
    return _("Bukti semua kandidat diukur ulang dari data terkini.")


def _submit(request, penetapan, form):
    services.penetapan_submit(penetapan=penetapan, expected_version=form.cleaned_data["version"], by=request.user)
    return _("Penetapan diajukan. Admin Dinas lain yang tidak ikut memberi skor dapat menetapkannya.")


def _reopen(request, penetapan, form):
    services.penetapan_reopen(penetapan=penetapan, comment=form.cleaned_data["comment"],
                              expected_version=form.cleaned_data["version"], by=request.user)
    return _("Penetapan dikembalikan ke draf.")


def _adopt(request, penetapan, form):
    services.penetapan_adopt(penetapan=penetapan, decree_number=form.cleaned_data["decree_number"],
                             decree_date=form.cleaned_data["decree_date"],
                             expected_version=form.cleaned_data["version"], by=request.user)
    return _("Produk unggulan ditetapkan.")


# aksi → (form, handler): every change of a round is one POST to penetapan_change.
ACTIONS = {
    "tambah-peserta": (ParticipantForm, _add_participant),
    "hapus-peserta": (VersionedForm, _remove_participant),
    "tambah-kandidat": (CandidateAddForm, _add_candidate),
    "hapus-kandidat": (VersionedForm, _remove_candidate),
    "ukur-ulang": (VersionedForm, _measure_again),
    "ajukan": (VersionedForm, _submit),
    "kembalikan": (ReopenForm, _reopen),
    "tetapkan": (AdoptForm, _adopt),
}


@require_POST
@role_required(Role.ADMIN_DINAS)
def penetapan_change(request, pk):
    penetapan = _visible(request, pk)
    form_class, handler = ACTIONS.get(request.POST.get("aksi"), (None, None))
    if handler is None:
        messages.error(request, _("Tindakan tidak dikenal."))
        return redirect("mapping:penetapan-detail", pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("mapping:penetapan-detail", pk=pk)
    try:
        messages.success(request, handler(request, penetapan, form))
    except services.RatingError as error:
        for message in error.errors.values():
            messages.error(request, message)
    return redirect("mapping:penetapan-detail", pk=pk)


@require_safe
@role_required(*READ_ROLES)
def penetapan_lampiran(request, pk):
    """The results as the lampiran of the decree: a printable page, or XLSX/CSV."""
    penetapan = _visible(request, pk)
    results = selectors.penetapan_results(penetapan=penetapan)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        return table_response(**selectors.penetapan_lampiran_table(penetapan=penetapan, results=results),
                              fmt=request.GET["unduh"])
    context = {"penetapan": penetapan, "results": results, "criteria": penetapan.rubric.criteria.all(),
               "participants": penetapan.participants.all()}
    return render(request, "mapping/penetapan_lampiran.html", context)
