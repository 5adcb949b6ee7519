"""Aid programs built the way staff build them: a program with its stages and rules, groups
with their members, and recipients proposed through the one service."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from bantuan import services
from bantuan.models import AidKind, Kelompok, Member, Program, Stage
from mapping.models import Desa
from tests.factories import UMKMFactory, VisitFactory

TODAY = date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch):
    """The checks and stamps run on a known day (at 10:00 in Purbalingga)."""
    noon = timezone.make_aware(datetime.combine(TODAY, time(10)))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return TODAY


def program_make(*, name="Bantuan Peralatan UMKM", kind=AidKind.PERALATAN, recipient_type="umkm", quota=10,
                 budget=100_000_000, rules=None, year=2026, stages=1) -> Program:
    program = Program.objects.create(name=name, year=year, dinas="Dinkop UKM", budget_source="apbd", kind=kind,
                                     recipient_type=recipient_type, budget=budget, quota=quota, rules=rules or {})
    for number in range(1, stages + 1):
        Stage.objects.create(program=program, number=number)
    return program


def visited(umkm, *, days_ago=30):
    """A visit by the pendamping of the UMKM's kecamatan, `days_ago` days before TODAY."""
    VisitFactory(umkm=umkm, date=TODAY - timedelta(days=days_ago))
    return umkm


def kelompok_make(*, name="KUB Sapu Glagah Makmur", desa=None, formed_on=date(2024, 1, 10), members=0, kind="kub",
                  **fields) -> Kelompok:
    desa = desa or Desa.objects.get(code="33.03.14.2008")
    kelompok = Kelompok.objects.create(name=name, kind=kind, desa=desa, formed_on=formed_on, **fields)
    for n in range(members):
        Member.objects.create(kelompok=kelompok, name=f"Anggota {n + 1}", nik=f"33031441018000{n:02d}",
                              joined_on=formed_on)
    return kelompok


def propose(program, by, **target):
    return services.recipient_propose(program=program, stage=program.stages.first(), by=by, **target)


@pytest.fixture
def staff(world):
    return world.users["admin"]


@pytest.fixture
def umkm_in_x(world):
    return visited(UMKMFactory(desa=world.desa["X"], name="Sapu Glagah Bu Rasem", owner_name="Rasem",
                               annual_turnover=60_000_000, capital=5_000_000))

