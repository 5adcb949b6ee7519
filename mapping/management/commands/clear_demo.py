from django.core.management.base import BaseCommand

from mapping import services
from mapping.models import UMKM


class Command(BaseCommand):
    help = "Hapus semua UMKM demo (beserta produk dan izinnya) dan akun demo. Data lapangan tidak disentuh."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Hitung saja tanpa menghapus.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"[dry-run] {UMKM.objects.demo().count()} UMKM demo akan dihapus.")
            return
        deleted = services.demo_data_clear()
        self.stdout.write(
            self.style.SUCCESS(f"Dihapus: {deleted['rows']} baris data demo, {deleted['accounts']} akun demo.")
        )
