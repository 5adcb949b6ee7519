"""Loading the reference geography and sectors from the committed fixtures."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from mapping.models import Desa, Kecamatan, Komoditas, Sector, Sentra
from mapping.services.facts import facts_changed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class _DryRunRollback(Exception):
    pass


def wilayah_load(*, dry_run: bool = False) -> dict[str, int]:
    """Load (or refresh) kecamatan, desa and sektor from the committed fixtures.

    Rows are matched by their code (natural key), so loading twice updates in place
    and never duplicates. Returns the row counts after loading.
    """
    counts = {}
    try:
        with transaction.atomic():
            call_command("loaddata", str(FIXTURES_DIR / "wilayah.json"), verbosity=0)
            facts_changed(everything=sectors_load())
            komoditas_load()
            counts = {
                "kecamatan": Kecamatan.objects.count(),
                "desa": Desa.objects.count(),
                "sektor": Sector.objects.count(),
                "komoditas": Komoditas.objects.count(),
                "sentra": Sentra.objects.count(),
            }
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return counts




def sectors_load() -> bool:
    """Create or update the sectors of fixtures/sektor.json by code; True when one is new.

    Not through loaddata, which would reset each sector's fact bit (not in the file).
    """
    created_any = False
    for entry in json.loads((FIXTURES_DIR / "sektor.json").read_text(encoding="utf-8")):
        fields = dict(entry["fields"])
        # Eligibility is the reference's first word only: staff may change it afterwards.
        eligible = {"eligible_unggulan": fields.pop("eligible_unggulan", True)}
        _sector, created = Sector.objects.update_or_create(code=fields.pop("code"), defaults=fields,
                                                           create_defaults={**fields, **eligible})
        created_any = created_any or created
    return created_any


def komoditas_load() -> None:
    """The reference commodities (fixtures/komoditas.json) and Purbalingga's known sentra
    (fixtures/sentra.json, built from public sources). A commodity is created when missing
    and otherwise left as staff made it (they may add synonyms); a reference sentra is
    matched by commodity, place and source, its evidence refreshed."""
    sectors = dict(Sector.objects.values_list("code", "pk"))
    for entry in json.loads((FIXTURES_DIR / "komoditas.json").read_text(encoding="utf-8")):
        Komoditas.objects.get_or_create(code=entry["code"], defaults={
            "name": entry["name"], "sector_id": sectors[entry["sector"]], "description": entry["description"],
            "synonyms": "\n".join(entry["synonyms"])})
    komoditas = dict(Komoditas.objects.values_list("code", "pk"))
    kecamatan = dict(Kecamatan.objects.values_list("code", "pk"))
    desa = dict(Desa.objects.values_list("code", "pk"))
    for entry in json.loads((FIXTURES_DIR / "sentra.json").read_text(encoding="utf-8")):
        Sentra.objects.update_or_create(
            komoditas_id=komoditas[entry["komoditas"]], kecamatan_id=kecamatan[entry["kecamatan"]],
            desa_id=desa[entry["desa"]] if entry["desa"] else None, source_url=entry["source_url"],
            defaults={"product_label": entry["product_label"], "evidence": entry["evidence"],
                      "attribution": entry["attribution"], "is_reference": True},
        )
