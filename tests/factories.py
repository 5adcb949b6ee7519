import factory
from django.contrib.auth import get_user_model

from mapping.models import UMKM, Desa, Permit, Product, Sector


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"pengguna{n}")
    password = factory.django.Password("kata-sandi-uji-123")


class UMKMFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UMKM

    name = factory.Sequence(lambda n: f"Usaha Uji {n}")
    owner_name = "Sutrisno"
    address = "Jl. Raya No. 1"
    desa = factory.LazyFunction(lambda: Desa.objects.order_by("kode").first())
    workers = 2
    capital = 50_000_000
    annual_turnover = 300_000_000


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    umkm = factory.SubFactory(UMKMFactory)
    name = factory.Sequence(lambda n: f"Produk Uji {n}")
    sector = factory.LazyFunction(lambda: Sector.objects.get(kode="makanan-minuman"))
    price = 10_000


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    umkm = factory.SubFactory(UMKMFactory)
    kind = Permit.Kind.PIRT
    number = factory.Sequence(lambda n: f"P-IRT {n:06d}")
