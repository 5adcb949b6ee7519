"""Spreadsheet specs of the mapping app's data: columns, keys, lookups, exports.

Discovered by the spreadsheets engine at start-up (see spreadsheets/specs.py).

Each spec lists its columns once (Indonesian headers, the Petunjuk text, an example);
the template, the importer, the portal export and the admin export all use them, so
an exported file imports back unchanged. Lookups are set-wise: one query fills a
dict (kode → id) and every row is then resolved in Python with its row number.
"""

import difflib
import re
import time
from functools import lru_cache

import shapely
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from mapping.geometry import to_shape
from mapping.models import (
    SWAPPED_COORDINATES_MESSAGE, UMKM, Assessment, Desa, Kecamatan, Product, Sector, size_class_for,
    validate_phone, validate_umkm_kode,
)
from mapping.services.facts import facts_changed
from mapping.services.komoditas import products_komoditas_suggest
from spreadsheets import bulk, cells
from spreadsheets.cells import CellError
from spreadsheets.resources import SpecResource
from spreadsheets.columns import Target
from spreadsheets.specs import KEEP, Column, Existing, ImportSpec, Resolved, RowError, register, with_aliases


PLACE_PREFIX = re.compile(r"^(desa|ds|kelurahan|kel|kecamatan|kec)\b\.?\s*", re.IGNORECASE)


@lru_cache(maxsize=4096)
def place_key(name: str) -> str:
    """Place names compare without case, spacing, punctuation or a Desa/Kel./Kec. prefix."""
    name = PLACE_PREFIX.sub("", " ".join(str(name).split()))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


def _suggest(name: str, names: dict[str, str]) -> str:
    close = difflib.get_close_matches(place_key(name), list(names), n=3, cutoff=0.6)
    if not close:
        return ""
    return _(" Mungkin maksud Anda: %(names)s?") % {"names": ", ".join(names[c] for c in close)}


class Wilayah:
    """Every kecamatan and desa, loaded once (239 rows), for set-wise resolution."""

    def __init__(self):
        self.kecamatan = {}  # place_key(nama) or kode → (id, nama)
        self.kecamatan_names = {}
        for pk, code, name in Kecamatan.objects.values_list("pk", "code", "name"):
            self.kecamatan[place_key(name)] = self.kecamatan[code] = (pk, name)
            self.kecamatan_names[place_key(name)] = name
        self.desa_by_kode = {}
        self.desa_by_name = {}  # (kecamatan id, place_key(nama)) → desa tuple
        self.desa_names = {}  # kecamatan id → {place_key: nama}
        self.kecamatan_of_name = {}  # place_key(desa nama) → [kecamatan nama]
        for pk, code, name, kec_id, kec_nama in Desa.objects.values_list(
            "pk", "code", "name", "kecamatan_id", "kecamatan__name"
        ):
            desa = (pk, code, name, kec_id, kec_nama)
            self.desa_by_kode[code] = desa
            self.desa_by_name[(kec_id, place_key(name))] = desa
            self.desa_names.setdefault(kec_id, {})[place_key(name)] = name
            self.kecamatan_of_name.setdefault(place_key(name), []).append(kec_nama)
        self._shapes = None
        self._resolved = {}

    def kecamatan_resolve(self, name: str):
        found = self.kecamatan.get(name.strip()) or self.kecamatan.get(place_key(name))
        if found is None:
            raise RowError(_("Kecamatan %(name)s tidak ada di Purbalingga.%(hint)s") % {
                "name": name, "hint": _suggest(name, self.kecamatan_names)}, "Kecamatan", name)
        return found

    def desa_resolve(self, *, code: str, kecamatan: str, desa: str):
        """(id, kode, nama, kecamatan id, kecamatan nama) from the code, or kecamatan + desa names.

        A file names the same few hundred desa over and over: each spelling is resolved once.
        """
        asked = (code, kecamatan, desa)
        found = self._resolved.get(asked)
        if found is None:
            found = self._resolved[asked] = self._desa_resolve(code=code, kecamatan=kecamatan, desa=desa)
        return found

    def _desa_resolve(self, *, code: str, kecamatan: str, desa: str):
        if code:
            found = self.desa_by_kode.get(code.strip())
            if found is None:
                raise RowError(_("Kode desa %(code)s tidak dikenal (format 33.03.NN.XNNN).") % {"code": code},
                               "Kode Desa", code)
            if desa and place_key(desa) != place_key(found[2]):
                raise RowError(_("Kode desa %(code)s adalah %(name)s, bukan %(desa)s: periksa salah satunya.") % {
                    "code": code, "name": found[2], "desa": desa}, "Kode Desa", code)
            if kecamatan and place_key(kecamatan) not in (place_key(found[4]), found[1][:8]):
                raise RowError(_("Kode desa %(code)s ada di Kecamatan %(kec)s, bukan %(given)s.") % {
                    "code": code, "kec": found[4], "given": kecamatan}, "Kecamatan", kecamatan)
            return found
        if not desa:
            raise RowError(_("Isi Kode Desa, atau Kecamatan dan Desa/Kelurahan."), "Desa/Kelurahan")
        if not kecamatan:
            elsewhere = self.kecamatan_of_name.get(place_key(desa), [])
            hint = _(" Nama ini ada di Kecamatan %(list)s.") % {"list": ", ".join(elsewhere)} if elsewhere else ""
            raise RowError(_("Isi Kecamatan: nama desa saja tidak cukup (beberapa nama desa ada di dua "
                             "kecamatan).%(hint)s") % {"hint": hint}, "Kecamatan")
        kec_id, kec_nama = self.kecamatan_resolve(kecamatan)
        found = self.desa_by_name.get((kec_id, place_key(desa)))
        if found is None:
            elsewhere = [k for k in self.kecamatan_of_name.get(place_key(desa), []) if k != kec_nama]
            hint = _suggest(desa, self.desa_names.get(kec_id, {}))
            if elsewhere:
                hint += _(" Desa bernama %(desa)s ada di Kecamatan %(list)s.") % {"desa": desa, "list": ", ".join(elsewhere)}
            raise RowError(_("Desa/kelurahan %(desa)s tidak ada di Kecamatan %(kec)s.%(hint)s") % {
                "desa": desa, "kec": kec_nama, "hint": hint}, "Desa/Kelurahan", desa)
        return found

    def point_problem(self, desa, lng: float, lat: float) -> str:
        """Why (lng, lat) cannot be this desa's UMKM location, or ''."""
        shapes = self._boundaries()
        if shapely.contains_xy(shapes[desa[0]], lng, lat):
            return ""
        holder = next((pk for pk, shape in shapes.items() if shapely.contains_xy(shape, lng, lat)), None)
        if holder is not None:
            other = next(d for d in self.desa_by_kode.values() if d[0] == holder)
            return _("Titik lokasi berada di %(desa)s (Kec. %(kec)s), bukan di %(chosen)s.") % {
                "desa": other[2], "kec": other[4], "chosen": desa[2]}
        if any(shapely.contains_xy(shape, lat, lng) for shape in shapes.values()):
            return str(SWAPPED_COORDINATES_MESSAGE)
        return _("Titik lokasi berada di luar Kabupaten Purbalingga.")

    def _boundaries(self):
        if self._shapes is None:
            self._shapes = {}
            for pk, boundary in Desa.objects.values_list("pk", "boundary"):
                shape = to_shape(boundary)
                shapely.prepare(shape)
                self._shapes[pk] = shape
        return self._shapes


def desa_headers_missing(present, *, headers: str = "Kode Desa / Kecamatan + Desa/Kelurahan") -> list[str]:
    """A file names a desa by its code, or by its kecamatan and its name: `headers` when it has neither."""
    return [] if "desa_kode" in present or {"kecamatan", "desa"} <= present else [headers]


def kecamatan_names() -> list[str]:
    return list(Kecamatan.objects.values_list("name", flat=True))


# Words offices write for a unit or a market reach (compared by cells.choice_key).
UNIT_SYNONYMS = {"buah": "pcs", "biji": "pcs", "bh": "pcs", "pc": "pcs", "potong": "pcs", "lembar": "pcs",
                 "kilo": "kg", "kilogram": "kg", "kilo gram": "kg", "ltr": "liter", "l": "liter", "lt": "liter",
                 "bks": "paket", "pak": "paket", "pack": "paket", "bungkus": "paket", "kemasan": "paket",
                 "psg": "pasang", "lsn": "lusin", "porsi": "layanan", "order": "layanan", "jasa": "layanan",
                 "ton": "ton"}
REACH_SYNONYMS = {"desa": "lokal", "kecamatan": "lokal", "lokal desa": "lokal", "dalam kabupaten": "kabupaten",
                  "purbalingga": "kabupaten", "jawa tengah": "provinsi", "jateng": "provinsi", "luar kota": "provinsi",
                  "luar provinsi": "nasional", "indonesia": "nasional", "luar negeri": "ekspor", "export": "ekspor"}
# Words offices write in a "Jenis usaha"/"Sektor" column, by sector code.
SECTOR_SYNONYMS = {"makanan": "makanan-minuman", "minuman": "makanan-minuman", "mamin": "makanan-minuman",
                   "kuliner": "makanan-minuman", "olahan pangan": "makanan-minuman", "fashion": "fesyen-tekstil",
                   "fesyen": "fesyen-tekstil", "konveksi": "fesyen-tekstil", "tekstil": "fesyen-tekstil",
                   "kerajinan tangan": "kerajinan", "handicraft": "kerajinan", "rambut palsu": "rambut-bulu-mata",
                   "bulu mata": "rambut-bulu-mata", "wig": "rambut-bulu-mata", "perkebunan": "pertanian-olahan",
                   "pertanian": "pertanian-olahan", "ikan": "perikanan", "ternak": "peternakan",
                   "logam": "logam-otomotif", "otomotif": "logam-otomotif", "knalpot": "logam-otomotif",
                   "dagang": "perdagangan", "toko": "perdagangan", "warung": "perdagangan", "retail": "perdagangan",
                   "layanan": "jasa"}


# An export of the portal saved again by Excel loses its long identifiers; the rest of the
# file is still good, and its rows still have their Kode UMKM.
RESAVED_EXPORT_HINT = gettext_lazy(
    "Bila berkas ini hasil ekspor portal yang disimpan ulang di Excel: hapus kolom NIB dan NIK Pemilik yang rusak "
    "dari berkas, lalu unggah lagi. Baris tetap dicocokkan lewat Kode UMKM, kolom lain diperbarui, dan NIB/NIK yang "
    "tersimpan di portal tidak berubah.")

# The headers kecamatan and desa offices write in their own recaps ("Rekap data UMKM …").
UMKM_ALIASES = {
    "code": ("Kode", "Kode Usaha", "ID UMKM"),
    "nib": ("No NIB", "Nomor NIB", "Nomor Induk Berusaha", "NIB OSS"),
    "name": ("Nama Usaha", "Nama UMKM", "Nama UKM", "Nama Toko", "Nama Perusahaan", "Usaha", "Merek", "Nama Merek"),
    "owner_name": ("Nama Pemilik", "Pemilik", "Nama Pemilik Usaha", "Nama Pelaku Usaha", "Pelaku Usaha",
                   "Nama Lengkap", "Nama"),
    "nik": ("NIK", "No KTP", "Nomor KTP", "No NIK", "NIK KTP", "NIK Pemilik Usaha"),
    "phone": ("No HP", "No. HP", "Nomor HP", "HP", "No Telp", "No Telepon", "Telp", "No WA", "WA", "No HP/WA",
              "Nomor HP/WA", "Kontak", "No Kontak"),
    "address": ("Alamat Usaha", "Alamat Lengkap", "Alamat Rumah", "Dusun", "Alamat Tempat Usaha"),
    "kecamatan": ("Kec", "Kec.", "Nama Kecamatan"),
    "desa": ("Desa", "Kelurahan", "Desa/Kel", "Desa/Kel.", "Nama Desa", "Desa Kelurahan"),
    "desa_kode": ("Kode Wilayah", "Kode Desa/Kel"),
    "lat": ("Latitude", "Lat"),
    "lng": ("Longitude", "Long", "Lng"),
    "founded_year": ("Tahun Mulai Usaha", "Mulai Usaha", "Tahun Mulai", "Th Berdiri", "Tahun Usaha"),
    "workers": ("Jml Tenaga Kerja", "Jumlah Tenaga Kerja", "Jumlah TK", "Jml TK", "TK", "Karyawan",
                "Jumlah Karyawan", "Jml Karyawan", "Tenaga Kerja (orang)"),
    "capital": ("Modal", "Modal Usaha", "Aset", "Modal (Rp)", "Jumlah Modal"),
    "annual_turnover": ("Omzet Tahunan", "Omzet per Tahun", "Omset per Tahun", "Omzet Pertahun", "Omset Pertahun",
                        "Omzet Setahun"),
    "is_active": ("Status Usaha", "Masih Aktif"),
}
PRODUCT_ALIASES = {
    "umkm": ("Kode", "Kode Usaha"),
    "name": ("Produk", "Nama Barang", "Jenis Produk", "Produk Unggulan", "Nama Produk Unggulan"),
    "sector": ("Jenis Usaha", "Bidang Usaha", "Sektor Usaha", "Kategori"),
    "description": ("Keterangan Produk", "Deskripsi Produk", "Uraian"),
    "monthly_capacity": ("Kapasitas", "Kapasitas Produksi", "Produksi per Bulan", "Kapasitas Produksi per Bulan"),
    "capacity_unit": ("Sat", "Satuan Produk", "Satuan Kapasitas"),
    "price": ("Harga", "Harga Satuan", "Harga Jual", "Harga Jual (Rp)"),
    "market_reach": ("Pemasaran", "Wilayah Pemasaran", "Pasar", "Daerah Pemasaran"),
    "local_material_pct": ("Bahan Baku Lokal", "% Bahan Baku Lokal", "Persentase Bahan Baku Lokal"),
}
MONTHLY_TURNOVER_ALIASES = ("Omzet per Bulan", "Omset per Bulan", "Omzet Bulanan", "Omset Bulanan", "Omzet Perbulan",
                            "Omset Perbulan", "Omzet Rata-rata per Bulan", "Omzet/Bulan", "Omset/Bulan")


HONORIFICS = re.compile(r"^(?:ibu|bu|bapak|bpk|bp|pak|sdr|sdri|h|hj|haji|hajah|mbak|mas)\s+")
NEAR_MATCH = 0.85  # difflib ratio of "name|owner" from which a UMKM of the same desa may be the same


def umkm_identity(name: str, owner: str) -> str:
    """A business as a recap names it: name and owner without case, punctuation or titles
    ("Bu Sumiyati", "H. Ahmad"), so the same business written twice is found."""
    def plain(value):
        return HONORIFICS.sub("", cells.choice_key(value or ""))

    return f"{plain(name)}|{plain(owner)}"


def _identity_words(identity: str) -> list[str]:
    return [word for word in identity.replace("|", " ").split() if len(word) >= 3]


def _monthly_to_annual(value):
    monthly = cells.money()(value)
    return None if monthly is None else monthly * 12


def _rt_rw(value):
    """"02/01", "2/1", "RT 02 RW 01", "002/001" → "02/01"."""
    digits = re.findall(r"\d+", cells.text(value))
    if not digits:
        return ""
    return "/".join(f"{int(d):02d}" for d in digits[:2])


def sector_names() -> list[str]:
    return list(Sector.objects.values_list("name", flat=True))


class MappingSpec(ImportSpec):
    """Rows that belong to a kecamatan of Purbalingga."""

    def area_names(self):
        return dict(Kecamatan.objects.values_list("pk", "name"))


def _present(row: dict, name: str, default=KEEP):
    return row[name] if name in row else default


# --- UMKM ----------------------------------------------------------------------------------


def _phones_other(value) -> str:
    """Every number of a "Telepon Lain" cell, written one way and joined by commas."""
    first = cells.phone(validate_phone)(value)
    return ", ".join((first, *first.others)) if first else ""


def _phone_other(row: dict):
    """The UMKM's other numbers: those of the Telepon Lain column, then those a Telepon cell
    held after its first (an office's "0812… / 0813…"); kept as stored when neither column
    is in the file."""
    if "phone_other" not in row and "phone" not in row:
        return KEEP
    numbers = [n for n in (row.get("phone_other") or "").split(", ") if n]
    numbers += getattr(row.get("phone"), "others", ())
    if "phone_other" not in row and not numbers:
        return KEEP
    joined = ", ".join(dict.fromkeys(n for n in numbers if n != row.get("phone")))
    if len(joined) > UMKM._meta.get_field("phone_other").max_length:
        raise RowError(_("Telepon Lain terlalu panjang (lebih dari 100 karakter); simpan paling banyak lima nomor."),
                       "Telepon Lain", joined[:100])
    return joined


_this_year_at_most = cells.year(minimum=1900, maximum=lambda: _this_year(int(time.time() // 3600)))


@lru_cache(maxsize=2)
def _this_year(_hour: int) -> int:
    """The local year, looked up once an hour rather than once a row."""
    return timezone.localdate().year


_forty = cells.text_of(40)


def _kode_umkm(value) -> str:
    result = _forty(value)
    if result and not validate_umkm_kode.regex.match(result):
        raise CellError(validate_umkm_kode.message)
    return result


@register
class UMKMSpec(MappingSpec):
    kind = "umkm"
    label = gettext_lazy("UMKM")
    model = UMKM
    fields = ("code", "nib", "name", "owner_name", "nik", "phone", "phone_other", "address", "desa_id", "location",
              "founded_year", "workers", "capital", "annual_turnover", "is_active")
    readonly_headers = ("Skala Usaha",)
    derived_models = ("mapping.umkmfact",)
    written_fields = ("desa_id", "is_active", "nib", "capital", "annual_turnover", "location", "workers", "created_at")
    key_help = gettext_lazy("Baris dicocokkan dengan UMKM yang sudah ada melalui NIB bila diisi, selain itu melalui "
                            "Kode UMKM, selain itu melalui nama usaha + nama pemilik + desa (tanpa membedakan huruf "
                            "besar, tanda baca dan sapaan seperti 'Bu'). Nama yang mirip tetapi tidak sama ditanyakan "
                            "dulu: sama atau UMKM baru. Impor ulang berkas yang sama tidak menggandakan data.")
    columns = with_aliases((
        Column("code", "Kode UMKM", gettext_lazy("Kode tetap UMKM (huruf, angka, . / - _). Kosongkan untuk UMKM baru "
                                                  "ber-NIB: portal membuatkannya."), "PBG-BJS-0001", _kode_umkm, text=True),
        Column("nib", "NIB", gettext_lazy("Nomor Induk Berusaha dari OSS, 13 digit. Format sel sebagai Teks."),
               "9120001234567", cells.digits_id("NIB", 13, when_damaged=RESAVED_EXPORT_HINT), text=True),
        Column("name", "Nama Usaha", gettext_lazy("Nama usaha, maksimal 150 karakter."), "Keripik Singkong Sari Rasa",
               cells.for_field(UMKM, "name"), required=True),
        Column("owner_name", "Nama Pemilik", gettext_lazy("Nama pemilik sesuai KTP."), "Siti Aminah",
               cells.for_field(UMKM, "owner_name"), required=True),
        Column("nik", "NIK Pemilik", gettext_lazy("Opsional, 16 digit sesuai KTP. Format sel sebagai Teks: angka 16 "
                                                  "digit rusak bila disimpan sebagai angka."),
               "3303014101800001", cells.for_field(UMKM, "nik", cells.digits_id("NIK", 16, when_damaged=RESAVED_EXPORT_HINT)), text=True),
        Column("phone", "Telepon", gettext_lazy("Nomor telepon/WA, mis. 0812-2345-6789."), "0812-2345-6789",
               cells.phone(validate_phone), text=True),
        Column("phone_other", "Telepon Lain", gettext_lazy("Opsional. Nomor lain, dipisah koma. Bila kolom Telepon "
                                                           "berisi beberapa nomor, yang pertama disimpan sebagai "
                                                           "Telepon dan sisanya di sini."),
               "0281-891234", _phones_other, text=True),
        Column("address", "Alamat", gettext_lazy("Alamat usaha (dusun, RT/RW)."), "Dusun Kalitengah RT 02/RW 01",
               cells.for_field(UMKM, "address"), required=True),
        Column("kecamatan", "Kecamatan", gettext_lazy("Nama kecamatan (boleh dengan 'Kec.'). Wajib bila Kode Desa kosong."),
               "Bojongsari", choices=kecamatan_names),
        Column("desa", "Desa/Kelurahan", gettext_lazy("Nama desa/kelurahan (boleh dengan 'Desa'/'Kel.'). Nama desa "
                                                      "dibaca bersama kecamatannya."), "Karangbanjar"),
        Column("desa_kode", "Kode Desa", gettext_lazy("Kode Kemendagri desa/kelurahan, mis. 33.03.14.2008. Bila diisi, "
                                                      "kode ini yang dipakai."), "33.03.14.2008", text=True),
        Column("lat", "Lintang", gettext_lazy("Opsional. Lintang desimal, sekitar -7,4; harus di dalam desa yang dipilih."),
               -7.3520, cells.coordinate),
        Column("lng", "Bujur", gettext_lazy("Opsional. Bujur desimal, sekitar 109,3."), 109.3367, cells.coordinate),
        Column("founded_year", "Tahun Berdiri", gettext_lazy("Tahun, 1900 sampai tahun ini. Tanggal (17/08/2015) juga "
                                                             "dibaca: yang dipakai tahunnya."), 2015, _this_year_at_most),
        Column("workers", "Tenaga Kerja", gettext_lazy("Jumlah orang, bilangan bulat ≥ 0. Kosong = 1."), 3,
               cells.integer()),
        Column("capital", "Modal Usaha (Rp)", gettext_lazy("Rupiah, di luar tanah dan bangunan (PP 7/2021). Boleh "
                                                           "ditulis 25.000.000, Rp 25 juta atau 25 jt. Bila tidak "
                                                           "diketahui, kosongkan: skala usaha dibaca dari omzet."),
               25000000, cells.money()),
        Column("annual_turnover", "Omzet Tahunan (Rp)", gettext_lazy("Rupiah per tahun; 1,5 M = 1,5 miliar."), 120000000,
               cells.money(),
               required=True),
        Column("is_active", "Aktif", gettext_lazy("'ya' atau 'tidak'. Kosong = ya."), "ya", cells.boolean(default=True),
               choices=("ya", "tidak")),
    ), UMKM_ALIASES)

    def extra_targets(self):
        turnover = next(c for c in self.columns if c.name == "annual_turnover")
        address = next(c for c in self.columns if c.name == "address")
        return [
            Target("annual_turnover_monthly", str(_("Omzet per bulan (dikali 12 menjadi omzet tahunan)")), turnover,
                   _monthly_to_annual, aliases=MONTHLY_TURNOVER_ALIASES),
            Target("address_rtrw", str(_("RT/RW (digabung ke alamat)")), address, _rt_rw, append="RT/RW ",
                   aliases=("RT/RW", "RT RW", "RT / RW", "RTRW")),
        ]

    def headers_missing(self, present):
        return super().headers_missing(present) + desa_headers_missing(present)

    def prepare(self, ctx):
        ctx.cache["wilayah"] = Wilayah()

    def resolve(self, row, ctx):
        nib, code = row.get("nib", ""), row.get("code", "")
        wilayah = ctx.cache["wilayah"]
        desa = wilayah.desa_resolve(code=row.get("desa_kode", ""), kecamatan=row.get("kecamatan", ""),
                                    desa=row.get("desa", ""))
        location = KEEP if "lat" not in row else None
        lat, lng = row.get("lat"), row.get("lng")
        if (lat is None) != (lng is None):
            raise RowError(_("Isi Lintang dan Bujur keduanya, atau kosongkan keduanya."), "Lintang")
        if lat is not None:
            problem = wilayah.point_problem(desa, lng, lat)
            if problem:
                raise RowError(problem, "Lintang", f"{lat}, {lng}")
            location = {"type": "Point", "coordinates": [lng, lat]}
        by_name = not nib and not code
        values = (
            code or KEEP, KEEP if by_name else _present(row, "nib"), row["name"], row["owner_name"],
            _present(row, "nik"), _present(row, "phone"), _phone_other(row), row["address"], desa[0], location,
            _present(row, "founded_year"),
            KEEP if "workers" not in row else (1 if row["workers"] is None else row["workers"]),
            _present(row, "capital"), row["annual_turnover"], _present(row, "is_active"),
        )
        if by_name:  # most village businesses: no NIB, no code yet
            key = ("nama", desa[0], umkm_identity(row["name"], row["owner_name"]))
        else:
            key = ("nib", nib) if nib else ("code", code)
        return Resolved(key=key, values=values, kecamatan_id=desa[3], label=f"{row['name']} — {desa[2]}",
                        also=("code", code) if nib and code else None)

    def existing(self, keys, ctx):
        found = {}
        columns = ("pk", "desa__kecamatan_id", "version") + self.fields
        for kind in ("nib", "code"):
            wanted = [key[1] for key in keys if key[0] == kind]
            for chunk in bulk.in_chunks(wanted):
                for row in UMKM.objects.filter(**{f"{kind}__any_of": chunk}).values_list(*columns):
                    pk, kecamatan_id, version, *values = row
                    key_value = values[self.fields.index(kind)]
                    found[(kind, key_value)] = Existing(pk, tuple(values), kecamatan_id, version)
        chosen = [key[1] for key in keys if key[0] == "pk"]  # "the same as …", decided in the dry run
        for chunk in bulk.in_chunks(chosen):
            for pk, kecamatan_id, version, *values in UMKM.objects.filter(pk__in=chunk).values_list(*columns):
                found[("pk", pk)] = Existing(pk, tuple(values), kecamatan_id, version)
        named = {key for key in keys if key[0] == "nama"}
        if named:
            # Every UMKM of the desa the file names: exact identities here, near ones later.
            in_desa = ctx.cache["umkm_in_desa"] = {}
            name_at, owner_at, desa_at = (self.fields.index(f) for f in ("name", "owner_name", "desa_id"))
            for chunk in bulk.in_chunks(sorted({key[1] for key in named})):
                for pk, kecamatan_id, version, *values in (UMKM.objects.filter(desa_id__in=chunk).order_by("pk")
                                                           .values_list(*columns)):
                    identity = umkm_identity(values[name_at], values[owner_at])
                    key = ("nama", values[desa_at], identity)
                    in_desa.setdefault(values[desa_at], []).append(
                        (pk, identity, f"{values[name_at]} ({values[owner_at]})"))
                    if key in named and key not in found:
                        found[key] = Existing(pk, tuple(values), kecamatan_id, version)
        return found

    def near_matches(self, keys, ctx) -> dict:
        """{key: (UMKM id, "name (owner)")} for rows matched by name whose business name and
        owner are close to (not the same as) a UMKM of the same desa: a person decides.
        Only UMKM sharing a word with the row are compared (a desa holds hundreds, a file
        thousands of rows): two spellings this close always share one."""
        near = {}
        in_desa = ctx.cache.get("umkm_in_desa", {})
        by_word: dict = {}  # desa id → {word: [(pk, identity, label)]}, built once per desa
        for key in keys:
            if key[0] != "nama" or key[1] not in in_desa:
                continue
            if key[1] not in by_word:
                index = by_word[key[1]] = {}
                for umkm in in_desa[key[1]]:
                    for word in set(_identity_words(umkm[1])):
                        index.setdefault(word, []).append(umkm)
            candidates = {umkm for word in _identity_words(key[2]) for umkm in by_word[key[1]].get(word, ())}
            best, best_ratio = None, NEAR_MATCH
            for pk, identity, label in sorted(candidates):
                matcher = difflib.SequenceMatcher(None, key[2], identity)
                if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
                    ratio = matcher.ratio()
                    if ratio >= best_ratio:
                        best, best_ratio = (pk, label), ratio
            if best is not None:
                near[key] = best
        return near

    def key_conflicts(self, kept, existing, ctx) -> dict:
        """Rows matched by NIB whose Kode UMKM belongs to another UMKM (one query)."""
        codes = {r.also[1]: r.key for r in kept if r.also}
        conflicts = {}
        for chunk in bulk.in_chunks(list(codes)):
            for pk, code, nib in UMKM.objects.filter(code__any_of=chunk).values_list("pk", "code", "nib"):
                match = existing.get(codes[code])
                if match is None or match.pk != pk:
                    conflicts[codes[code]] = _("Kode UMKM %(code)s sudah dipakai UMKM lain (NIB %(nib)s).") % {
                        "code": code, "nib": nib or "—"}
        return conflicts

    def new_constants(self, ctx):
        # One moment for every new UMKM, which their facts count as registered and surveyed.
        now = timezone.now()
        return {"created_by_id": ctx.user.pk, "updated_by_id": ctx.user.pk, "created_at": now, "updated_at": now}

    def update_extra(self, existing, ctx):
        return {"version": existing.version + 1, "updated_by_id": ctx.user.pk}

    def owners_of(self, ids):
        """The desa whose figures count these UMKM (read before an undo removes them)."""
        return list(UMKM.objects.filter(pk__in=ids).values_list("desa_id", flat=True).distinct())

    def after_write(self, *, created, updated, removed_owners=()):
        new_umkm = (
            (row.pk, row.kecamatan_id, v["desa_id"], v["is_active"], v["nib"], v["capital"], v["annual_turnover"],
             v["location"], v["workers"], v["created_at"])
            for row in created for v in (row.values,)
        )
        facts_changed(new_umkm=new_umkm, umkm_ids=updated, desa_ids=list(removed_owners))

    def export_queryset(self, user):
        return UMKM.objects.visible_to(user).order_by("desa__code", "pk")

    def export_rows(self, queryset, *, personal: bool = True):
        for row in queryset.values_list(
            "code", "nib", "name", "owner_name", "nik", "phone", "phone_other", "address", "desa__kecamatan__name",
            "desa__name",
            "desa__code", "location", "founded_year", "workers", "capital", "annual_turnover", "is_active",
        ).iterator(chunk_size=5000):
            *head, location, founded, workers, capital, turnover, active = row
            if not personal:
                head[4] = ""  # NIK Pemilik
            lng, lat = location["coordinates"][:2] if location else (None, None)
            yield [*head, lat, lng, founded, workers, capital, turnover, "ya" if active else "tidak",
                   str(size_class_for(capital, turnover).label)]


# --- Product ------------------------------------------------------------------------------


@register
class ProductSpec(MappingSpec):
    kind = "produk"
    label = gettext_lazy("Produk")
    model = Product
    fields = ("umkm_id", "name", "sector_id", "description", "monthly_capacity", "capacity_unit", "price",
              "market_reach", "local_material_pct", "is_active")
    readonly_headers = ("Nama Usaha", "Desa/Kelurahan", "Kecamatan")
    written_fields = ("umkm_id",)
    key_help = gettext_lazy("Baris dicocokkan dengan produk yang sudah ada melalui Kode UMKM + Nama Produk (tanpa "
                            "membedakan huruf besar/kecil). UMKM harus sudah terdaftar (impor UMKM lebih dulu).")
    columns = with_aliases((
        Column("umkm", "Kode UMKM", gettext_lazy("Kode UMKM pemilik produk (lihat ekspor UMKM)."), "PBG-BJS-0001",
               cells.text_of(40), required=True, text=True),
        Column("name", "Nama Produk", gettext_lazy("Nama produk, maksimal 150 karakter."), "Keripik singkong balado",
               cells.for_field(Product, "name"), required=True),
        Column("sector", "Sektor", gettext_lazy("Nama atau kode sektor (daftar pilihan di templat)."), "Makanan & minuman",
               required=True, choices=sector_names),
        Column("description", "Deskripsi", gettext_lazy("Opsional."), "Renyah, tanpa pengawet",
               cells.for_field(Product, "description")),
        Column("monthly_capacity", "Kapasitas per Bulan", gettext_lazy(
            "Angka ≥ 0; titik pemisah ribuan, koma desimal (1.500 = seribu lima ratus; 2,5 = dua setengah)."), 500,
               cells.decimal()),
        Column("capacity_unit", "Satuan", gettext_lazy("Satuan kapasitas dan harga. Kosong = buah/pcs."), "paket/bungkus",
               cells.choice(dict(Product.CapacityUnit.choices), UNIT_SYNONYMS), choices=tuple(Product.CapacityUnit.labels)),
        Column("price", "Harga (Rp)", gettext_lazy("Harga per satuan, rupiah (15.000 atau Rp15.000,-)."), 15000,
               cells.money()),
        Column("market_reach", "Jangkauan Pasar", gettext_lazy("Kosong = lokal."), "Kabupaten",
               cells.choice(dict(Product.MarketReach.choices), REACH_SYNONYMS), choices=tuple(Product.MarketReach.labels)),
        Column("local_material_pct", "Bahan Baku Lokal (%)", gettext_lazy(
            "0 sampai 100, ditulis 80, 80% atau 0,8 (pecahan di bawah 1 dibaca sebagai persen: 0,8 = 80%; 1 = 1%)."), 80,
               cells.percent),
        Column("is_active", "Aktif", gettext_lazy("'ya' atau 'tidak'. Kosong = ya."), "ya", cells.boolean(default=True),
               choices=("ya", "tidak")),
    ), PRODUCT_ALIASES)

    def prepare(self, ctx):
        sectors = {}
        for pk, code, name in Sector.objects.values_list("pk", "code", "name"):
            sectors[cells.choice_key(code)] = sectors[cells.choice_key(name)] = pk
        by_code = {key: pk for key, pk in sectors.items()}
        for word, code in SECTOR_SYNONYMS.items():
            if cells.choice_key(code) in by_code:
                sectors.setdefault(cells.choice_key(word), by_code[cells.choice_key(code)])
        ctx.cache["sectors"] = sectors
        ctx.cache["sector_names"] = list(Sector.objects.values_list("name", flat=True))
        # Every UMKM code (one query): a product file may name any UMKM of the regency.
        ctx.cache["umkm"] = {
            code: (pk, kec_id, name) for pk, code, kec_id, name in
            UMKM.objects.values_list("pk", "code", "desa__kecamatan_id", "name").iterator(chunk_size=10000)
        }

    def resolve(self, row, ctx):
        umkm = ctx.cache["umkm"].get(row["umkm"])
        if umkm is None:
            raise RowError(_("Tidak ada UMKM dengan kode %(code)s; impor UMKM-nya lebih dulu.") % {"code": row["umkm"]},
                           "Kode UMKM", row["umkm"])
        sector = ctx.cache["sectors"].get(cells.choice_key(row["sector"]))
        if sector is None:
            raise RowError(_("Sektor %(value)s tidak dikenal. Pilihan: %(options)s.") % {
                "value": row["sector"], "options": ", ".join(ctx.cache["sector_names"])}, "Sektor", row["sector"])
        unit, reach = row.get("capacity_unit", KEEP), row.get("market_reach", KEEP)
        values = (
            umkm[0], row["name"], sector, _present(row, "description"), _present(row, "monthly_capacity"),
            Product.CapacityUnit.PCS if unit is None else unit, _present(row, "price"),
            Product.MarketReach.LOKAL if reach is None else reach, _present(row, "local_material_pct"),
            _present(row, "is_active"),
        )
        return Resolved(key=(row["umkm"], row["name"].lower()), values=values, kecamatan_id=umkm[1],
                        label=f"{row['name']} — {umkm[2]}")

    def existing(self, keys, ctx):
        kode_of = {v[0]: code for code, v in ctx.cache["umkm"].items()}
        umkm_ids = sorted({ctx.cache["umkm"][code][0] for code, _name in keys})
        found = {}
        for chunk in bulk.in_chunks(umkm_ids):
            for pk, kec_id, version, *values in Product.objects.filter(umkm_id__any_of=chunk).values_list(
                "pk", "umkm__desa__kecamatan_id", "version", *self.fields
            ):
                found.setdefault((kode_of[values[0]], values[1].lower()), Existing(pk, tuple(values), kec_id, version))
        return found

    def new_constants(self, ctx):
        return {"updated_by_id": ctx.user.pk}

    def update_extra(self, existing, ctx):
        return {"version": existing.version + 1, "updated_by_id": ctx.user.pk}

    def owners_of(self, ids):
        return list(Product.objects.filter(pk__in=ids).values_list("umkm_id", flat=True))

    def after_write(self, *, created, updated, removed_owners=()):
        created = list(created)
        products_komoditas_suggest([row.pk for row in created] + list(updated))
        umkm_ids = [row.values["umkm_id"] for row in created] + list(removed_owners)
        for chunk in bulk.in_chunks(updated):
            umkm_ids += Product.objects.filter(pk__any_of=chunk).values_list("umkm_id", flat=True)
        facts_changed(umkm_ids=umkm_ids)

    def export_queryset(self, user):
        return Product.objects.visible_to(user).order_by("umkm__desa__code", "umkm_id", "pk")

    def export_rows(self, queryset, *, personal: bool = True):
        units, reaches = dict(Product.CapacityUnit.choices), dict(Product.MarketReach.choices)
        for row in queryset.values_list(
            "umkm__code", "name", "sector__name", "description", "monthly_capacity", "capacity_unit", "price",
            "market_reach", "local_material_pct", "is_active", "umkm__name", "umkm__desa__name",
            "umkm__desa__kecamatan__name",
        ).iterator(chunk_size=5000):
            code, name, sector, description, capacity, unit, price, reach, local, active, *place = row
            yield [code, name, sector, description, capacity, str(units[unit]), price, str(reaches[reach]), local,
                   "ya" if active else "tidak", *place]


# --- Reference data: sektor, kecamatan, desa -----------------------------------------------


@register
class SectorSpec(ImportSpec):
    kind = "sektor"
    label = gettext_lazy("Sektor")
    model = Sector
    fields = ("code", "name", "order")
    key_help = gettext_lazy("Baris dicocokkan melalui Kode Sektor; kode baru menambah sektor.")
    columns = (
        Column("code", "Kode Sektor", gettext_lazy("Huruf kecil, angka dan tanda hubung, mis. makanan-olahan."),
               "makanan-olahan", cells.text_of(40), required=True, text=True),
        Column("name", "Nama Sektor", gettext_lazy("Nama yang tampil di portal."), "Makanan olahan", cells.for_field(Sector, "name"),
               required=True),
        Column("order", "Urutan", gettext_lazy("Urutan tampil, bilangan bulat ≥ 0."), 1, cells.integer()),
    )

    def prepare(self, ctx):
        ctx.cache["names"] = dict(Sector.objects.values_list("name", "code"))

    def resolve(self, row, ctx):
        code = row["code"]
        if not re.match(r"^[-a-z0-9_]+$", code):
            raise RowError(_("Kode sektor hanya boleh huruf kecil, angka, - dan _."), "Kode Sektor", code)
        owner = ctx.cache["names"].get(row["name"])
        if owner not in (None, code):
            raise RowError(_("Nama sektor %(name)s sudah dipakai sektor %(code)s.") % {"name": row["name"], "code": owner},
                           "Nama Sektor", row["name"])
        order = row.get("order", KEEP)
        return Resolved(key=code, values=(code, row["name"], 0 if order is None else order), kecamatan_id=None,
                        label=row["name"])

    def existing(self, keys, ctx):
        return {code: Existing(pk, (code, name, order), None)
                for pk, code, name, order in Sector.objects.values_list("pk", "code", "name", "order")}

    def after_write(self, *, created, updated, removed_owners=()):
        facts_changed(everything=any(True for _row in created))

    def export_queryset(self, user):
        return Sector.objects.all()

    def export_rows(self, queryset, *, personal: bool = True):
        yield from (list(r) for r in queryset.values_list("code", "name", "order"))


@register
class KecamatanSpec(MappingSpec):
    kind = "kecamatan"
    label = gettext_lazy("Kecamatan")
    model = Kecamatan
    fields = ("name",)
    creates = False
    key_help = gettext_lazy("Hanya memperbarui nama kecamatan yang sudah ada, dicocokkan melalui Kode Kemendagri. "
                            "Kecamatan baru dan batas wilayah dimuat dari berkas batas wilayah resmi (load_wilayah).")
    columns = (
        Column("code", "Kode Kemendagri", gettext_lazy("Kode kecamatan, mis. 33.03.14."), "33.03.14",
               cells.text_of(8), required=True, text=True),
        Column("name", "Nama Kecamatan", gettext_lazy("Nama resmi."), "Bojongsari", cells.for_field(Kecamatan, "name"), required=True),
    )

    def resolve(self, row, ctx):
        return Resolved(key=row["code"], values=(row["name"],), kecamatan_id=None, label=row["name"])

    def existing(self, keys, ctx):
        return {code: Existing(pk, (name,), pk) for pk, code, name in Kecamatan.objects.values_list("pk", "code", "name")}

    def after_write(self, *, created, updated, removed_owners=()):
        facts_changed()

    def export_queryset(self, user):
        return Kecamatan.objects.all()

    def export_rows(self, queryset, *, personal: bool = True):
        yield from (list(r) for r in queryset.values_list("code", "name"))


@register
class DesaSpec(MappingSpec):
    kind = "desa"
    label = gettext_lazy("Desa/Kelurahan")
    model = Desa
    fields = ("name",)
    creates = False
    readonly_headers = ("Jenis", "Kecamatan")
    key_help = gettext_lazy("Hanya memperbarui nama desa/kelurahan yang sudah ada, dicocokkan melalui Kode Kemendagri. "
                            "Desa baru dan batas wilayah dimuat dari berkas batas wilayah resmi (load_wilayah).")
    columns = (
        Column("code", "Kode Kemendagri", gettext_lazy("Kode desa/kelurahan, mis. 33.03.14.2008."), "33.03.14.2008",
               cells.text_of(13), required=True, text=True),
        Column("name", "Nama Desa/Kelurahan", gettext_lazy("Nama resmi, tanpa awalan 'Desa'."), "Bojongsari",
               cells.for_field(Desa, "name"), required=True),
    )

    def prepare(self, ctx):
        ctx.cache["taken"] = {(kec, name.lower()): code for code, kec, name in
                              Desa.objects.values_list("code", "kecamatan_id", "name")}
        ctx.cache["kecamatan"] = dict(Desa.objects.values_list("code", "kecamatan_id"))

    def resolve(self, row, ctx):
        kecamatan_id = ctx.cache["kecamatan"].get(row["code"])
        owner = ctx.cache["taken"].get((kecamatan_id, row["name"].lower()))
        if owner not in (None, row["code"]):
            raise RowError(_("Nama %(name)s sudah dipakai desa %(code)s di kecamatan yang sama.") % {
                "name": row["name"], "code": owner}, "Nama Desa/Kelurahan", row["name"])
        return Resolved(key=row["code"], values=(row["name"],), kecamatan_id=kecamatan_id, label=row["name"])

    def existing(self, keys, ctx):
        return {code: Existing(pk, (name,), kec) for pk, code, name, kec in
                Desa.objects.values_list("pk", "code", "name", "kecamatan_id")}

    def after_write(self, *, created, updated, removed_owners=()):
        facts_changed()

    def export_queryset(self, user):
        return Desa.objects.all()

    def export_rows(self, queryset, *, personal: bool = True):
        for code, name, kecamatan in queryset.values_list("code", "name", "kecamatan__name"):
            jenis = Desa.Jenis.KELURAHAN.label if code[9:10] == "1" else Desa.Jenis.DESA.label
            yield [code, name, str(jenis), kecamatan]


@register
class AssessmentExportSpec(ImportSpec):
    """Assessments are exported only: scores enter through the rating workflow, not files."""

    kind = "penilaian"
    label = gettext_lazy("Penilaian potensi usaha")
    model = Assessment
    importable = False
    columns = ()
    readonly_headers = ("Kode UMKM", "Nama Usaha", "Produk", "Sektor", "Kecamatan", "Desa/Kelurahan", "Rubrik",
                        "Status", "Skor (0-100)", "Total MPE", "Diverifikasi")

    def export_queryset(self, user):
        return Assessment.objects.visible_to(user).order_by("product__umkm__desa__code", "product_id", "-created_at")

    def export_rows(self, queryset, *, personal: bool = True):
        statuses = dict(Assessment.Status.choices)
        for row in queryset.values_list(
            "product__umkm__code", "product__umkm__name", "product__name", "product__sector__name",
            "product__umkm__desa__kecamatan__name", "product__umkm__desa__name", "rubric__version", "status",
            "weighted_score", "mpe_total", "verified_at",
        ).iterator(chunk_size=5000):
            *head, rubric, status, score, mpe, verified = row
            yield [*head, f"v{rubric}", str(statuses[status]), score, mpe,
                   timezone.localtime(verified).date() if verified else None]


# --- django-import-export: the admin's export buttons -------------------------------------


class UMKMResource(SpecResource):
    spec_kind = "umkm"

    class Meta:
        model = UMKM
        fields = ()


class ProductResource(SpecResource):
    spec_kind = "produk"

    class Meta:
        model = Product
        fields = ()


class SectorResource(SpecResource):
    spec_kind = "sektor"

    class Meta:
        model = Sector
        fields = ()


class KecamatanResource(SpecResource):
    spec_kind = "kecamatan"

    class Meta:
        model = Kecamatan
        fields = ()


class DesaResource(SpecResource):
    spec_kind = "desa"

    class Meta:
        model = Desa
        fields = ()


class AssessmentResource(SpecResource):
    spec_kind = "penilaian"

    class Meta:
        model = Assessment
        fields = ()
