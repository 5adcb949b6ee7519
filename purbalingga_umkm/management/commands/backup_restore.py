from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from purbalingga_umkm.backups import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = ("Pulihkan basis data dan media dari arsip backup_create: MENGGANTI seluruh isi basis data. "
            "Checksum diperiksa dulu; jumlah baris dibandingkan dengan manifest sesudahnya.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Jangan bertanya lagi (untuk skrip).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya tampilkan isi manifest.")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        manifest = backup_read_manifest(archive)
        self.stdout.write(f"Arsip {archive.name}: {manifest['created_at']}, {manifest['database']}, "
                          f"{sum(manifest['rows'].values())} baris, {len(manifest['media'])} berkas media.")
        if options["dry_run"]:
            return
        if not options["yes"] and input("Ganti seluruh basis data dan media dengan arsip ini? [ketik ya] ") != "ya":
            raise CommandError("Dibatalkan; tidak ada yang diubah.")
        try:
            report = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if report.mismatches:
            raise CommandError(f"Dipulihkan, tetapi jumlah baris berbeda dari manifest: {report.mismatches}")
        self.stdout.write(self.style.SUCCESS(
            f"Dipulihkan: {report.tables} tabel, {report.rows} baris, {report.media_files} berkas media; "
            "jumlah baris sama dengan manifest."))
