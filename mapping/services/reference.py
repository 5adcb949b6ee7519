"""Loading the reference geography and sectors from the committed fixtures."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from mapping.models import Desa, Kecamatan, Sector
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
            counts = {
                "kecamatan": Kecamatan.objects.count(),
                "desa": Desa.objects.count(),
                "sektor": Sector.objects.count(),
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
        _sector, created = Sector.objects.update_or_create(code=fields.pop("code"), defaults=fields)
        created_any = created_any or created
    return created_any
