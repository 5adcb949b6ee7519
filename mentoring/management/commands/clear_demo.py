from django.core.management.base import BaseCommand

from mapping import demo as mapping_demo
from mapping.models import UMKM
from mentoring import services
from purbalingga_umkm.demo import demo_extras_clear


class Command(BaseCommand):
    help = (
        "Hapus semua data demo: UMKM demo (beserta produk dan izinnya), pendamping, kunjungan "
        "dan akun demo. Data lapangan tidak disentuh."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Hitung saja tanpa menghapus.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"[dry-run] {UMKM.objects.demo().count()} UMKM demo akan dihapus.")
            return
        extra_rows = demo_extras_clear()
        mentoring_rows = services.demo_mentoring_clear()
        deleted = mapping_demo.demo_data_clear()
        self.stdout.write(
            self.style.SUCCESS(
                f"Dihapus: {deleted['rows'] + mentoring_rows + extra_rows} baris data demo, "
                f"{deleted['accounts']} akun demo."
            )
        )
