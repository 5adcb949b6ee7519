"""Rubric version 1: the 12 criteria for Produk Unggulan Daerah of Permendagri No. 9
Tahun 2014 (Pasal 4), each on an anchored 1–5 scale, plus three rating classes."""

from django.db import migrations

# kode, name, weight, auto_source, five level descriptions (score 1 to 5)
CRITERIA = [
    ("a", "Penyerapan tenaga kerja", 3, "", [
        "Hanya pemilik, tanpa tenaga kerja lain",
        "1–2 tenaga kerja, sebagian besar keluarga",
        "3–5 tenaga kerja tetap",
        "6–19 tenaga kerja, termasuk warga sekitar",
        "20 tenaga kerja atau lebih, atau melibatkan banyak perajin rumahan",
    ]),
    ("b", "Sumbangan terhadap perekonomian", 3, "", [
        "Omzet sangat kecil, untuk kebutuhan sendiri",
        "Omzet kecil, pasar terbatas di desa",
        "Omzet stabil, memasok beberapa desa",
        "Omzet besar, menggerakkan pemasok dan pedagang lokal",
        "Omzet sangat besar atau menghasilkan devisa/ekspor",
    ]),
    ("c", "Sektor basis ekonomi daerah", 2, "lq", [
        "LQ sektor di kecamatan < 0,5: sangat jarang",
        "LQ 0,5–<1: bukan sektor basis",
        "LQ 1–<1,5: sektor basis",
        "LQ 1,5–<2: sektor basis kuat",
        "LQ ≥ 2: sentra, sektor basis sangat kuat",
    ]),
    ("d", "Dapat diperbaharui", 2, "", [
        "Bahan baku tidak terbarukan dan makin langka",
        "Bahan baku tidak terbarukan tetapi masih tersedia",
        "Sebagian bahan baku terbarukan",
        "Sebagian besar bahan baku terbarukan",
        "Seluruh bahan baku terbarukan dan dikelola lestari",
    ]),
    ("e", "Sosial budaya", 1, "", [
        "Tidak terkait budaya atau kearifan lokal",
        "Sedikit terkait kebiasaan setempat",
        "Dikenal sebagai produk khas desa",
        "Dikenal sebagai produk khas Purbalingga",
        "Warisan budaya atau identitas daerah (mis. WBTB)",
    ]),
    ("f", "Ketersediaan pasar", 3, "", [
        "Pembeli tidak menentu",
        "Pasar lokal desa/kecamatan",
        "Pasar kabupaten, pembeli tetap",
        "Pasar provinsi/nasional, termasuk daring",
        "Pasar ekspor atau permintaan melebihi produksi",
    ]),
    ("g", "Bahan baku", 3, "", [
        "Bahan baku didatangkan seluruhnya dari luar daerah",
        "Bahan baku lokal < 25%",
        "Bahan baku lokal 25–50%",
        "Bahan baku lokal 50–75%",
        "Bahan baku lokal > 75% dan pasokan terjamin",
    ]),
    ("h", "Modal", 2, "", [
        "Tanpa modal kerja, bergantung pesanan",
        "Modal sendiri sangat terbatas",
        "Modal sendiri cukup untuk produksi rutin",
        "Modal cukup dan punya akses kredit/KUR",
        "Modal kuat dan mampu ekspansi",
    ]),
    ("i", "Sarana dan prasarana produksi", 2, "", [
        "Alat seadanya, tempat tidak layak",
        "Alat sederhana, tempat terbatas",
        "Alat memadai untuk produksi rutin",
        "Alat dan tempat baik, higienis/tertata",
        "Sarana lengkap dan terstandar",
    ]),
    ("j", "Teknologi", 2, "", [
        "Sepenuhnya manual tradisional",
        "Manual dengan sedikit alat bantu",
        "Sebagian proses memakai mesin",
        "Mesin pada proses utama",
        "Teknologi tepat guna/otomasi dan inovasi produk",
    ]),
    ("k", "Manajemen usaha", 2, "", [
        "Tanpa catatan usaha",
        "Catatan sederhana tidak rutin",
        "Pembukuan sederhana rutin",
        "Pembukuan, perizinan dan pembagian tugas jelas",
        "Manajemen tertata, legalitas lengkap, rencana usaha",
    ]),
    ("l", "Harga", 2, "", [
        "Harga tidak bersaing dan sering merugi",
        "Harga kurang bersaing",
        "Harga bersaing di pasar lokal",
        "Harga bersaing dengan margin baik",
        "Harga premium yang diterima pasar",
    ]),
]

CLASSES = [("Unggulan", 70, "#198754"), ("Potensial", 50, "#0d6efd"), ("Perlu pembinaan", 0, "#fd7e14")]


def create_rubric(apps, schema_editor):
    Rubric = apps.get_model("mapping", "Rubric")
    Criterion = apps.get_model("mapping", "Criterion")
    CriterionLevel = apps.get_model("mapping", "CriterionLevel")
    RatingClass = apps.get_model("mapping", "RatingClass")
    rubric, created = Rubric.objects.get_or_create(
        version=1,
        defaults={
            "name": "Kriteria Produk Unggulan Daerah (Permendagri 9/2014)",
            "note": "12 kriteria Pasal 4, skala 1–5 berjangkar, bobot bilangan bulat.",
        },
    )
    if created:
        for order, (kode, name, weight, auto_source, levels) in enumerate(CRITERIA, start=1):
            criterion = Criterion.objects.create(
                rubric=rubric, kode=kode, name=name, weight=weight, order=order, auto_source=auto_source
            )
            CriterionLevel.objects.bulk_create(
                CriterionLevel(criterion=criterion, score=score, description=text)
                for score, text in enumerate(levels, start=1)
            )
    for name, min_score, colour in CLASSES:
        RatingClass.objects.get_or_create(name=name, defaults={"min_score": min_score, "colour": colour})


class Migration(migrations.Migration):
    dependencies = [("mapping", "0002_rating_and_versions")]

    operations = [migrations.RunPython(create_rubric, migrations.RunPython.noop)]
