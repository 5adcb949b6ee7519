"""From approval to the follow-up of use: four eyes, the budget, the handover, and the 3-
and 6-month checks that appear on the pendamping's "Tugas saya"."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bantuan import services
from bantuan.models import Disbursement, UseCheck
from purbalingga_umkm.duties import duties_for
from tests.bantuan.conftest import TODAY, program_make, propose
from tests.conftest import user_with_role
from purbalingga_umkm.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(today, staff, umkm_in_x):
    recipient = propose(program_make(budget=30_000_000), staff, umkm=umkm_in_x)
    return services.recipient_state_set(recipient=recipient, state="terdaftar", reason="", by=staff, expected_version=1)


@pytest.fixture
def second_staff(db):
    return user_with_role("staf.keuangan", Role.ADMIN_DINAS, staff=True)


def test_a_disbursement_is_proposed_approved_by_someone_else_and_delivered(enrolled, staff, second_staff):
    disbursement = services.disbursement_propose(recipient=enrolled, value=12_500_000, items="Mesin jahit", by=staff)

    with pytest.raises(services.BantuanError, match="pengusulnya sendiri"):
        services.disbursement_approve(disbursement=disbursement, by=staff)
    with pytest.raises(services.BantuanError, match="belum disetujui"):
        services.disbursement_deliver(disbursement=disbursement, delivered_on=TODAY, bast_number="027/BAST/2026", by=staff)

    services.disbursement_approve(disbursement=disbursement, by=second_staff)
    with pytest.raises(services.BantuanError, match="masa depan"):
        services.disbursement_deliver(disbursement=disbursement, delivered_on=TODAY + timedelta(days=1),
                                      bast_number="027/BAST/2026", by=staff)
    services.disbursement_deliver(disbursement=disbursement, delivered_on=TODAY, bast_number="027/BAST/2026", by=staff)

    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.DELIVERED and disbursement.approved_by == second_staff
    checks = list(UseCheck.objects.filter(disbursement=disbursement).values_list("months", "due_on"))
    assert checks == [(3, TODAY + timedelta(days=90)), (6, TODAY + timedelta(days=180))]


@pytest.mark.parametrize("value, message", [(0, "lebih dari 0"), (-5, "lebih dari 0"), (30_000_001, "Melebihi pagu")])
def test_a_value_that_is_zero_negative_or_over_the_budget_is_refused(enrolled, staff, value, message):
    with pytest.raises(services.BantuanError, match=message):
        services.disbursement_propose(recipient=enrolled, value=value, items="", by=staff)
    assert not Disbursement.objects.exists()


def test_the_budget_counts_what_is_still_proposed_but_not_what_was_rejected(enrolled, staff):
    first = services.disbursement_propose(recipient=enrolled, value=20_000_000, items="", by=staff)
    with pytest.raises(services.BantuanError, match="sisa Rp10.000.000"):
        services.disbursement_propose(recipient=enrolled, value=15_000_000, items="", by=staff)
    Disbursement.objects.filter(pk=first.pk).update(status=Disbursement.Status.REJECTED)
    assert services.disbursement_propose(recipient=enrolled, value=15_000_000, items="", by=staff).value == 15_000_000


def test_due_and_overdue_use_checks_are_on_the_mentors_tasks_only(enrolled, staff, second_staff, world, client):
    disbursement = services.disbursement_propose(recipient=enrolled, value=10_000_000, items="", by=staff)
    services.disbursement_approve(disbursement=disbursement, by=second_staff)
    services.disbursement_deliver(disbursement=disbursement, delivered_on=TODAY, bast_number="1/BAST", by=staff)
    assert duties_for(world.users["pendamping_a"]) == []  # 90 days away

    UseCheck.objects.filter(months=3).update(due_on=TODAY - timedelta(days=2))
    duties = duties_for(world.users["pendamping_a"])
    assert [(d.title, d.overdue) for d in duties] == [("Cek pemanfaatan bantuan (3 bulan)", True)]
    assert duties_for(world.users["pendamping_b"]) == [] and duties_for(world.users["pimpinan"]) == []
    client.force_login(world.users["pendamping_a"])
    page = client.get(reverse("mentoring:my-tasks")).content.decode()
    assert "Cek pemanfaatan bantuan (3 bulan)" in page and "Sapu Glagah Bu Rasem" in page
