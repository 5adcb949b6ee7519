"""python manage.py import_file KIND PATH [--dry-run] [--profile NAME] [--user USERNAME]

For operators loading big historical files: the same engine as the import page (the same
reading, checks, scope, all-or-nothing write and history with undo), run here and now.
The last line is `RESULT rows=N new=N updated=N unchanged=N errors=N`; the exit status is
0 when the file was imported (or, with --dry-run, would be), 1 otherwise.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from spreadsheets import imports
from spreadsheets.models import ImportBatch, MappingProfile
from spreadsheets.specs import SPECS

ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = "Impor satu berkas spreadsheet (CSV, XLSX, XLS, ODS) dengan mesin impor portal."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"Jenis data: {', '.join(k for k, s in SPECS.items() if s.importable)}")
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja; tidak ada yang disimpan.")
        parser.add_argument("--profile", help="Nama pemetaan kolom tersimpan yang dipakai.")
        parser.add_argument("--user", help="Pengguna yang mengimpor (hak dan cakupannya berlaku). Bawaan: superuser "
                                           "pertama.")

    def handle(self, *args, kind, path, dry_run, profile, user, **options):
        spec = SPECS.get(kind)
        if spec is None or not spec.importable:
            raise CommandError(f"Jenis data tidak dikenal: {kind}. Pilihan: "
                               f"{', '.join(k for k, s in SPECS.items() if s.importable)}.")
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        person = self._user(user)
        reading = {}
        if profile:
            found = MappingProfile.objects.filter(kind=spec.kind, name=profile).first()
            if found is None:
                raise CommandError(f"Pemetaan kolom '{profile}' untuk {spec.kind} tidak ada.")
            reading["mapping"] = found.mapping

        def progress(batch_id, done, total):
            self.stderr.write(f"… {done} baris diperiksa" + (f" dari {total}" if total else ""))

        imports.progress_listeners.append(progress)
        try:
            self.stderr.write(f"Memeriksa {path.name} ({spec.label}) sebagai {person.username} …")
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            batch = imports.import_start(spec=spec, upload=upload, user=person, inline=True, options=reading)
            batch = ImportBatch.objects.without_content().get(pk=batch.pk)
            if batch.status == ImportBatch.Status.READY and not dry_run and not (batch.columns or {}).get("near"):
                self.stderr.write("Mengimpor (satu transaksi) …")
                imports.import_confirm(batch=batch, user=person, inline=True)
                batch = ImportBatch.objects.without_content().get(pk=batch.pk)
        finally:
            imports.progress_listeners.remove(progress)
        self._report(batch)
        ok = batch.status == ImportBatch.Status.DONE or (dry_run and batch.status == ImportBatch.Status.READY
                                                          and not (batch.columns or {}).get("near"))
        counts = batch.counts or {}
        self.stdout.write(f"RESULT rows={counts.get('total', 0)} new={counts.get('new', 0)} "
                          f"updated={counts.get('updated', 0)} unchanged={counts.get('unchanged', 0)} "
                          f"errors={counts.get('error', 0)}")
        if not ok:
            sys.exit(1)

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        person = users.filter(username=username).first() if username else users.filter(
            is_superuser=True).order_by("pk").first()
        if person is None:
            raise CommandError(f"Pengguna aktif '{username}' tidak ada." if username else
                               "Tidak ada superuser aktif; sebutkan --user.")
        return person

    def _report(self, batch):
        for note in batch.notes or []:
            self.stderr.write(f"Catatan: {note}")
        if batch.refusal:
            self.stderr.write(f"Ditolak: {batch.refusal}")
        if batch.status == ImportBatch.Status.MAPPING:
            material = batch.columns or {}
            self.stderr.write("Judul kolom berbeda dari templat; petakan di halaman impor (/data/riwayat/"
                              f"{batch.pk}/) lalu simpan pemetaannya, dan pakai --profile NAMA.")
            for problem in material.get("problems", []):
                self.stderr.write(f"  - {problem}")
        for near in (batch.columns or {}).get("near", []):
            self.stderr.write(f"Baris {near['row']} mungkin sama dengan {near['match']}: jawab di halaman impor "
                              f"(/data/riwayat/{batch.pk}/).")
        for error in (batch.errors or [])[:ERRORS_SHOWN]:
            self.stderr.write(f"Baris {error['row']} {error['column']}: {error['message']}")
        if batch.error_count > ERRORS_SHOWN:
            self.stderr.write(f"… dan {batch.error_count - ERRORS_SHOWN} galat lain (unduh daftar galat di halaman "
                              f"/data/riwayat/{batch.pk}/).")
        self.stderr.write(f"Status: {batch.get_status_display()} (riwayat impor #{batch.pk})")
