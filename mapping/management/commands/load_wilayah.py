from django.core.management.base import BaseCommand

from mapping import services


class Command(BaseCommand):
    help = (
        "Muat atau perbarui 18 kecamatan, semua desa/kelurahan (kode Kemendagri dan batas "
        "wilayah) dan daftar sektor dari fixtures/. Aman dijalankan berulang kali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Periksa tanpa menyimpan.")

    def handle(self, *args, dry_run, **options):
        counts = services.wilayah_load(dry_run=dry_run)
        prefix = "[dry-run] " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{counts['kecamatan']} kecamatan, {counts['desa']} desa/kelurahan, "
                f"{counts['sektor']} sektor, {counts['komoditas']} komoditas, {counts['sentra']} sentra."
            )
        )
