import json
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapping import geometry
from purbalingga_umkm.validators import validate_plain_text
from mapping.models import UMKM, Kecamatan
from mentoring.models import Assignment, FollowUp, HeldSubmission, Meeting, Topic, Visit


class VisitForm(forms.ModelForm):
    umkm = forms.ModelChoiceField(
        queryset=UMKM.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("UMKM ini tidak ada di wilayah tugas Anda. Pilih UMKM dari daftar Tugas saya."),
            "required": _("Pilih UMKM dari daftar Tugas saya."),
        },
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topik pendampingan"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Pilih minimal satu topik.")},
    )
    location = forms.CharField(required=False, widget=forms.HiddenInput)
    location_accuracy_m = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = ["umkm", "date", "topics", "notes", "location", "location_accuracy_m", "photo"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3, "placeholder": _("Apa yang dibahas dan disepakati")}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                     "capture": "environment"}),
        }

    def __init__(self, *args, pendamping, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pendamping = pendamping
        self.fields["umkm"].queryset = UMKM.objects.editable_by(pendamping.user).active()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def clean_location(self):
        raw = self.cleaned_data.get("location")
        if not raw:
            return None
        try:
            value = json.loads(raw)
            geometry.validate_point(value)
        except (ValueError, ValidationError):
            raise ValidationError(_("Lokasi GPS tidak terbaca; ambil ulang lokasi atau kosongkan."))
        return value

    def clean(self):
        cleaned = super().clean()
        accuracy = cleaned.get("location_accuracy_m")
        limit = settings.LOCATION_MAX_ACCURACY_M
        if cleaned.get("location") and accuracy is not None and accuracy > limit:
            self.add_error(
                "location",
                _("Akurasi GPS %(accuracy)s m lebih buruk dari batas %(limit)s m; ambil ulang di tempat terbuka.")
                % {"accuracy": accuracy, "limit": limit},
            )
        return cleaned


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["description", "due_date"]
        widgets = {
            "description": forms.TextInput(attrs={"placeholder": _("mis. Lengkapi dokumen PIRT")}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description") and not cleaned.get("due_date"):
            self.add_error("due_date", _("Isi tenggat untuk tindak lanjut ini."))
        if cleaned.get("due_date") and not cleaned.get("description"):
            self.add_error("description", _("Tuliskan tindak lanjutnya."))
        return cleaned


class BaseFollowUpFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        visit_date = self.instance.date
        for form in self.forms:
            due = form.cleaned_data.get("due_date") if hasattr(form, "cleaned_data") else None
            if due and visit_date and due < visit_date:
                form.add_error("due_date", _("Tenggat tidak boleh sebelum tanggal kunjungan."))

    def follow_ups(self) -> list[dict]:
        """The filled-in follow-ups, ignoring the blank spare rows."""
        return [
            {"description": f.cleaned_data["description"], "due_date": f.cleaned_data["due_date"]}
            for f in self.forms
            if f.has_changed() and f.cleaned_data.get("description")
        ]


FollowUpFormSet = forms.inlineformset_factory(
    Visit, FollowUp, form=FollowUpForm, formset=BaseFollowUpFormSet,
    extra=2, max_num=5, can_delete=False,
)


class MeetingForm(forms.ModelForm):
    """A coordination meeting, in the kecamatan the pendamping is assigned to."""

    # Not required here: the model's clean() says so once (a form and a service alike).
    parties = forms.MultipleChoiceField(
        label=_("Dengan siapa"), choices=Meeting.Party.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Meeting
        fields = ["kecamatan", "date", "place", "parties", "attendees", "topics", "outcome", "follow_up",
                  "follow_up_due", "photo"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "follow_up_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                     "capture": "environment"}),
        }
        error_messages = {
            "place": {"required": _("Isi tempat rapat.")},
            "topics": {"required": _("Tuliskan apa yang dibahas.")},
            "kecamatan": {"required": _("Pilih kecamatan."), "invalid_choice": _("Anda tidak bertugas di kecamatan itu.")},
        }

    def __init__(self, *args, pendamping, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pendamping = pendamping
        self.fields["kecamatan"].queryset = Kecamatan.objects.filter(
            pk__in=Assignment.objects.in_force().filter(pendamping=pendamping).values("kecamatan")).defer(
            "boundary", "centre")
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
            if self.fields["kecamatan"].queryset.count() == 1:
                self.initial["kecamatan"] = self.fields["kecamatan"].queryset.first().pk
        for name, field in self.fields.items():
            if name not in ("parties", "submission_token") and not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")


class ReportSubmitForm(forms.Form):
    note = forms.CharField(label=_("Catatan untuk Dinas (opsional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ReportDecideForm(forms.Form):
    comment = forms.CharField(label=_("Komentar (wajib bila dikembalikan)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


# The forms a phone keeps offline (the service worker's FORM_PATHS): only these are handed over.
OFFLINE_FORM_PATH = r"^/(survei/cepat|umkm/baru|kunjungan/baru|koordinasi/baru|produk/\d+/penilaian)/(\?[\w=&-]*)?$"
HELD_CONTROL_FIELDS = ("_luring_path", "_luring_alasan", "_luring_waktu", "_luring_foto", "csrfmiddlewaretoken")


class HeldSubmissionForm(forms.ModelForm):
    """A refused offline form handed to the Dinas: where it was going, why it was refused,
    when it was kept, its photo (cleaned like every upload) and the rest of its fields."""

    _luring_path = forms.RegexField(regex=OFFLINE_FORM_PATH, error_messages={
        "required": _("Formulir asal tidak disebut."), "invalid": _("Formulir asal tidak dikenal.")})
    _luring_alasan = forms.CharField(required=False, max_length=500, validators=[validate_plain_text])
    _luring_waktu = forms.DateTimeField(required=False)
    _luring_foto = HeldSubmission._meta.get_field("photo").formfield(required=False)

    class Meta:
        model = HeldSubmission
        fields = []

    def save_for(self, *, user, data):
        held = self.instance
        held.user = user
        held.path = self.cleaned_data["_luring_path"]
        held.reason = " ".join(self.cleaned_data["_luring_alasan"].split())
        held.kept_at = self.cleaned_data["_luring_waktu"]
        held.fields = {key: [value[:2000] for value in data.getlist(key)][:50]
                       for key in list(data)[:200] if key not in HELD_CONTROL_FIELDS}
        photo = self.cleaned_data.get("_luring_foto")
        if photo:
            held.photo = photo
        held.save()
        return held
