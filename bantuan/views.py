from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bantuan import reports, services, shortlist
from bantuan.forms import (
    DeliveryForm, DisbursementForm, KelompokForm, MemberFormSet, ObjectionAnswerForm, ObjectionForm, OverrideForm,
    ProposeForm, StateForm, UseCheckForm,
)
from bantuan.rules import rules_described
from bantuan.models import Disbursement, Flag, Kelompok, Objection, Program, Recipient, UseCheck
from mapping.models import UMKM
from purbalingga_umkm.panels import Panel
from purbalingga_umkm.params import id_param
from purbalingga_umkm.roles import Role, role_of, role_required
from purbalingga_umkm.tables import table_response
from purbalingga_umkm.throttle import throttle_allows
from purbalingga_umkm.validators import nik_masked
from purbalingga_umkm.replica import reads_from_replica

READERS = (Role.PIMPINAN, Role.ADMIN_DINAS, Role.PENDAMPING)
RECIPIENTS_PER_PAGE = 50


@require_safe
@role_required(*READERS)
def program_list(request):
    programs = Program.objects.annotate(
        places=Count("recipients", filter=Q(recipients__state__in=[Recipient.State.PROPOSED, Recipient.State.ENROLLED,
                                                                   Recipient.State.PAUSED]))).order_by("-year", "name")
    return render(request, "bantuan/program_list.html", {"programs": programs})


def _program_page(request, program, *, errors=None, status=200):
    """The program page; `errors` {form key: (message, typed value)} re-shows a refused form as typed."""
    error_key, (error_message, error_value) = next(iter((errors or {"": ("", "")}).items()))
    recipients = (Recipient.objects.visible_to(request.user).filter(program=program)
                  .select_related("stage", "umkm__desa", "kelompok__desa")
                  .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("overridden_by")),
                                    "disbursements").order_by("stage__number", "pk"))
    is_staff = role_of(request.user) is Role.ADMIN_DINAS
    context = {
        "program": program,
        "stages": list(program.stages.all()),
        "page": Paginator(recipients, RECIPIENTS_PER_PAGE).get_page(request.GET.get("halaman")),
        "by_state": dict(Recipient.objects.filter(program=program).values_list("state").annotate(n=Count("pk"))),
        "places": Recipient.objects.counting().filter(program=program).count(),
        "budget_used": services.budget_used(program),
        "open_flags": Flag.objects.filter(recipient__program=program, overridden_at__isnull=True).count(),
        "fairness": shortlist.fairness_gaps(program) if is_staff else [],
        "is_staff": is_staff,
        "error_key": error_key, "error_message": error_message, "error_value": error_value,
        "states": Recipient.State.choices,
        "rules": rules_described(program.rules or {}),
        "objections": (list(program.objections.select_related("recipient__umkm", "recipient__kelompok", "answered_by")
                            .order_by("status", "-sent_at")[:100]) if is_staff else []),
        "objections_open": services.objections_open(program),
    }
    return render(request, "bantuan/program_detail.html", context, status=status)


@require_safe
@role_required(*READERS)
def program_detail(request, pk):
    return _program_page(request, get_object_or_404(Program, pk=pk))


@role_required(Role.ADMIN_DINAS, Role.PENDAMPING)
def program_shortlist(request, pk):
    """The proposed shortlist with the reason for each place; "Usulkan" proposes one."""
    program = get_object_or_404(Program, pk=pk)
    if request.method == "POST":
        form = ProposeForm(request.POST)
        if form.is_valid():
            stage = get_object_or_404(program.stages, pk=form.cleaned_data["stage"])
            target = {}
            if form.cleaned_data["umkm"]:
                target["umkm"] = get_object_or_404(UMKM.objects.visible_to(request.user), pk=form.cleaned_data["umkm"])
            elif form.cleaned_data["kelompok"]:
                target["kelompok"] = get_object_or_404(Kelompok.objects.visible_to(request.user),
                                                       pk=form.cleaned_data["kelompok"])
            try:
                if not target:
                    raise services.BantuanError(_("Pilih UMKM atau kelompok yang diusulkan."))
                recipient = services.recipient_propose(program=program, stage=stage, by=request.user,
                                                       note=form.cleaned_data["note"], **target)
            except services.BantuanError as error:
                messages.error(request, error.message)
            else:
                flags = recipient.flags.count()
                messages.success(request, _("%(who)s diusulkan; %(n)s temuan sasaran.") % {"who": recipient.label, "n": flags})
        else:
            messages.error(request, _("Usulan tidak lengkap."))
        return redirect("bantuan:program-shortlist", pk=program.pk)
    candidates = shortlist.shortlist(program, user=request.user)
    context = {"program": program, "candidates": candidates, "stage": program.stages.order_by("number").first()}
    return render(request, "bantuan/shortlist.html", context)


def _program_action(request, program, *, form, key: str, typed: str, act, done: str, invalid: str = ""):
    """A staff action from the program page: the form is checked, then `act(cleaned data)`.
    Refused (a form error or a BantuanError), the program page comes back with the reason
    beside the form and what was typed in `typed`; done, back to it with `done`."""
    try:
        if not form.is_valid():
            raise services.BantuanError(invalid or " ".join(e for errors in form.errors.values() for e in errors))
        act(form.cleaned_data)
    except services.BantuanError as error:
        return _program_page(request, program, status=400, errors={key: (error.message, request.POST.get(typed, ""))})
    messages.success(request, done)
    return redirect("bantuan:program-detail", pk=program.pk)


@require_POST
@role_required(Role.ADMIN_DINAS)
def flag_override(request, pk):
    flag = get_object_or_404(Flag.objects.select_related("recipient__program"), pk=pk)
    return _program_action(
        request, flag.recipient.program, form=OverrideForm(request.POST), key=f"flag-{flag.pk}", typed="justification",
        invalid=_("Tuliskan alasannya."), done=_("Temuan diterima dengan alasan tercatat."),
        act=lambda data: services.flag_override(flag=flag, justification=data["justification"], by=request.user))


@require_POST
@role_required(Role.ADMIN_DINAS)
def recipient_state(request, pk):
    recipient = get_object_or_404(Recipient.objects.select_related("program"), pk=pk)
    return _program_action(
        request, recipient.program, form=StateForm(request.POST), key=f"state-{recipient.pk}", typed="reason",
        invalid=_("Pilih status yang dikenal."), done=_("Status %(who)s diperbarui.") % {"who": recipient.label},
        act=lambda data: services.recipient_state_set(recipient=recipient, state=data["state"], reason=data["reason"],
                                                      by=request.user, expected_version=data["version"]))


@require_POST
@role_required(Role.ADMIN_DINAS)
def disbursement_propose(request, pk):
    recipient = get_object_or_404(Recipient.objects.select_related("program"), pk=pk)
    return _program_action(
        request, recipient.program, form=DisbursementForm(request.POST), key=f"pay-{recipient.pk}", typed="value",
        done=_("Penyaluran untuk %(who)s diusulkan.") % {"who": recipient.label},
        act=lambda data: services.disbursement_propose(recipient=recipient, value=data["value"], items=data["items"],
                                                       by=request.user))


@require_POST
@role_required(Role.ADMIN_DINAS)
def disbursement_approve(request, pk):
    disbursement = get_object_or_404(Disbursement.objects.select_related("recipient__program"), pk=pk)
    try:
        services.disbursement_approve(disbursement=disbursement, by=request.user)
    except services.BantuanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Penyaluran disetujui."))
    return redirect("bantuan:program-detail", pk=disbursement.recipient.program_id)


@require_POST
@role_required(Role.ADMIN_DINAS)
def disbursement_deliver(request, pk):
    disbursement = get_object_or_404(Disbursement.objects.select_related("recipient__program"), pk=pk)
    return _program_action(
        request, disbursement.recipient.program, form=DeliveryForm(request.POST, request.FILES),
        key=f"deliver-{disbursement.pk}", typed="bast_number",
        done=_("Serah terima tercatat; cek pemanfaatan 3 dan 6 bulan dijadwalkan."),
        act=lambda data: services.disbursement_deliver(
            disbursement=disbursement, delivered_on=data["delivered_on"], bast_number=data["bast_number"],
            by=request.user, photo=data.get("photo") or None))


@role_required(Role.PENDAMPING, Role.ADMIN_DINAS)
def use_check(request, pk):
    """The pendamping records how the aid is used (3 or 6 months after the handover)."""
    check = get_object_or_404(
        UseCheck.objects.filter(disbursement__recipient__in=Recipient.objects.editable_by(request.user))
        .select_related("disbursement__recipient__program", "disbursement__recipient__umkm__desa",
                        "disbursement__recipient__kelompok__desa"), pk=pk)
    posted = request.method == "POST"
    form = UseCheckForm(request.POST if posted else None, request.FILES if posted else None, instance=check)
    if posted and form.is_valid():
        facts = {name: form.cleaned_data[name] for name in
                 ("photo", "lat", "lng", "monthly_capacity", "workers", "monthly_turnover", "note")
                 if name != "photo" or form.cleaned_data.get("photo")}
        services.use_check_record(check=check, result=form.cleaned_data["result"], by=request.user, **facts)
        messages.success(request, _("Pemanfaatan bantuan tercatat."))
        return redirect("mentoring:my-tasks" if role_of(request.user) is Role.PENDAMPING else "bantuan:program-list")
    return render(request, "bantuan/use_check_form.html", {"form": form, "check": check,
                                                          "recipient": check.disbursement.recipient,
                                                          "max_accuracy": settings.LOCATION_MAX_ACCURACY_M})


def _report_year(request, programs):
    years = sorted(set(programs.values_list("year", flat=True)), reverse=True)
    wanted = id_param(request.GET, "tahun")
    return (wanted if wanted in years else (years[0] if years else None)), years


@require_safe
@role_required(*READERS)
@reads_from_replica
def aid_report(request):
    """Aid per kecamatan for a year or one program: recipients against UMKM, produk unggulan, use."""
    programs = Program.objects.all()
    year, years = _report_year(request, programs)
    program = programs.filter(pk=id_param(request.GET, "program")).first() if id_param(request.GET, "program") else None
    stages = list(program.stages.all()) if program else []
    wanted_stage = id_param(request.GET, "tahap")
    stage = next((s for s in stages if s.number == wanted_stage), None)
    report = reports.aid_by_kecamatan(user=request.user, program=program, year=year, stage=stage)
    if request.GET.get("unduh") in ("csv", "xlsx"):
        filters = [_("Program: %(p)s") % {"p": program}] if program else [_("Tahun: %(y)s") % {"y": year}]
        if stage is not None:
            filters.append(str(stage))
        return table_response(**reports.aid_table(report, filename="bantuan-per-kecamatan"), fmt=request.GET["unduh"],
                              filters=filters)
    context = {"report": report, "year": year, "years": years, "program": program, "stages": stages, "stage": stage,
               "programs": programs.filter(year=year) if year else programs.none()}
    return render(request, "bantuan/report.html", context)


def dashboard_panel(request, **context):
    """The "Bantuan" section of /dasbor/: this year's aid per kecamatan, for those who read it."""
    if role_of(request.user) not in READERS:
        return None
    year = Program.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None
    report = reports.aid_by_kecamatan(user=request.user, year=year)
    return Panel("bantuan/_dashboard_panel.html", {"report": report, "year": year,
                                                   "map_figures": reports.aid_map_figures(report)})


KELOMPOK_PER_PAGE = 25


@require_safe
@role_required(*READERS)
def kelompok_list(request):
    query = request.GET.get("q", "").strip()
    groups = Kelompok.objects.visible_to(request.user).select_related("desa__kecamatan", "komoditas").defer(
        "desa__boundary", "desa__centre", "desa__kecamatan__boundary", "desa__kecamatan__centre").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True))).order_by("desa__code", "name")
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(leader_name__icontains=query) | Q(desa__name__icontains=query))
    can_add = role_of(request.user) in (Role.ADMIN_DINAS, Role.PENDAMPING)
    context = {"page": Paginator(groups, KELOMPOK_PER_PAGE).get_page(request.GET.get("halaman")), "query": query,
               "can_add": can_add}
    return render(request, "bantuan/kelompok_list.html", context)


@role_required(Role.ADMIN_DINAS, Role.PENDAMPING)
def kelompok_edit(request, pk=None):
    """A group and its members, in the user's kecamatan; a new group needs one member at least."""
    kelompok = get_object_or_404(Kelompok.objects.editable_by(request.user), pk=pk) if pk else Kelompok()
    posted = request.method == "POST"
    form = KelompokForm(request.POST if posted else None, instance=kelompok, user=request.user)
    members = MemberFormSet(request.POST if posted else None, instance=kelompok, prefix="anggota", user=request.user)
    if posted and all([form.is_valid(), members.is_valid()]):
        saved = services.kelompok_save(form=form, members=members, by=request.user)
        messages.success(request, _("Kelompok %(name)s tersimpan.") % {"name": saved.name})
        return redirect("bantuan:kelompok-list")
    return render(request, "bantuan/kelompok_form.html", {"form": form, "members": members, "kelompok": kelompok})


def umkm_aid_panel(request, *, umkm):
    """On a UMKM's history page: every aid it received, across years and programs (directly or
    through its groups), and what the use checks found — turnover and workers after the aid."""
    if role_of(request.user) not in READERS:
        return None
    groups = Kelompok.objects.filter(members__umkm=umkm).values("pk")
    recipients = list(Recipient.objects.filter(Q(umkm=umkm) | Q(kelompok__in=groups))
                      .select_related("program", "stage", "kelompok").prefetch_related("disbursements__use_checks")
                      .order_by("-program__year", "program__name", "pk"))
    if not recipients:
        return None
    return Panel("bantuan/_umkm_panel.html", {"recipients": recipients,
                                              "recovery": reports.recovery_series(umkm, recipients)})


# --- The public recipient list and its objections ------------------------------------------

OBJECTIONS_PER_HOUR = 5


def _announced(pk):
    return get_object_or_404(Program.objects.filter(public_list=True), pk=pk)


@require_safe
def public_programs(request):
    """Programs whose recipient list is announced, for anyone (no login)."""
    programs = Program.objects.filter(public_list=True).order_by("-year", "name")
    return render(request, "bantuan/public_programs.html", {"programs": programs})


def public_list(request, pk):
    """An announced recipient list: the business or group and its desa only (NIK masked), and
    the sanggahan form while the objection period runs. Nothing else of a person is shown."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    program = _announced(pk)
    recipients = list(Recipient.objects.filter(program=program).counting()
                      .select_related("stage", "umkm__desa__kecamatan", "kelompok__desa__kecamatan")
                      .defer("umkm__desa__boundary", "umkm__desa__kecamatan__boundary", "kelompok__desa__boundary",
                             "kelompok__desa__kecamatan__boundary")
                      .order_by("kecamatan__code", "stage__number", "pk"))
    is_open = services.objections_open(program)
    form = ObjectionForm(request.POST if request.method == "POST" else None, recipients=recipients)
    status = 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("Masa sanggah program ini sudah berakhir."))
            return redirect("bantuan:public-list", pk=program.pk)
        if form.is_valid() and form.cleaned_data["website"]:
            return redirect("bantuan:public-list", pk=program.pk)  # a bot: as if accepted, nothing kept
        if form.is_valid():
            if not throttle_allows(request, f"sanggahan:{program.pk}", limit=OBJECTIONS_PER_HOUR, seconds=3600):
                form.add_error(None, _("Terlalu banyak sanggahan dari alamat ini dalam satu jam; coba lagi nanti."))
                status = 429
            else:
                try:
                    services.objection_submit(program=program, recipient_id=form.cleaned_data["recipient"],
                                              text=form.cleaned_data["text"], sender_name=form.cleaned_data["sender_name"],
                                              sender_contact=form.cleaned_data["sender_contact"])
                except services.BantuanError as error:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    messages.success(request, _("Sanggahan Anda diterima dan akan dijawab petugas Dinas. Terima kasih."))
                    return redirect("bantuan:public-list", pk=program.pk)
        status = status if status != 200 else 400
    rows = [{"label": r.label, "kind": (r.kelompok.get_kind_display() if r.kelompok_id else _("UMKM")),
             "desa": r.desa.name, "kecamatan": r.desa.kecamatan.name, "stage": r.stage, "state": r.get_state_display(),
             "nik": nik_masked(r.umkm.nik) if r.umkm_id else ""} for r in recipients]
    context = {"program": program, "rows": rows, "form": form, "is_open": is_open,
               "answered": program.objections.exclude(status=Objection.Status.OPEN).order_by("-answered_at")[:50]}
    return render(request, "bantuan/public_list.html", context, status=status)


@require_POST
@role_required(Role.ADMIN_DINAS)
def objection_answer(request, pk):
    objection = get_object_or_404(Objection.objects.select_related("program"), pk=pk)
    return _program_action(
        request, objection.program, form=ObjectionAnswerForm(request.POST), key=f"objection-{objection.pk}",
        typed="answer", done=_("Jawaban sanggahan tercatat."),
        act=lambda data: services.objection_answer(objection=objection, status=data["status"], answer=data["answer"],
                                                   by=request.user))
