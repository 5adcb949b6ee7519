"""Products and their commodity: suggested from the name, confirmed by people."""

from collections import defaultdict

from django.db import transaction

from mapping.models import Komoditas, Product
from mapping.models.komoditas import best_match
from mapping.services.facts import facts_changed


def products_komoditas_suggest(product_ids) -> int:
    """Give each unconfirmed product among `product_ids` the commodity its name suggests
    (within its own sector, by best_match); returns how many changed. Set-wise: one read of
    the products and the commodities, one update per commodity."""
    by_sector = defaultdict(list)
    for komoditas in Komoditas.objects.active():
        by_sector[komoditas.sector_id].append((komoditas.pk, komoditas.phrases()))
    moves = defaultdict(list)
    for pk, name, sector_id, current in Product.objects.filter(pk__in=list(product_ids), komoditas_confirmed=False).values_list(
            "pk", "name", "sector_id", "komoditas_id"):
        suggested = best_match(name, by_sector.get(sector_id, ()))
        if suggested != current:
            moves[suggested].append(pk)
    for komoditas_id, pks in moves.items():
        Product.objects.filter(pk__in=pks).update(komoditas_id=komoditas_id)
    return sum(len(pks) for pks in moves.values())


@transaction.atomic
def komoditas_merge(*, source: Komoditas, into: Komoditas) -> int:
    """Fold `source` into `into`: its products, sentra and synonyms move, it is deleted.
    Refused across sectors (the products' sector must match their commodity's) and for a
    commodity judged in a determination round (the round's record must stay as it was)."""
    if source.pk == into.pk:
        raise ValueError("same")
    if source.sector_id != into.sector_id:
        raise ValueError("sector")
    if source.candidacies.exists():
        raise ValueError("candidacies")
    producers = list(Product.objects.filter(komoditas=source).values_list("umkm_id", flat=True).distinct())
    moved = Product.objects.filter(komoditas=source).update(komoditas=into)
    source.sentra.update(komoditas=into)
    phrases = [line for line in into.synonyms.splitlines() if line.strip()]
    for line in [source.name, *source.synonyms.splitlines()]:
        if line.strip() and line.strip() not in phrases:
            phrases.append(line.strip())
    into.synonyms = "\n".join(phrases)
    into.save(update_fields=["synonyms"])
    source.delete()
    facts_changed(umkm_ids=producers)
    return moved
