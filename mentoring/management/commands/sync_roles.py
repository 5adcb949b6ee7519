from django.apps import apps
from django.core.management.base import BaseCommand

from mentoring.roles import roles_sync


class Command(BaseCommand):
    help = "Buat ulang grup peran (Admin Dinas, Pimpinan, Pendamping) dan setel izinnya sesuai kode."

    def handle(self, *args, **options):
        roles_sync(apps)
        self.stdout.write(self.style.SUCCESS("Grup peran dan izinnya diperbarui."))
