import uuid

from django import forms
from django.db import models
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapping import geometry
from mapping.models.catalogue import CatalogueEntry, Consent
from mapping.models import (
    SWAPPED_COORDINATES_MESSAGE, UMKM, Desa, Kecamatan, Komoditas, Participant, Permit, Product,
)
from purbalingga_umkm.numbers import MoneyFormField, NumberFormField, format_number

PIRT_VALIDITY_YEARS = 5


class DesaSelect(forms.Select):
    """Desa options carry their kecamatan, so the page can narrow them to the chosen one."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kecamatan"] = instance.kecamatan_id
        return option


class SurveyFormMixin:
    """Bootstrap classes, hidden version (optimistic locking) and submission token."""

    def add_survey_fields(self):
        self.style_fields()
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial.setdefault("submission_token", uuid.uuid4())

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, (forms.HiddenInput, forms.RadioSelect)):
                widget.attrs.setdefault("class", "form-control")


class UMKMForm(SurveyFormMixin, forms.ModelForm):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(),
        error_messages={"invalid_choice": _("Kecamatan ini bukan wilayah tugas Anda.")},
    )
    latitude = forms.DecimalField(label=_("Lintang"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Bujur"), required=False, max_digits=10, decimal_places=6)
    location_accuracy_m = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = UMKM
        fields = [
            "name", "owner_name", "nik", "phone", "phone_other", "address", "kecamatan", "desa", "nib",
            "founded_year", "workers", "capital", "annual_turnover", "is_active",
        ]
        error_messages = {"desa": {"invalid_choice": _("Desa ini bukan wilayah tugas Anda.")}}
        widgets = {"desa": DesaSelect, "address": forms.TextInput}
        # Rupiah as people write them (25.000.000, Rp 25 juta): the one reading, purbalingga_umkm.numbers.
        field_classes = {"capital": MoneyFormField, "annual_turnover": MoneyFormField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.editable_by(user).defer("boundary", "centre")
        self.fields["desa"].queryset = (
            Desa.objects.editable_by(user).select_related("kecamatan").defer("boundary", "centre", "kecamatan__boundary", "kecamatan__centre")
        )
        self.fields["desa"].label_from_instance = lambda desa: desa.name
        self.add_survey_fields()
        kecamatan_ids = [k.pk for k in self.fields["kecamatan"].queryset]
        if len(kecamatan_ids) == 1 and not self.is_bound:
            self.initial["kecamatan"] = kecamatan_ids[0]  # a mentor of one kecamatan starts there
        if self.instance.pk and not self.is_bound:
            self.initial["kecamatan"] = self.instance.desa.kecamatan_id
            if self.instance.location:
                lng, lat = self.instance.location["coordinates"][:2]
                self.initial["latitude"], self.initial["longitude"] = lat, lng

    def clean(self):
        cleaned = super().clean()
        kecamatan, desa = cleaned.get("kecamatan"), cleaned.get("desa")
        if kecamatan and desa and desa.kecamatan_id != kecamatan.pk:
            self.add_error("desa", _("Desa %(desa)s tidak berada di Kecamatan %(kecamatan)s.")
                           % {"desa": desa.name, "kecamatan": kecamatan.name})
        self.instance.location = self._location(cleaned)
        return cleaned

    def _location(self, cleaned):
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if lat is None and lng is None:
            return None
        if lat is None or lng is None:
            self.add_error("latitude", _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."))
            return None
        accuracy = cleaned.get("location_accuracy_m")
        if accuracy is not None and accuracy > settings.LOCATION_MAX_ACCURACY_M:
            self.add_error("latitude", _(
                "Akurasi GPS %(accuracy)s m lebih buruk dari batas %(limit)s m; ambil ulang di tempat terbuka "
                "atau letakkan pin di peta."
            ) % {"accuracy": accuracy, "limit": settings.LOCATION_MAX_ACCURACY_M})
            return None
        if abs(lat) > 90 and abs(lng) <= 90:
            self.add_error("latitude", SWAPPED_COORDINATES_MESSAGE)
            return None
        return geometry.point(float(lng), float(lat))

    def _update_errors(self, errors):
        # The model reports location problems on "location"; this form edits it as lat/lng.
        if hasattr(errors, "error_dict") and "location" in errors.error_dict:
            errors.error_dict.setdefault("latitude", []).extend(errors.error_dict.pop("location"))
        super()._update_errors(errors)


class ProductForm(SurveyFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name", "sector", "komoditas", "description", "photo", "monthly_capacity", "capacity_unit", "price",
            "market_reach", "local_material_pct", "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"price": MoneyFormField, "monthly_capacity": NumberFormField}
        help_texts = {"komoditas": _("Kosongkan bila ragu: portal menyarankannya dari nama produk.")}

    # Saved with the form's fields: choosing a commodity here confirms it.
    extra_model_fields = ("komoditas_confirmed",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_survey_fields()
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        self.fields["komoditas"].queryset = Komoditas.objects.active().select_related("sector")
        self.fields["komoditas"].label_from_instance = lambda k: f"{k.name} ({k.sector.name})"

    def clean(self):
        cleaned = super().clean()
        self.instance.komoditas_confirmed = cleaned.get("komoditas") is not None
        return cleaned

class PermitForm(SurveyFormMixin, forms.ModelForm):
    class Meta:
        model = Permit
        fields = ["kind", "product", "number", "issued_on", "valid_until"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # NIB is recorded on the UMKM itself.
        self.fields["kind"].choices = [c for c in Permit.Kind.choices if c[0] != Permit.Kind.NIB]
        self.fields["product"].queryset = self.instance.umkm.products.all()
        self.fields["product"].empty_label = _("Seluruh usaha")
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        issued, kind = cleaned.get("issued_on"), cleaned.get("kind")
        if kind == Permit.Kind.PIRT and issued and not cleaned.get("valid_until"):
            # SPP-IRT is valid for five years from issue.
            try:
                cleaned["valid_until"] = issued.replace(year=issued.year + PIRT_VALIDITY_YEARS)
            except ValueError:  # 29 February
                cleaned["valid_until"] = issued.replace(year=issued.year + PIRT_VALIDITY_YEARS, day=28)
            self.instance.valid_until = cleaned["valid_until"]
        return cleaned


class AssessmentForm(forms.Form):
    """One radio group per criterion of the assessment's rubric, levels described."""

    note = forms.CharField(label=_("Catatan penilai"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lq_override_reason = forms.CharField(label=_("Alasan mengubah saran LQ"), required=False, max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        existing = {s.criterion_id: s.score for s in assessment.scores.all()} if assessment.pk else {}
        for criterion in criteria:
            name = f"c_{criterion.code}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"({criterion.code}) {criterion.name}",
                coerce=int, widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(level.score, level.description) for level in criterion.levels.all()],
                error_messages={
                    "required": _("Pilih tingkat untuk kriteria (%(code)s).") % {"code": criterion.code},
                    "invalid_choice": _("Skor di luar skala kriteria (%(code)s).") % {"code": criterion.code},
                },
            )
            # Proposed from the product's facts where a measure exists (a, c, f, g); an older
            # assessment begun before proposals were stored keeps its LQ suggestion.
            criterion.proposal = assessment.proposals.get(criterion.code)
            if criterion.proposal is None and criterion.auto_source == criterion.AutoSource.LOCATION_QUOTIENT \
                    and assessment.lq_suggested_score is not None:
                criterion.proposal = {"score": assessment.lq_suggested_score, "value": str(assessment.lq_value), "unit": ""}
            criterion.measure = assessment.proposal_measure(criterion.code) if criterion.code in assessment.proposals \
                else (_("LQ sektor %(lq)s") % {"lq": format_number(assessment.lq_value)} if criterion.proposal else "")
            initial = existing.get(criterion.pk)
            if initial is None and criterion.proposal is not None:
                initial = criterion.proposal["score"]
            self.initial[name] = initial
            criterion.field_name = name
        self.initial.setdefault("note", assessment.note)
        self.initial.setdefault("lq_override_reason", assessment.lq_override_reason)
        self.initial["version"] = assessment.version

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[c.field_name] for c in self.criteria if c.field_name in self.cleaned_data}

    def criterion_fields(self):
        return [(criterion, self[criterion.field_name]) for criterion in self.criteria]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Komentar untuk pendamping"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan komentar: apa yang perlu diperbaiki.")},
    )


# --- Determination rounds (penetapan produk unggulan) --------------------------------------

class VersionedForm(forms.Form):
    """A form on a determination round: carries the round's version it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PenetapanCreateForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(),
        error_messages={"required": _("Pilih kecamatan."), "invalid_choice": _("Kecamatan tidak dikenal.")})
    desa = forms.ModelChoiceField(
        label=_("Desa/kelurahan (kosongkan untuk tingkat kecamatan)"), required=False,
        queryset=Desa.objects.none(), error_messages={"invalid_choice": _("Desa tidak dikenal.")})
    year = forms.IntegerField(
        label=_("Tahun"), min_value=2000, max_value=2100,
        error_messages={"required": _("Isi tahun penetapan."), "min_value": _("Tahun paling awal 2000."),
                        "max_value": _("Tahun paling akhir 2100."), "invalid": _("Tahun harus berupa angka.")})
    top_n = forms.IntegerField(
        label=_("Jumlah produk unggulan yang ditetapkan"), min_value=1, max_value=10, initial=3,
        error_messages={"required": _("Isi jumlah produk unggulan."), "min_value": _("Paling sedikit 1."),
                        "max_value": _("Paling banyak 10."), "invalid": _("Jumlah harus berupa angka.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.editable_by(user).defer("boundary", "centre")
        self.fields["desa"].queryset = Desa.objects.editable_by(user).defer("boundary", "centre").select_related(
            "kecamatan").defer("kecamatan__boundary", "kecamatan__centre").order_by("kecamatan__code", "code")
        self.fields["desa"].label_from_instance = lambda d: f"{d.kecamatan.name} — {d.name}"
        self.initial.setdefault("year", timezone.localdate().year)

    def clean(self):
        cleaned = super().clean()
        kecamatan, desa = cleaned.get("kecamatan"), cleaned.get("desa")
        if kecamatan and desa and desa.kecamatan_id != kecamatan.pk:
            self.add_error("desa", _("Desa %(desa)s tidak berada di Kecamatan %(kec)s.") % {
                "desa": desa.name, "kec": kecamatan.name})
        return cleaned


class CandidateScoreForm(VersionedForm):
    """One choice per criterion of the round's rubric, preset to the proposal from the
    evidence where there is one; a reason field per criterion."""

    def __init__(self, *args, candidate, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(candidate.scores.all())
        self.initial["version"] = version
        for row in self.rows:
            criterion = row.criterion
            name = f"c_{criterion.code}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"({criterion.code}) {criterion.name}", coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(level.score, f"{level.score} — {level.description}") for level in criterion.levels.all()],
                error_messages={
                    "required": _("Pilih tingkat untuk kriteria (%(code)s).") % {"code": criterion.code},
                    "invalid_choice": _("Skor di luar skala kriteria (%(code)s).") % {"code": criterion.code},
                },
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Alasan"), required=False, max_length=1000)
            self.initial[name] = row.score if row.score is not None else row.proposed_score
            self.initial[f"reason_{criterion.pk}"] = row.reason
            row.field = self[name]
            row.reason_field = self[f"reason_{criterion.pk}"]

    def scores(self) -> dict[int, int]:
        return {row.criterion_id: self.cleaned_data[f"c_{row.criterion.code}"] for row in self.rows
                if f"c_{row.criterion.code}" in self.cleaned_data}

    def reasons(self) -> dict[int, str]:
        return {row.criterion_id: self.cleaned_data.get(f"reason_{row.criterion_id}", "") for row in self.rows}


class ParticipantForm(VersionedForm):
    name = forms.CharField(label=_("Nama"), max_length=150,
                           error_messages={"required": _("Isi nama peserta.")})
    role = forms.ChoiceField(label=_("Peran"), choices=Participant.Role.choices,
                             error_messages={"required": _("Pilih peran peserta."),
                                             "invalid_choice": _("Peran tidak dikenal.")})
    institution = forms.CharField(label=_("Jabatan/lembaga"), max_length=150, required=False)


class CandidateAddForm(VersionedForm):
    komoditas = forms.ModelChoiceField(
        label=_("Komoditas"), queryset=Komoditas.objects.active().filter(sector__eligible_unggulan=True),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Pilih komoditas."), "invalid_choice": _("Komoditas tidak dikenal.")})


class ReopenForm(VersionedForm):
    comment = forms.CharField(label=_("Alasan dikembalikan ke draf"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Tuliskan alasan pengembalian ke draf.")})


class AdoptForm(VersionedForm):
    decree_number = forms.CharField(label=_("Nomor keputusan"), max_length=100,
                                    error_messages={"required": _("Nomor keputusan wajib diisi.")})
    decree_date = forms.DateField(label=_("Tanggal keputusan"), widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": _("Tanggal keputusan wajib diisi."),
                                                  "invalid": _("Tanggal keputusan tidak valid (hh/bb/tttt).")})


def _links_assume_https(model_field, **kwargs):
    """A link typed without its scheme ("shopee.co.id/toko") is read as https://."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class CatalogueChannelsForm(SurveyFormMixin, forms.ModelForm):
    """The business channels of a published UMKM (shown only with the owner's consent)."""

    class Meta:
        model = CatalogueEntry
        formfield_callback = _links_assume_https
        fields = ["tagline", "business_phone", "shopee_url", "tokopedia_url", "tiktok_url", "website_url"]
        widgets = {f: forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"})
                   for f in ["shopee_url", "tokopedia_url", "tiktok_url", "website_url"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.fields["business_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")


class ConsentForm(forms.ModelForm):
    """The owner's consent, as the pendamping or staff record it from the owner's form."""

    class Meta:
        model = Consent
        fields = ["contact", "marketplace", "exact_location", "given_on", "evidence"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.widget.attrs.setdefault("class", "form-check-input" if isinstance(f.widget, forms.CheckboxInput)
                                      else "form-control")
        self.fields["given_on"].required = True
        self.fields["given_on"].error_messages["required"] = _("Isi tanggal persetujuan pemilik.")
        self.fields["given_on"].error_messages["invalid"] = _("Tanggal persetujuan pemilik tidak terbaca: pilih dari kalender.")
        self.fields["evidence"].required = True
        self.fields["evidence"].error_messages["required"] = _(
            "Tuliskan bukti persetujuan, mis. formulir bertanda tangan yang disimpan di kecamatan.")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("contact") or cleaned.get("marketplace") or cleaned.get("exact_location")):
            raise forms.ValidationError(_("Pilih setidaknya satu hal yang disetujui pemilik untuk ditampilkan."))
        return cleaned
