from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from purbalingga_umkm.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Cadangkan basis data dan berkas unggahan (media) ke satu arsip .tar dengan manifest pemeriksa."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder arsip (dibuat bila belum ada).")

    def handle(self, *args, **options):
        try:
            archive = backup_create(output=Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Cadangan dibuat: {archive}"))
