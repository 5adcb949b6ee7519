from django import forms
from django.utils.translation import gettext_lazy as _

from bantuan.models import Recipient, UseCheck


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
    value = forms.IntegerField(label=_("Nilai (Rp)"), error_messages={
        "required": _("Isi nilai penyaluran."), "invalid": _("Nilai harus bilangan bulat rupiah.")})
    items = forms.CharField(label=_("Barang/jasa"), required=False, max_length=500)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Tanggal serah terima"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": _("Isi tanggal serah terima."),
                                                   "invalid": _("Tanggal tidak dikenali.")})
    bast_number = forms.CharField(label=_("Nomor BAST"), max_length=100,
                                  error_messages={"required": _("Isi nomor BAST.")})
    photo = UseCheck._meta.get_field("photo").formfield(label=_("Foto serah terima"), required=False)


class UseCheckForm(forms.ModelForm):
    class Meta:
        model = UseCheck
        fields = ["result", "photo", "lat", "lng", "monthly_capacity", "workers", "monthly_turnover", "note"]
        widgets = {"result": forms.RadioSelect, "lat": forms.HiddenInput, "lng": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].required = True
        self.fields["result"].error_messages["required"] = _("Pilih pemanfaatan bantuan.")
        self.fields["result"].choices = UseCheck.Result.choices
        for name, field in self.fields.items():
            if name not in ("result", "lat", "lng"):
                field.widget.attrs.setdefault("class", "form-control")
