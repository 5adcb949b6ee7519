"""Demo aid arrives with `seed_demo`, labelled DEMO, and goes with `clear_demo` or --replace,
leaving real programs alone."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bantuan.models import Kelompok, Objection, Program, Recipient, UseCheck
from bantuan.duties import use_checks_due
from mentoring.models import Assignment
from tests.bantuan.conftest import program_make, propose, visited
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_aid_is_labelled_replaced_and_cleared_without_touching_real_programs(wilayah, world):
    real = program_make(name="Program Nyata")
    real_recipient = propose(real, world.users["admin"], umkm=visited(UMKMFactory(desa=world.desa["X"])))

    assert "Bantuan DEMO" in run("seed_demo", "--umkm", "400")
    demo = Program.objects.filter(is_demo=True)
    assert demo.count() == 3 and all("(DEMO)" in p.name for p in demo)
    announced = demo.get(public_list=True)
    assert announced.recipients.exists() and Objection.objects.filter(program=announced).exists()
    assert Kelompok.objects.filter(is_demo=True).exists()
    assert UseCheck.objects.filter(recorded_on__isnull=False).exists()

    first = sorted(Recipient.objects.filter(program__is_demo=True).values_list("program__name", "umkm__name"))
    run("seed_demo", "--umkm", "400", "--replace")
    assert sorted(Recipient.objects.filter(program__is_demo=True).values_list("program__name", "umkm__name")) == first

    run("clear_demo")
    assert not Program.objects.filter(is_demo=True).exists() and not Kelompok.objects.filter(is_demo=True).exists()
    assert list(Recipient.objects.all()) == [real_recipient]


def test_a_demo_pendamping_finds_a_use_check_due_on_tugas_saya(wilayah, client):
    run("seed_demo", "--umkm", "400")
    due = UseCheck.objects.filter(recorded_on__isnull=True, disbursement__recipient__program__is_demo=True).order_by(
        "due_on").first()
    recipient = due.disbursement.recipient
    user = Assignment.objects.filter(kecamatan_id=recipient.kecamatan_id).select_related("pendamping__user").first(
        ).pendamping.user
    assert any(recipient.label in duty.detail for duty in use_checks_due(user))
    client.force_login(user)
    assert recipient.label in client.get(reverse("mentoring:my-tasks")).content.decode()
