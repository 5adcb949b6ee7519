"""Word lists for generated demo UMKM. Data only; used by services.demo_data_seed.

Sector weights lean towards what public sources report for each kecamatan (sapu
glagah in Karangreja, knalpot in Purbalingga, bulu mata in Bojongsari, ...) so the
demo maps look plausible. Every generated row is still fictitious and marked demo.
"""

FIRST_NAMES = [
    "Slamet", "Sutrisno", "Darsono", "Wahyudi", "Sugeng", "Tarsono", "Rasiwan", "Budi",
    "Joko", "Agus", "Bambang", "Heru", "Eko", "Teguh", "Kusnadi", "Suparno", "Warsito",
    "Mulyono", "Rohadi", "Imam", "Sri", "Suparmi", "Tarsini", "Wahyuni", "Siti", "Rini",
    "Sutinah", "Darsih", "Rasinah", "Kartini", "Endang", "Suwarni", "Nur", "Tri", "Dwi",
    "Yuli", "Lestari", "Puji", "Ratna", "Dewi", "Fitri", "Umi", "Karsini", "Sumiyati",
]
LAST_NAMES = [
    "Santoso", "Wibowo", "Prasetyo", "Hidayat", "Saputra", "Lestari", "Rahayu", "Susanti",
    "Purnomo", "Setiawan", "Nugroho", "Handayani", "Wulandari", "Kurniawan", "Pratiwi",
    "Haryanto", "Utomo", "Astuti", "Suryani", "Firmansyah", "", "", "", "",
]
BUSINESS_PREFIXES = ["UD", "CV", "KUB", "Usaha", "Industri Rumahan", "Sentra", "Toko", "Rumah Produksi"]
BUSINESS_WORDS = [
    "Sumber Rejeki", "Berkah Jaya", "Maju Makmur", "Sido Mulyo", "Lancar Abadi", "Mekar Sari",
    "Karya Mandiri", "Sari Rasa", "Barokah", "Rizki Utama", "Makmur Sentosa", "Cahaya Desa",
    "Tunas Harapan", "Putra Perwira", "Ardi Lawet", "Serayu Jaya", "Slamet Indah", "Tirta Sari",
]
STREET_WORDS = ["Jl. Raya", "Jl. Desa", "Dusun", "RT 01 RW 02", "RT 03 RW 01", "Gang Mawar", "Jl. Melati"]

# sector kode -> (product names, capacity unit, price range in rupiah)
SECTOR_PRODUCTS = {
    "makanan-minuman": (
        ["Nopia", "Mino", "Keripik tempe", "Keripik singkong", "Tahu", "Tempe", "Sale pisang",
         "Manisan nanas", "Dodol nanas", "Lanting", "Getuk goreng", "Dawet ayu", "Kerupuk",
         "Rengginang", "Yoghurt susu jagung", "Sambal kemasan", "Roti kering", "Emping"],
        "paket", (5_000, 60_000),
    ),
    "kerajinan": (
        ["Sapu glagah", "Sapu rayung", "Anyaman bambu", "Besek", "Gerabah", "Ukiran kayu",
         "Tas anyaman pandan", "Kerajinan batok kelapa", "Keset sabut kelapa"],
        "pcs", (10_000, 250_000),
    ),
    "fesyen-tekstil": (
        ["Batik tulis Patrawisa", "Batik cap", "Blangkon Soedirman", "Kaos sablon", "Seragam sekolah",
         "Mukena bordir", "Tas kain"],
        "pcs", (35_000, 750_000),
    ),
    "rambut-bulu-mata": (
        ["Bulu mata palsu", "Rambut sambung", "Wig", "Sanggul", "Hair extension"],
        "pasang", (3_000, 400_000),
    ),
    "pertanian-olahan": (
        ["Gula kelapa cetak", "Gula semut organik", "Kopi robusta bubuk", "Kopi arabika Gunung Malang",
         "Stroberi segar", "Nanas madu", "Beras organik", "Jahe instan", "Duku Kalikajar"],
        "kg", (12_000, 150_000),
    ),
    "perikanan": (
        ["Gurami segar", "Gurami bakar bumbu", "Nila segar", "Lele asap", "Abon lele", "Benih gurami"],
        "kg", (15_000, 90_000),
    ),
    "peternakan": (
        ["Telur ayam kampung", "Susu kambing etawa", "Daging kambing", "Ayam potong", "Madu klanceng"],
        "kg", (20_000, 150_000),
    ),
    "logam-otomotif": (
        ["Knalpot racing", "Knalpot standar", "Pagar besi", "Pisau dapur", "Suku cadang bubut", "Teralis"],
        "pcs", (75_000, 2_500_000),
    ),
    "jasa": (
        ["Jasa jahit", "Bengkel motor", "Catering", "Salon & rias", "Sablon", "Servis elektronik",
         "Percetakan"],
        "layanan", (15_000, 500_000),
    ),
    "perdagangan": (
        ["Toko kelontong", "Warung sembako", "Toko oleh-oleh", "Toko pertanian"],
        "layanan", (10_000, 200_000),
    ),
    "lainnya": (
        ["Bibit tanaman hias", "Pupuk organik", "Arang batok", "Sabun herbal"],
        "pcs", (5_000, 75_000),
    ),
}

# Base weight of each sector; kecamatan-specific boosts are multiplied in.
SECTOR_WEIGHTS = {
    "makanan-minuman": 30, "kerajinan": 10, "fesyen-tekstil": 7, "rambut-bulu-mata": 5,
    "pertanian-olahan": 15, "perikanan": 6, "peternakan": 5, "logam-otomotif": 4, "jasa": 9,
    "perdagangan": 7, "lainnya": 2,
}
KECAMATAN_SECTOR_BOOST = {
    "Purbalingga": {"logam-otomotif": 6, "makanan-minuman": 1.5},
    "Kalimanah": {"rambut-bulu-mata": 4, "logam-otomotif": 3, "kerajinan": 2},
    "Bojongsari": {"rambut-bulu-mata": 5, "kerajinan": 3},
    "Padamara": {"rambut-bulu-mata": 3, "kerajinan": 3},
    "Karangreja": {"kerajinan": 4, "pertanian-olahan": 3},
    "Karangjambu": {"kerajinan": 4, "pertanian-olahan": 2},
    "Karangmoncol": {"kerajinan": 3},
    "Kutasari": {"pertanian-olahan": 3},
    "Mrebet": {"pertanian-olahan": 3},
    "Bobotsari": {"fesyen-tekstil": 4},
    "Pengadegan": {"fesyen-tekstil": 3},
    "Kemangkon": {"perikanan": 4},
    "Bukateja": {"perikanan": 3},
    "Kaligondang": {"pertanian-olahan": 2, "makanan-minuman": 1.5},
}
