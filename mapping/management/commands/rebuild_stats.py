from django.core.management.base import BaseCommand

from mapping.services.facts import facts_changed


class Command(BaseCommand):
    help = "Bangun ulang angka dasbor (UMKMFact) dari seluruh data; jalankan setelah impor massal."

    def handle(self, *args, **options):
        count = facts_changed(everything=True)
        self.stdout.write(self.style.SUCCESS(f"Angka dasbor dibangun ulang untuk {count} UMKM."))
