"""Tepat sasaran: every targeting check raises its flag in a constructed case and stays
quiet in its twin; a flag is accepted only with a written justification."""

from datetime import date, timedelta

import pytest

from bantuan import services
from bantuan.models import AidKind, Flag, Member, PersonStatus, Recipient, StackingRule
from bantuan.rules import rules_problems
from tests.bantuan.conftest import TODAY, kelompok_make, program_make, propose, visited
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


def codes(recipient):
    return {flag.code for flag in recipient.flags.filter(overridden_at__isnull=True)}


def test_a_clean_proposal_raises_no_flag(today, staff, umkm_in_x):
    recipient = propose(program_make(), staff, umkm=umkm_in_x)
    assert recipient.state == Recipient.State.PROPOSED and codes(recipient) == set()


def test_the_same_business_twice_in_one_program_is_flagged_even_under_another_record(today, staff, world, umkm_in_x):
    program = program_make(stages=2)
    propose(program, staff, umkm=umkm_in_x)
    # The same business registered twice (an office recap and a survey), proposed in stage 2.
    again = visited(UMKMFactory(desa=world.desa["X"], name="SAPU GLAGAH Bu Rasem", owner_name="Bu Rasem"))
    second = services.recipient_propose(program=program, stage=program.stages.get(number=2), by=staff, umkm=again)
    other = visited(UMKMFactory(desa=world.desa["X"], name="Gula Kelapa Pak Warso", owner_name="Warso"))
    assert "program_ganda" in codes(second)
    assert "program_ganda" not in codes(propose(program, staff, umkm=other))


def test_aid_that_may_not_be_combined_in_one_year_is_flagged(today, staff, umkm_in_x):
    StackingRule.objects.create(kind_a=AidKind.MODAL, kind_b=AidKind.PERALATAN)
    propose(program_make(name="Modal Usaha", kind=AidKind.MODAL), staff, umkm=umkm_in_x)

    clash = propose(program_make(name="Peralatan", kind=AidKind.PERALATAN), staff, umkm=umkm_in_x)
    allowed = propose(program_make(name="Pelatihan", kind=AidKind.PELATIHAN), staff, umkm=umkm_in_x)
    next_year = propose(program_make(name="Peralatan 2027", kind=AidKind.PERALATAN, year=2027), staff, umkm=umkm_in_x)

    assert "penggabungan" in codes(clash)
    assert "penggabungan" not in codes(allowed) and "penggabungan" not in codes(next_year)


def test_a_umkm_aided_directly_and_through_its_group_is_flagged(today, staff, umkm_in_x):
    kelompok = kelompok_make(members=10)
    Member.objects.create(kelompok=kelompok, umkm=umkm_in_x, joined_on=date(2024, 2, 1))
    propose(program_make(name="Peralatan KUB", recipient_type="kelompok"), staff, kelompok=kelompok)

    direct = propose(program_make(name="Peralatan UMKM"), staff, umkm=umkm_in_x)
    training = propose(program_make(name="Pelatihan", kind=AidKind.PELATIHAN), staff, umkm=umkm_in_x)

    assert "langsung_kelompok" in codes(direct) and "langsung_kelompok" not in codes(training)


def test_one_nik_in_two_aided_groups_with_the_same_kind_of_aid_is_flagged(today, staff, umkm_in_x):
    first = kelompok_make(name="Poktan Sri Rejeki", members=10, kind="poktan")
    second = kelompok_make(name="Poktan Ngudi Makmur", members=10, kind="poktan")
    third = kelompok_make(name="Poktan Tani Maju", members=10, kind="poktan")
    Member.objects.filter(kelompok__in=[second, third]).delete()  # their own members, below
    for n in range(10):
        Member.objects.create(kelompok=second, name=f"Lain {n}", nik=f"33031441019000{n:02d}", joined_on=date(2024, 1, 10))
        Member.objects.create(kelompok=third, name=f"Petani {n}", nik=f"33031441027000{n:02d}", joined_on=date(2024, 1, 10))
    Member.objects.create(kelompok=second, name="Anggota 1", nik="3303144101800000", joined_on=date(2024, 1, 10))
    program = program_make(name="Sarana Produksi Poktan", kind=AidKind.SARPROD, recipient_type="kelompok")
    propose(program, staff, kelompok=first)

    assert "nik_dua_kelompok" in codes(propose(program, staff, kelompok=second))
    assert "nik_dua_kelompok" not in codes(propose(program, staff, kelompok=third))


def test_a_group_formed_shortly_before_the_proposal_is_flagged(today, staff):
    program = program_make(recipient_type="kelompok")
    young = kelompok_make(name="KUB Baru", formed_on=TODAY - timedelta(days=40), members=10)
    old = kelompok_make(name="KUB Lama", formed_on=TODAY - timedelta(days=400), members=10)
    assert "kelompok_baru" in codes(propose(program, staff, kelompok=young))
    assert "kelompok_baru" not in codes(propose(program, staff, kelompok=old))


def test_several_members_of_one_family_card_are_flagged(today, staff):
    program = program_make(recipient_type="kelompok")
    family = kelompok_make(name="KUB Keluarga", members=10)
    for member in list(Member.objects.filter(kelompok=family))[:3]:
        member.kk_number = "3303140101200001"
        member.save()
    separate = kelompok_make(name="KUB Warga", members=10)
    for n, member in enumerate(Member.objects.filter(kelompok=separate)):
        member.kk_number = f"33031401012000{n:02d}"
        member.save()
    assert "satu_kk" in codes(propose(program, staff, kelompok=family))
    assert "satu_kk" not in codes(propose(program, staff, kelompok=separate))


def test_rules_not_met_are_flagged_one_by_one(today, staff, world, umkm_in_x):
    program = program_make(rules={"ukuran": ["kecil"], "dokumen": ["nib"]})
    small_with_nib = visited(UMKMFactory(desa=world.desa["X"], nib="9120001234567", capital=600_000_000,
                                         annual_turnover=2_500_000_000))
    found = codes(propose(program, staff, umkm=umkm_in_x))
    assert {"syarat_ukuran", "syarat_dokumen"} <= found
    assert not {c for c in codes(propose(program, staff, umkm=small_with_nib)) if c.startswith("syarat_")}


def test_a_group_with_too_few_members_is_flagged(today, staff):
    program = program_make(recipient_type="kelompok", rules={"anggota_minimal": 10})
    assert "syarat_anggota_minimal" in codes(propose(program, staff, kelompok=kelompok_make(name="KUB Kecil", members=4)))
    assert "syarat_anggota_minimal" not in codes(propose(program, staff, kelompok=kelompok_make(name="KUB Besar",
                                                                                                 members=10)))


def test_a_umkm_not_visited_in_twelve_months_is_flagged(today, staff, world):
    program = program_make()
    stale = visited(UMKMFactory(desa=world.desa["X"]), days_ago=500)
    fresh = visited(UMKMFactory(desa=world.desa["X"]), days_ago=20)
    assert "belum_dikunjungi" in codes(propose(program, staff, umkm=stale))
    assert "belum_dikunjungi" not in codes(propose(program, staff, umkm=fresh))


def test_a_flag_is_accepted_only_with_a_written_justification(today, staff, world):
    recipient = propose(program_make(), staff, umkm=visited(UMKMFactory(desa=world.desa["X"]), days_ago=500))
    flag = recipient.flags.get(code="belum_dikunjungi")

    with pytest.raises(services.BantuanError, match="alasan paling sedikit 20 karakter"):
        services.flag_override(flag=flag, justification="ok", by=staff)
    with pytest.raises(services.BantuanError, match="masih terbuka"):
        services.recipient_state_set(recipient=recipient, state="terdaftar", reason="", by=staff, expected_version=1)

    services.flag_override(flag=flag, justification="Dikunjungi camat 3 Nov 2026; berita acara terlampir.", by=staff)
    flag.refresh_from_db()
    assert flag.overridden_by == staff and flag.overridden_at is not None
    enrolled = services.recipient_state_set(recipient=recipient, state="terdaftar", reason="", by=staff,
                                            expected_version=1)
    assert enrolled.state == Recipient.State.ENROLLED and enrolled.events.count() == 2


def test_refused_proposals_save_nothing(today, staff, world, umkm_in_x):
    closed = UMKMFactory(desa=world.desa["X"], is_active=False)
    with pytest.raises(services.BantuanError, match="Tidak aktif"):
        propose(program_make(), staff, umkm=closed)
    with pytest.raises(services.BantuanError, match="di luar wilayah sasaran"):
        propose(program_make(name="Khusus Kalimanah", rules={"kecamatan": ["33.03.06"]}), staff, umkm=umkm_in_x)
    with pytest.raises(services.BantuanError, match="Program ini untuk penerima Kelompok"):
        propose(program_make(name="Untuk kelompok", recipient_type="kelompok"), staff, umkm=umkm_in_x)
    full = program_make(name="Kuota satu", quota=1)
    propose(full, staff, umkm=umkm_in_x)
    with pytest.raises(services.BantuanError, match="sudah penuh"):
        propose(full, staff, umkm=visited(UMKMFactory(desa=world.desa["X"])))
    with pytest.raises(services.BantuanError, match="di luar wilayah tugas Anda"):
        propose(program_make(name="Lain"), world.users["pendamping_b"], umkm=umkm_in_x)
    assert Recipient.objects.count() == 1 and Flag.objects.filter(recipient__program=full).count() == 0


@pytest.mark.parametrize("rules, problem", [
    ({"warna": ["merah"]}, "tidak dikenal"),
    ({"ukuran": "mikro"}, "harus daftar teks"),
    ({"ukuran": ["raksasa"]}, "Skala usaha tidak dikenal"),
    ({"skor_minimal": -1}, "harus angka 0 atau lebih"),
    ({"dokumen": ["ktp"]}, "Dokumen tidak dikenal"),
    ({"anggota_minimal": 10}, "hanya berlaku untuk program bagi kelompok"),
    ({"pengecualian": ["pns"]}, "Pengecualian tidak dikenal"),
    ({"desil_maks": 11}, "bilangan bulat 1 sampai 10"),
    ({"desil_maks": 2.5}, "bilangan bulat 1 sampai 10"),
])
def test_a_rule_set_that_cannot_be_applied_is_refused_in_words(rules, problem):
    assert any(problem in p for p in rules_problems(rules, recipient_type="umkm"))


def status(nik, kind, *, decile=None, as_of=date(2026, 6, 30), ends_on=None, source="P3KE 2026"):
    return PersonStatus.objects.create(nik=nik, kind=kind, decile=decile, as_of=as_of, ends_on=ends_on, source=source)


def test_an_owner_holding_kur_credit_or_a_civil_servant_is_flagged_by_a_dated_sourced_record(today, staff, world):
    program = program_make(rules={"pengecualian": ["kur", "asn"]})
    borrower = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800001"))
    repaid = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800002"))
    later = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800003"))
    status(borrower.nik, "kur", source="SIKP KUR Juni 2026")
    status(repaid.nik, "kur", ends_on=date(2026, 9, 1))  # paid off before the proposal
    status(later.nik, "asn", as_of=date(2026, 12, 2))  # known only after the day of the check

    flagged = propose(program, staff, umkm=borrower)
    assert "syarat_pengecualian" in codes(flagged)
    assert "SIKP KUR Juni 2026" in flagged.flags.get(code="syarat_pengecualian").message
    assert "syarat_pengecualian" not in codes(propose(program, staff, umkm=repaid))
    assert "syarat_pengecualian" not in codes(propose(program, staff, umkm=later))


def test_a_group_with_a_civil_servant_member_is_flagged(today, staff):
    program = program_make(recipient_type="kelompok", rules={"pengecualian": ["asn"]})
    with_asn = kelompok_make(name="Poktan Sida Makmur", members=3)
    status(with_asn.members.first().nik, "asn", source="BKPSDM 2026")
    clean = kelompok_make(name="Poktan Ngudi Rejeki", members=3)
    Member.objects.filter(kelompok=clean).update(nik="")
    assert "syarat_pengecualian" in codes(propose(program, staff, kelompok=with_asn))
    assert "syarat_pengecualian" not in codes(propose(program, staff, kelompok=clean))


def test_the_welfare_decile_rule_reads_the_latest_recorded_decile(today, staff, world):
    program = program_make(rules={"desil_maks": 4})
    poor = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800011"))
    richer_now = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800012"))
    unknown = visited(UMKMFactory(desa=world.desa["X"], nik="3303144101800013"))
    status(poor.nik, "desil", decile=3)
    status(richer_now.nik, "desil", decile=2, as_of=date(2024, 1, 31))
    status(richer_now.nik, "desil", decile=7, as_of=date(2026, 3, 31), source="DTSEN Maret 2026")

    assert "syarat_desil_maks" not in codes(propose(program, staff, umkm=poor))
    above = propose(program, staff, umkm=richer_now).flags.get(code="syarat_desil_maks")
    assert "desil 7" in above.message and "DTSEN Maret 2026" in above.message
    missing = propose(program, staff, umkm=unknown).flags.get(code="syarat_desil_maks")
    assert "belum tercatat" in missing.message


def test_the_shortlist_leaves_out_the_excluded_in_one_query_for_all_their_records(today, staff, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bantuan.shortlist import shortlist

    program = program_make(rules={"pengecualian": ["kur"], "desil_maks": 5}, quota=10)
    people = [visited(UMKMFactory(desa=world.desa["X"], nik=f"33031441018001{n:02d}")) for n in range(6)]
    for person in people:
        status(person.nik, "desil", decile=4)
    status(people[0].nik, "kur")
    status(people[1].nik, "desil", decile=9, as_of=date(2026, 7, 1))
    with CaptureQueriesContext(connection) as few:
        listed = {c.umkm.pk for c in shortlist(program)}
    assert listed == {p.pk for p in people[2:]}

    for n in range(6, 12):
        status(visited(UMKMFactory(desa=world.desa["X"], nik=f"33031441018001{n:02d}")).nik, "desil", decile=1)
    with CaptureQueriesContext(connection) as more:
        assert len(shortlist(program)) == 10

    def reads(context, table):  # queries whose main table is `table`
        return sum(q["sql"].startswith(f'SELECT "{table}".') for q in context.captured_queries)

    # The records of everyone checked together are read in one query per batch of UMKM read
    # whole: none per person, however many there are.
    for context in (few, more):
        assert reads(context, "bantuan_personstatus") == reads(context, "mapping_umkm") - 1 >= 1
