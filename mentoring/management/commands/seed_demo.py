from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from mapping import demo as mapping_demo
from mapping.services.facts import facts_changed
from mentoring import services
from purbalingga_umkm.demo import demo_extras_clear, demo_extras_seed
from spreadsheets import bulk


class Command(BaseCommand):
    help = (
        "Buat data DEMO (bukan data lapangan) yang deterministik: UMKM tersebar di semua desa, "
        "18 pendamping demo (satu per kecamatan), akun Pimpinan demo dan kunjungan demo. "
        "Jika data demo sudah ada, tidak ada yang diubah kecuali --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--umkm", type=int, default=3000, help="Jumlah UMKM demo (bawaan 3000).")
        parser.add_argument("--seed", type=int, default=2026, help="Benih acak (bawaan 2026).")
        parser.add_argument("--replace", action="store_true", help="Hapus data demo lama lalu buat ulang.")
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan rencana tanpa menyimpan.")

    def handle(self, *args, umkm, seed, replace, dry_run, **options):
        if umkm < 0:
            raise CommandError("--umkm tidak boleh negatif.")
        if dry_run:
            self.stdout.write(f"[dry-run] akan membuat {umkm} UMKM demo dengan seed {seed}.")
            return
        if replace:
            demo_extras_clear()
            services.demo_mentoring_clear()
        try:
            result = mapping_demo.demo_data_seed(umkm_count=umkm, seed=seed, replace=replace)
        except ValueError as error:
            raise CommandError(str(error)) from error
        mentoring = services.demo_mentoring_seed(seed=seed)
        registry_tables = [*apps.get_app_config("mapping").get_models(), *apps.get_app_config("mentoring").get_models()]
        bulk.planner_statistics_refresh(*registry_tables)  # the aid shortlist below reads them all
        extras = demo_extras_seed(seed=seed)
        facts_changed(everything=True)
        bulk.planner_statistics_refresh(*registry_tables)
        if result.skipped:
            self.stdout.write(
                f"Data demo sudah ada ({result.umkm} UMKM); tidak diubah. Pakai --replace untuk membuat ulang."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Data DEMO dibuat: {result.umkm} UMKM, {result.products} produk, "
                    f"{result.permits} izin, {mentoring.pendamping} pendamping, "
                    f"{mentoring.visits} kunjungan, {mentoring.assessments} penilaian terverifikasi (seed {seed})."
                )
            )
        for line in extras:
            self.stdout.write(line)
        self.stdout.write("Akun demo (hanya untuk percobaan, jangan dipakai di produksi):")
        for username, password, role in result.accounts + mentoring.accounts:
            self.stdout.write(f"  {username} / {password}  — {role}")
