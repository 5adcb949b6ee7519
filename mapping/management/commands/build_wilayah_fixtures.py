"""Build fixtures/wilayah.json from the reference data files (a development step).

The portal never reads the source folder at run time: this command turns it into the
committed fixture, and fixtures/README.md records where the data came from.
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mapping import geometry


class Command(BaseCommand):
    help = (
        "Bangun fixtures/wilayah.json dari kecamatan.csv, desa.csv, kecamatan.geojson dan "
        "desa.geojson di folder sumber (mis. ../shared/data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="Folder berisi berkas sumber.")
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "fixtures" / "wilayah.json")
        )
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja, jangan tulis.")

    def handle(self, *args, source, output, dry_run, **options):
        source = Path(source)
        kecamatan_rows = _read_csv(source / "kecamatan.csv")
        desa_rows = _read_csv(source / "desa.csv")
        kecamatan_shapes = _read_features(source / "kecamatan.geojson")
        desa_shapes = _read_features(source / "desa.geojson")

        objects = []
        for row in sorted(kecamatan_rows, key=lambda r: r["kode"]):
            objects.append(_fixture_object("mapping.kecamatan", row, kecamatan_shapes, {}))
        kecamatan_codes = {row["kode"] for row in kecamatan_rows}
        for row in sorted(desa_rows, key=lambda r: r["kode"]):
            if row["kecamatan_kode"] not in kecamatan_codes:
                raise CommandError(f"Desa {row['kode']}: kecamatan {row['kecamatan_kode']} tidak ada.")
            expected_jenis = "kelurahan" if row["kode"].split(".")[-1].startswith("1") else "desa"
            if row["jenis"] != expected_jenis:
                raise CommandError(f"Desa {row['kode']}: jenis {row['jenis']} tidak cocok dengan kode.")
            objects.append(
                _fixture_object(
                    "mapping.desa", row, desa_shapes, {"kecamatan": [row["kecamatan_kode"]]}
                )
            )
        if set(kecamatan_shapes) != kecamatan_codes or set(desa_shapes) != {r["kode"] for r in desa_rows}:
            raise CommandError("Kode di GeoJSON tidak sama dengan kode di CSV.")

        self.stdout.write(f"{len(kecamatan_rows)} kecamatan, {len(desa_rows)} desa/kelurahan diperiksa.")
        if dry_run:
            return
        # One object per line keeps diffs of the fixture readable.
        lines = ",\n".join(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) for obj in objects)
        Path(output).write_text("[\n" + lines + "\n]\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Ditulis: {output}"))


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_features(path: Path) -> dict[str, dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["kode"]: f for f in collection["features"]}


def _fixture_object(model: str, row: dict, shapes: dict, extra: dict) -> dict:
    feature = shapes.get(row["kode"])
    if feature is None:
        raise CommandError(f"{row['kode']} {row['nama']}: tidak ada batas wilayah.")
    if feature["properties"]["nama"] != row["nama"]:
        raise CommandError(f"{row['kode']}: nama di GeoJSON berbeda dengan CSV.")
    boundary = geometry.as_multipolygon(feature["geometry"])
    centre = geometry.point(float(row["lng"]), float(row["lat"]))
    geometry.validate_boundary(boundary)
    if not geometry.covers(boundary, centre):
        raise CommandError(f"{row['kode']} {row['nama']}: titik tengah di luar batas wilayah.")
    fields = {"code": row["kode"], "name": row["nama"], **extra, "boundary": boundary, "centre": centre}
    return {"model": model, "fields": fields}
