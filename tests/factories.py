from datetime import date, timedelta

import factory
from django.utils import timezone
from django.contrib.auth import get_user_model

from mapping.models import UMKM, Desa, Permit, Product, Sector


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    password = factory.django.Password("kata-sandi-uji-123")


class CountedFactory(factory.django.DjangoModelFactory):
    """Rows made the way the portal writes them: through facts_changed(), so that the UMKM's
    facts and its desa's summaries count them, as after any write in the portal."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from mapping.services.facts import facts_changed

        row = super()._create(model_class, *args, **kwargs)
        if model_class._meta.label == "mentoring.Visit":
            facts_changed(desa_ids=[row.umkm.desa_id], kinds={"visits"})  # as visit_log does
        else:
            facts_changed(umkm_ids=[row.pk if isinstance(row, UMKM) else row.umkm_id])
        return row


class UMKMFactory(CountedFactory):
    class Meta:
        model = UMKM

    name = factory.Sequence(lambda n: f"Usaha Uji {n}")
    owner_name = "Sutrisno"
    address = "Jl. Raya No. 1"
    desa = factory.LazyFunction(lambda: Desa.objects.order_by("code").first())
    workers = 2
    capital = 50_000_000
    annual_turnover = 300_000_000


class ProductFactory(CountedFactory):
    class Meta:
        model = Product

    umkm = factory.SubFactory(UMKMFactory)
    name = factory.Sequence(lambda n: f"Produk Uji {n}")
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="makanan-minuman"))
    price = 10_000


class PermitFactory(CountedFactory):
    class Meta:
        model = Permit

    umkm = factory.SubFactory(UMKMFactory)
    kind = Permit.Kind.PIRT
    number = factory.Sequence(lambda n: f"P-IRT {n:06d}")


class PendampingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Pendamping"

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Pendamping Uji {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Assignment"

    pendamping = factory.SubFactory(PendampingFactory)
    start_date = factory.LazyFunction(lambda: date(2025, 1, 1))


class VisitFactory(CountedFactory):
    class Meta:
        model = "mentoring.Visit"
        skip_postgeneration_save = True

    umkm = factory.SubFactory(UMKMFactory)
    pendamping = factory.SubFactory(PendampingFactory)
    date = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            from mentoring.models import Topic

            self.topics.set(extracted or Topic.objects.filter(code="produksi"))


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.FollowUp"

    visit = factory.SubFactory(VisitFactory)
    description = factory.Sequence(lambda n: f"Tindak lanjut {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))


def desa_moved_in_the_admin(admin_client, desa, *, kecamatan, code: str) -> None:
    """Staff move a desa to another kecamatan in the admin, with its new code."""
    import json

    from django.urls import reverse

    url = reverse("admin:mapping_desa_change", args=[desa.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in ("name", "boundary", "centre")}
    data.update(kecamatan=kecamatan.pk, code=code)
    response = admin_client.post(url, {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in data.items()})
    assert response.status_code == 302, response.context["adminform"].form.errors
