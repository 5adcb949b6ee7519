from django import forms
from django.utils.translation import gettext_lazy as _

from bantuan.models import Kelompok, Member, Recipient, UseCheck
from mapping.models import UMKM, Desa, Komoditas
from purbalingga_umkm.images import photo_gps
from purbalingga_umkm.numbers import MoneyFormField, NumberFormField


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("Status baru"), choices=Recipient.State.choices)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OverrideForm(forms.Form):
    justification = forms.CharField(label=_("Alasan tetap diterima"), widget=forms.Textarea(attrs={"rows": 2}),
                                    max_length=2000, error_messages={"required": _("Tuliskan alasannya.")})


class ProposeForm(forms.Form):
    stage = forms.IntegerField(widget=forms.HiddenInput)
    umkm = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kelompok = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Dasar usulan"), required=False, max_length=500)


class DisbursementForm(forms.Form):
    value = MoneyFormField(label=_("Nilai (Rp)"), error_messages={"required": _("Isi nilai penyaluran.")},
                           help_text=_("Mis. 5.000.000 atau Rp 5 juta."))
    items = forms.CharField(label=_("Barang/jasa"), required=False, max_length=500)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Tanggal serah terima"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": _("Isi tanggal serah terima."),
                                                   "invalid": _("Tanggal tidak dikenali.")})
    bast_number = forms.CharField(label=_("Nomor BAST"), max_length=100,
                                  error_messages={"required": _("Isi nomor BAST.")})
    photo = UseCheck._meta.get_field("photo").formfield(label=_("Foto serah terima"), required=False)


# Around Kabupaten Purbalingga (with a margin): a GPS point outside is a wrong fix, e.g. (0, 0).
PURBALINGGA_LAT = (-7.60, -7.05)
PURBALINGGA_LNG = (109.10, 109.70)


class UseCheckForm(forms.ModelForm):
    class Meta:
        model = UseCheck
        fields = ["result", "photo", "lat", "lng", "monthly_capacity", "workers", "monthly_turnover", "note"]
        widgets = {"result": forms.RadioSelect, "lat": forms.HiddenInput, "lng": forms.HiddenInput}
        field_classes = {"monthly_turnover": MoneyFormField, "monthly_capacity": NumberFormField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].required = True
        self.fields["result"].error_messages["required"] = _("Pilih pemanfaatan bantuan.")
        self.fields["result"].choices = UseCheck.Result.choices
        for name, field in self.fields.items():
            if name not in ("result", "lat", "lng"):
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if lat is None and lng is None and cleaned.get("photo"):
            # No location from the phone: the point the camera wrote into the photo, read
            # before the photo is stored without it.
            found = photo_gps(self.files.get(self.add_prefix("photo")))
            if found is not None:
                lat, lng = cleaned["lat"], cleaned["lng"] = found
                self.point_from_photo = True
        if (lat is None) != (lng is None):
            self.add_error("result", _("Lokasi GPS tidak lengkap; ambil ulang lokasi atau kosongkan."))
        elif lat is not None and not (PURBALINGGA_LAT[0] <= lat <= PURBALINGGA_LAT[1]
                                      and PURBALINGGA_LNG[0] <= lng <= PURBALINGGA_LNG[1]):
            self.add_error("result", _("Titik %(lat)s, %(lng)s tidak berada di sekitar Purbalingga; ambil ulang lokasi "
                                       "di tempat bantuan dipakai.") % {"lat": lat, "lng": lng})
        return cleaned


class KelompokForm(forms.ModelForm):
    class Meta:
        model = Kelompok
        fields = ["name", "kind", "desa", "komoditas", "leader_name", "formed_on", "registry_number",
                  "pengukuhan_number", "koperasi_nik", "is_active"]
        widgets = {"formed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = (Desa.objects.editable_by(user).select_related("kecamatan")
                                        .defer("boundary", "centre", "kecamatan__boundary", "kecamatan__centre")
                                        .order_by("kecamatan__name", "name"))
        self.fields["desa"].label_from_instance = lambda desa: f"{desa.name} (Kec. {desa.kecamatan.name})"
        self.fields["desa"].error_messages["invalid_choice"] = _("Desa ini bukan wilayah tugas Anda.")
        self.fields["komoditas"].queryset = Komoditas.objects.active()
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs.setdefault("class", css)


class MemberForm(forms.ModelForm):
    land_area_ha = NumberFormField(label=_("Luas lahan (ha)"), required=False, max_digits=7, decimal_places=3,
                                   min_value=0, help_text=_("Mis. 0,75."))
    umkm_code = forms.CharField(label=_("Kode UMKM"), required=False, max_length=40,
                                help_text=_("Bila anggota adalah UMKM terdaftar; kosongkan untuk petani/perorangan."))

    class Meta:
        model = Member
        fields = ["name", "nik", "kk_number", "land_area_ha", "joined_on", "left_on"]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.umkm_id:
            self.initial["umkm_code"] = self.instance.umkm.code
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean_umkm_code(self):
        code = self.cleaned_data["umkm_code"].strip()
        if not code:
            return None
        umkm = UMKM.objects.editable_by(self.user).filter(code=code).first()
        if umkm is None:
            raise forms.ValidationError(_("Tidak ada UMKM dengan kode %(code)s di wilayah tugas Anda.") % {"code": code})
        return umkm

    def clean(self):
        cleaned = super().clean()
        self.instance.umkm = cleaned.get("umkm_code")
        if not cleaned.get("umkm_code") and not cleaned.get("name") and self.has_changed():
            self.add_error("name", _("Isi nama anggota, atau kode UMKM-nya."))
        return cleaned


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    def clean(self):
        super().clean()
        members = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
                   and (f.cleaned_data.get("name") or f.cleaned_data.get("umkm_code"))]
        if not members and not any(f.instance.pk for f in self.forms):
            raise forms.ValidationError(_("Kelompok harus punya paling sedikit satu anggota."))


MemberFormSet = forms.inlineformset_factory(Kelompok, Member, form=MemberForm, formset=BaseMemberFormSet, extra=3,
                                           can_delete=False)


class ObjectionForm(forms.Form):
    """A sanggahan from the public; `website` is a trap field people never see (bots fill it)."""

    recipient = forms.TypedChoiceField(label=_("Penerima yang disanggah"), required=False, coerce=int, empty_value=None)
    text = forms.CharField(label=_("Isi sanggahan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           error_messages={"required": _("Tuliskan isi sanggahan.")},
                           help_text=_("Sebutkan mengapa penerima ini tidak tepat sasaran. Jangan menulis NIK atau "
                                       "data pribadi orang lain."))
    sender_name = forms.CharField(label=_("Nama Anda"), max_length=150,
                                  error_messages={"required": _("Isi nama Anda.")})
    sender_contact = forms.CharField(label=_("Telepon atau surel (tidak diumumkan)"), required=False, max_length=150)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", _("— umum, tentang daftar ini —"))] + [
            (r.pk, f"{r.label} — {r.desa.name}") for r in recipients]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "recipient" else "form-control")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class ObjectionAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Keputusan"), choices=[("diterima", _("Sanggahan diterima")),
                                                             ("ditolak", _("Sanggahan ditolak"))])
    answer = forms.CharField(label=_("Jawaban"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                             error_messages={"required": _("Tuliskan jawabannya.")})
