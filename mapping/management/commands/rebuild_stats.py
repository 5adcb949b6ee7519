from django.core.management.base import BaseCommand

from mapping import stats


class Command(BaseCommand):
    help = "Bangun ulang angka dasbor (UMKMFact) dari seluruh data; jalankan setelah impor massal."

    def handle(self, *args, **options):
        count = stats.stats_refresh()
        self.stdout.write(self.style.SUCCESS(f"Angka dasbor dibangun ulang untuk {count} UMKM."))
