"""English for the public pages (catalogue, produk unggulan, landing page, menu and footer).

    python locale/en/translations.py   # fills locale/en/LC_MESSAGES/django.po, then msgfmt

Strings not listed stay in Indonesian (Django falls back to the msgid): the back office is
worked in Indonesian. After `makemessages -l en`, run this again to keep what is translated.
"""

import re
import subprocess
from pathlib import Path

EN = {
    "Peta UMKM Purbalingga": "Purbalingga MSME Map",
    "Beranda": "Home",
    "Produk unggulan": "Flagship products",
    "Katalog": "Catalogue",
    "Pengumuman bantuan": "Aid announcements",
    "Masuk": "Sign in",
    "Keluar": "Sign out",
    "Lompat ke konten": "Skip to content",
    "Buka menu": "Open menu",
    "Pemerintah Kabupaten Purbalingga · Pemetaan produk unggulan UMKM per kecamatan dan desa.":
        "Purbalingga Regency Government · Mapping the flagship products of MSMEs by district and village.",
    "Batas wilayah: turunan data cahyadsn/wilayah_boundaries (MIT), untuk peta tematik, bukan batas hukum.":
        "Boundaries derived from cahyadsn/wilayah_boundaries (MIT), for thematic maps, not legal boundaries.",
    "Halal": "Halal", "PIRT": "PIRT (home food licence)", "BPOM": "BPOM", "SNI": "SNI",
    "Merek terdaftar": "Registered trademark", "Siap ekspor": "Export ready", "NIB terdaftar": "Registered business",
    "Komoditas": "Commodity", "Sektor": "Sector", "Produk": "Products", "Harga": "Price",
    "Jangkauan pasar": "Market reach", "Kecamatan": "District", "Kabupaten Purbalingga": "Purbalingga Regency",
    "Kec. %(name)s": "%(name)s District", "Kecamatan %(name)s": "%(name)s District",
    "Cari": "Search", "Semua": "All", "Label": "Label", "Desa/kelurahan": "Village",
    "Halaman": "Page", "Sebelumnya": "Previous", "Berikutnya": "Next",
    "Halaman %(n)s dari %(total)s": "Page %(n)s of %(total)s",
    "Katalog produk UMKM": "MSME product catalogue",
    "Katalog produk UMKM Purbalingga": "Purbalingga MSME product catalogue",
    "Katalog produk UMKM Kabupaten Purbalingga: cari produk, komoditas dan desa sentra, lalu hubungi usahanya.":
        "Product catalogue of the MSMEs of Purbalingga Regency: find products, commodities and the villages "
        "that make them, then contact the business.",
    "Produk UMKM yang ditampilkan atas persetujuan Dinas dan pendampingnya. Kontak usaha tampil hanya bila pemiliknya setuju.":
        "MSME products shown with the approval of the regency office and the business's mentor. A business's "
        "contact is shown only when its owner agreed.",
    "Cari produk, usaha atau komoditas": "Search products, businesses or commodities",
    "mis. sapu glagah": "e.g. glagah broom",
    "hapus saringan": "clear filters",
    "Belum ada produk di katalog.": "No products in the catalogue yet.",
    "Tidak ada produk yang cocok. Coba kata lain atau hapus saringan.":
        "No product matches. Try other words or clear the filters.",
    "Lihat produk unggulan dan sentra per kecamatan": "See flagship products and production centres by district",
    "Hubungi usaha": "Contact the business", "WhatsApp": "WhatsApp", "Situs web": "Website",
    "Pemilik belum menyetujui kontaknya ditampilkan. Hubungi Dinas atau datang ke desanya; pendamping UMKM kecamatan dapat menghubungkan Anda.":
        "The owner has not agreed to show their contact. Ask the regency's MSME office or visit the village; "
        "the district's MSME mentor can put you in touch.",
    "Kode QR halaman produk ini": "QR code of this product page",
    "Pindai atau bagikan alamat ini:": "Scan or share this address:",
    "Unduh kode QR (SVG)": "Download the QR code (SVG)",
    "Bagikan lewat WhatsApp": "Share on WhatsApp",
    "Lembar stiker A4 (PDF)": "A4 sticker sheet (PDF)",
    "Lembar stiker kode QR (A4, PDF)": "QR code sticker sheet (A4, PDF)",
    "Produk lain dari %(name)s": "More products from %(name)s",
    "Kapasitas per bulan": "Capacity per month",
    "%(name)s, UMKM di %(desa)s, Kabupaten Purbalingga.": "%(name)s, an MSME in %(desa)s, Purbalingga Regency.",
    "berdiri %(year)s": "founded %(year)s",
    "Lokasi usaha ditampilkan atas persetujuan pemilik.": "The business's location is shown with its owner's consent.",
    "Lokasi ditunjukkan sebatas Desa/Kelurahan %(desa)s.": "Location shown as the village of %(desa)s only.",
    "Buka peta": "Open map", "Alamat halaman ini": "Address of this page",
    "Komoditas unggulan": "Flagship commodity", "%(name)s Purbalingga": "%(name)s of Purbalingga",
    "%(name)s Purbalingga: sentra produksi, produsen dan produknya di katalog UMKM.":
        "%(name)s of Purbalingga: production centres, producers and their products in the MSME catalogue.",
    "Sentra": "Production centres", "Sumber": "Source",
    "Belum ada sentra yang tercatat.": "No production centre recorded yet.",
    "Bukti dari data UMKM terdaftar": "Evidence from the registered MSMEs",
    "Produsen": "Producers", "Tenaga kerja": "Workers", "Luar provinsi": "Outside the province", "Ekspor": "Export",
    "Belum ada UMKM terdaftar yang memproduksi komoditas ini.": "No registered MSME makes this commodity yet.",
    "Kapasitas produksi per bulan": "Production capacity per month",
    "Di katalog": "In the catalogue", "Semua produk %(name)s di katalog": "All %(name)s products in the catalogue",
    "Belum ada produk komoditas ini di katalog.": "No product of this commodity in the catalogue yet.",
    "Produk unggulan %(scope)s": "Flagship products of %(scope)s",
    "Sentra yang diketahui di wilayah ini": "Known production centres in this area",
    "Komoditas unggulan Purbalingga": "Flagship commodities of Purbalingga",
    "%(s)s sentra · %(p)s produsen": "%(s)s centres · %(p)s producers",
    "Produk unggulan per desa": "Flagship products by village",
    "Produk unggulan yang ditetapkan": "Designated flagship products",
    "Kandidat komoditas (belum ditetapkan)": "Candidate commodities (not designated)",
    "Peta produk unggulan UMKM Kabupaten Purbalingga": "Map of the flagship MSME products of Purbalingga Regency",
    "%(kecamatan)s kecamatan, %(desa)s desa/kelurahan.": "%(kecamatan)s districts, %(desa)s villages.",
    "%(umkm)s UMKM aktif dengan %(products)s produk tercatat.": "%(umkm)s active MSMEs with %(products)s products recorded.",
    "Desa/Kel.": "Village",
}
PLURALS = {"%(n)s produk": ("%(n)s product", "%(n)s products")}

PO = Path(__file__).parent / "LC_MESSAGES" / "django.po"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _text(lines: list[str]) -> str:
    return "".join(eval(line) for line in lines)  # the .po's own quoted strings  # noqa: S307


def fill(po_text: str) -> str:
    entries = po_text.split("\n\n")
    for index, entry in enumerate(entries):
        lines = entry.split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith(("msgid ", "msgid_plural ", "msgstr"))]
        if not starts or not lines[starts[0]].startswith("msgid "):
            continue
        blocks = {}
        for position, start in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(lines)
            key, first = lines[start].split(" ", 1)
            blocks[key] = [first] + [line for line in lines[start + 1:end] if line.startswith('"')]
        msgid = _text(blocks["msgid"])
        head = lines[:starts[0]]
        if msgid in EN:
            entries[index] = "\n".join(head + [f"msgid {_quote(msgid)}", f"msgstr {_quote(EN[msgid])}"])
        elif msgid in PLURALS and "msgid_plural" in blocks:
            one, many = PLURALS[msgid]
            entries[index] = "\n".join(head + [f"msgid {_quote(msgid)}",
                                               f"msgid_plural {_quote(_text(blocks['msgid_plural']))}",
                                               f"msgstr[0] {_quote(one)}", f"msgstr[1] {_quote(many)}"])
    text = "\n\n".join(entries)
    return re.sub(r'"Plural-Forms: [^"]*"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"', text)


if __name__ == "__main__":
    PO.write_text(fill(PO.read_text(encoding="utf-8")), encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    print(f"{len(EN) + len(PLURALS)} strings in English; compiled {PO.with_suffix('.mo')}")
