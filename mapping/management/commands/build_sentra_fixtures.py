"""Build fixtures/sentra.json from the public facts about Purbalingga's production centres.

A developer step, like build_wilayah_fixtures: the portal never reads ../shared at run
time. Every fact must name a kecamatan (and, where it does, a desa) of the committed
geography and a commodity of fixtures/komoditas.json; otherwise the command stops and says
which row. The source's own notes are kept as the sentra's evidence.
"""

import csv
import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mapping.models import name_key
from mapping.models.komoditas import best_match



def commodity_for(label: str, komoditas: list[dict]) -> dict | None:
    """The commodity a source's product label names, by the portal's own rule."""
    return best_match(label, ((entry, {name_key(entry["name"]), *(name_key(s) for s in entry["synonyms"])})
                              for entry in komoditas))


class Command(BaseCommand):
    help = "Bangun fixtures/sentra.json dari produk_unggulan_facts.csv (langkah pengembang)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(Path(settings.BASE_DIR).parent / "shared" / "data"))

    def handle(self, *args, source, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        facts = Path(source) / "produk_unggulan_facts.csv"
        if not facts.exists():
            raise CommandError(f"{facts} tidak ada.")
        wilayah = json.loads((fixtures / "wilayah.json").read_text(encoding="utf-8"))
        kecamatan = {name_key(r["fields"]["name"]): r["fields"]["code"] for r in wilayah if r["model"] == "mapping.kecamatan"}
        desa = {(r["fields"]["kecamatan"][0], name_key(r["fields"]["name"])): r["fields"]["code"]
                for r in wilayah if r["model"] == "mapping.desa"}
        komoditas = json.loads((fixtures / "komoditas.json").read_text(encoding="utf-8"))
        rows = []
        with open(facts, encoding="utf-8", newline="") as handle:
            for number, fact in enumerate(csv.DictReader(handle), start=2):
                commodity = commodity_for(fact["produk"], komoditas)
                if commodity is None:
                    raise CommandError(f"Baris {number}: tidak ada komoditas untuk {fact['produk']!r}.")
                kec = kecamatan.get(name_key(fact["kecamatan"]))
                if kec is None:
                    raise CommandError(f"Baris {number}: kecamatan {fact['kecamatan']!r} tidak ada di Purbalingga.")
                desa_code = None
                if fact["desa"].strip():
                    desa_code = desa.get((kec, name_key(fact["desa"])))
                    if desa_code is None:
                        raise CommandError(f"Baris {number}: desa {fact['desa']!r} tidak ada di Kecamatan {fact['kecamatan']}.")
                rows.append({
                    "komoditas": commodity["code"], "kecamatan": kec, "desa": desa_code,
                    "product_label": fact["produk"], "evidence": fact["note"], "source_url": fact["source_url"],
                    "attribution": urlsplit(fact["source_url"]).netloc.removeprefix("www."),
                })
        (fixtures / "sentra.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} sentra ditulis ke fixtures/sentra.json."))
