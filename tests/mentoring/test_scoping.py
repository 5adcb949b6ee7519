"""One scoping rule: a pendamping sees and changes only the kecamatan assigned today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from purbalingga_umkm.roles import Role
from mapping.models import UMKM, Desa, Kecamatan, Product
from mentoring.models import Assignment, FollowUp, Visit
from tests.conftest import user_with_role
from tests.factories import AssignmentFactory, PendampingFactory

pytestmark = pytest.mark.django_db


def visible_umkm(user):
    return set(UMKM.objects.visible_to(user).values_list("name", flat=True))


def test_pendamping_sees_only_the_umkm_of_their_kecamatan(world):
    user = world.users["pendamping_a"]
    assert visible_umkm(user) == {"UMKM X"}
    assert set(Product.objects.visible_to(user).values_list("umkm__name", flat=True)) == {"UMKM X"}
    assert list(Visit.objects.visible_to(user)) == [world.visit["X"]]
    assert list(FollowUp.objects.visible_to(user)) == [world.follow_up["X"]]
    assert list(Kecamatan.objects.visible_to(user)) == [world.kecamatan["X"]]
    assert set(Desa.objects.editable_by(user)) == set(Desa.objects.filter(kecamatan=world.kecamatan["X"]))


def test_pimpinan_sees_everything_and_changes_nothing(world):
    user = world.users["pimpinan"]
    assert visible_umkm(user) == {"UMKM X", "UMKM Y"}
    assert not UMKM.objects.editable_by(user).exists()
    assert not Visit.objects.editable_by(user).exists()


def test_admin_dinas_sees_and_changes_everything(world):
    user = world.users["admin"]
    assert UMKM.objects.editable_by(user).count() == 2
    assert Visit.objects.editable_by(user).count() == 2


def test_a_user_without_a_role_sees_nothing(world):
    nobody = user_with_role("tanpa.peran", None)
    assert visible_umkm(nobody) == set()


def test_assignment_ending_today_cuts_access_the_same_day(world):
    user = world.users["pendamping_a"]
    assignment = Assignment.objects.get(pendamping=world.pendamping["X"])
    assignment.end_date = timezone.localdate() + timedelta(days=1)
    assignment.save()
    assert visible_umkm(user) == {"UMKM X"}
    assignment.end_date = timezone.localdate()
    assignment.save()
    user._portal_role = None
    assert visible_umkm(user) == set()
    assert not UMKM.objects.editable_by(user).exists()


def test_assignment_starting_tomorrow_grants_nothing_yet(wilayah):
    user = user_with_role("pendamping.baru", Role.PENDAMPING)
    AssignmentFactory(
        pendamping=PendampingFactory(user=user), kecamatan=Kecamatan.objects.get(code="33.03.01"),
        start_date=timezone.localdate() + timedelta(days=1),
    )
    assert not Kecamatan.objects.visible_to(user).exists()


def test_one_pendamping_may_cover_two_kecamatan_and_a_kecamatan_two_pendamping(world):
    second_mentor_of_x = user_with_role("pendamping.c", Role.PENDAMPING)
    AssignmentFactory(pendamping=PendampingFactory(user=second_mentor_of_x), kecamatan=world.kecamatan["X"])
    AssignmentFactory(pendamping=world.pendamping["X"], kecamatan=world.kecamatan["Y"])
    assert visible_umkm(world.users["pendamping_a"]) == {"UMKM X", "UMKM Y"}
    assert visible_umkm(second_mentor_of_x) == {"UMKM X"}
    # Two assignments to the same rows never duplicate them.
    assert UMKM.objects.visible_to(world.users["pendamping_a"]).count() == 2


def test_deactivated_pendamping_loses_access(world):
    world.pendamping["X"].is_active = False
    world.pendamping["X"].save()
    assert visible_umkm(world.users["pendamping_a"]) == set()


def test_overlapping_assignment_to_the_same_kecamatan_is_refused(world):
    duplicate = Assignment(pendamping=world.pendamping["X"], kecamatan=world.kecamatan["X"],
                           start_date=timezone.localdate())
    with pytest.raises(Exception) as caught:
        duplicate.full_clean()
    assert "bertumpang tindih" in str(caught.value)


def test_assignment_must_end_after_it_starts(world):
    assignment = Assignment(pendamping=world.pendamping["X"], kecamatan=world.kecamatan["Y"],
                            start_date=timezone.localdate(), end_date=timezone.localdate())
    with pytest.raises(Exception) as caught:
        assignment.full_clean()
    assert "Tanggal berakhir harus setelah tanggal mulai." in str(caught.value)
