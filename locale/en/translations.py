"""English for the public pages (catalogue, produk unggulan, landing page, menu and footer).

    python locale/en/translations.py   # fills django.po and djangojs.po in locale/en/LC_MESSAGES,
                                       # then compiles both .mo files with msgfmt

EN (and PLURALS) are the strings of the templates and the Python code (domain `django`); EN_JS
(and PLURALS_JS) are the strings of the scripts the public pages load (domain `djangojs`, served
by the JavaScript catalog at /jsi18n/): static/js/kabupaten_map.js on the landing page
(komoditas_map.js, on the commodity pages, has no strings). offline.js is loaded for signed-in
people only: back office, left in Indonesian like the rest of it (its outbox texts are also
sent to the server as a hand-over reason, which the office reads in Indonesian).

Strings not listed stay in Indonesian (Django falls back to the msgid): the back office is
worked in Indonesian. After `makemessages -l en` (and `makemessages -d djangojs -l en`, with the
--ignore options of its first run), run this again to keep what is translated.
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

EN_JS = {
    # static/js/kabupaten_map.js (landing page): the kecamatan tooltip and a failed load.
    "%(desa_count)s desa/kel. · %(umkm_count)s UMKM": "Villages: %(desa_count)s · MSMEs: %(umkm_count)s",
    "Batas kecamatan gagal dimuat (%s).": "The district boundaries could not be loaded (%s).",
}
PLURALS_JS: dict = {}

PO = Path(__file__).parent / "LC_MESSAGES" / "django.po"
PO_JS = PO.with_name("djangojs.po")

# The header makemessages writes into a new catalogue, made like django.po's (a no-op on a filled one).
HEADER_COMMENT = {
    "djangojs.po": "# English for the scripts of the portal's public pages (static/js, served at /jsi18n/).\n"
                   "# Made with `manage.py makemessages -d djangojs -l en`, filled by locale/en/translations.py,\n"
                   "# which also compiles djangojs.mo (committed: a fresh machine needs no gettext tools).\n"
                   "# Strings left empty are shown in Indonesian.\n",
}
HEADER_FIELDS = [
    ('"Project-Id-Version: PACKAGE VERSION\\n"', '"Project-Id-Version: Peta UMKM Purbalingga\\n"'),
    ('"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n', ""),
    ('"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n', ""),
    ('"Language-Team: LANGUAGE <LL@li.org>\\n"\n', ""),
    ('"Language: \\n"', '"Language: en\\n"'),
]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _text(lines: list[str]) -> str:
    return "".join(eval(line) for line in lines)  # the .po's own quoted strings  # noqa: S307


def _settled(head: list[str]) -> list[str]:
    """The comments of an entry being filled, without msgmerge's fuzzy flag and previous msgid:
    msgfmt leaves a fuzzy entry out, so a translation given here would silently not show."""
    kept = []
    for line in head:
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        kept.append(line)
    return kept


def header(po_text: str, name: str) -> str:
    """A new catalogue's template header (title, fuzzy flag, placeholders) made a real one."""
    first, rest = po_text.split("\n\n", 1)
    if first.startswith("# SOME DESCRIPTIVE TITLE."):
        first = HEADER_COMMENT[name] + first[first.index('msgid ""'):]
    for template, real in HEADER_FIELDS:
        first = first.replace(template, real)
    return first + "\n\n" + rest


def fill(po_text: str, en: dict = EN, plurals: dict = PLURALS) -> str:
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
        if not msgid:  # the header
            continue
        plural = "msgid_plural" in blocks
        english = list(plurals.get(msgid, ("", ""))) if plural else [en.get(msgid, "")]
        if not any(english) and all(_text(block) == "" for key, block in blocks.items() if key.startswith("msgstr")):
            continue  # not listed and empty: left as makemessages wrote it
        # Listed: its English; not listed: emptied (stays Indonesian, whatever an older fill wrote).
        lines = [*(_settled(head) if any(english) else head), f"msgid {_quote(msgid)}"]
        if plural:
            lines.append(f"msgid_plural {_quote(_text(blocks['msgid_plural']))}")
            lines += [f"msgstr[{n}] {_quote(text)}" for n, text in enumerate(english)]
        else:
            lines.append(f"msgstr {_quote(english[0])}")
        entries[index] = "\n".join(lines)
    text = "\n\n".join(entries)
    return re.sub(r'"Plural-Forms: [^"]*"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"', text)


def compile_catalogue(po: Path, en: dict, plurals: dict) -> None:
    po.write_text(fill(header(po.read_text(encoding="utf-8"), po.name), en, plurals), encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    print(f"{len(en) + len(plurals)} strings in English; compiled {po.with_suffix('.mo')}")


if __name__ == "__main__":
    compile_catalogue(PO, EN, PLURALS)
    compile_catalogue(PO_JS, EN_JS, PLURALS_JS)
