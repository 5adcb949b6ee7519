"""The follow-ups of aid use (pemanfaatan) due for a pendamping, for "Tugas saya"."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from purbalingga_umkm.duties import Duty
from purbalingga_umkm.roles import Role, role_of

DUE_WITHIN_DAYS = 14


def use_checks_due(user) -> list[Duty]:
    from bantuan.models import Recipient, UseCheck

    if role_of(user) is not Role.PENDAMPING:
        return []
    today = timezone.localdate()
    checks = (UseCheck.objects.filter(recorded_on__isnull=True, due_on__lte=today + timedelta(days=DUE_WITHIN_DAYS),
                                      disbursement__recipient__in=Recipient.objects.editable_by(user))
              .select_related("disbursement__recipient__program", "disbursement__recipient__umkm__desa",
                              "disbursement__recipient__kelompok__desa")
              .order_by("due_on", "pk"))
    return [Duty(
        title=_("Cek pemanfaatan bantuan (%(n)s bulan)") % {"n": check.months},
        detail=f"{check.disbursement.recipient.label} · {check.disbursement.recipient.desa.name} · "
               f"{check.disbursement.recipient.program}",
        url=reverse("bantuan:use-check", args=[check.pk]), due_on=check.due_on, overdue=check.due_on < today,
    ) for check in checks]
