from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy

from mapping.admin.mixins import AuditedAdminMixin, FactsAdminMixin
from mapping.models import Komoditas, Product, Sentra
from mapping.services.facts import facts_changed
from mapping.services.komoditas import komoditas_merge


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=Komoditas.objects.none(), label=gettext_lazy("Gabungkan ke"))


@admin.action(description=gettext_lazy("Gabungkan komoditas terpilih ke satu komoditas"))
def merge_komoditas(modeladmin, request, queryset):
    chosen = list(queryset.order_by("name"))
    form = MergeForm(request.POST if "into" in request.POST else None)
    form.fields["into"].queryset = queryset
    if form.is_valid():
        into, merged = form.cleaned_data["into"], 0
        for source in chosen:
            if source.pk == into.pk:
                continue
            if source.sector_id != into.sector_id:
                modeladmin.message_user(request, _("%(a)s tidak digabung: sektornya (%(sa)s) berbeda dengan %(b)s (%(sb)s).") % {
                    "a": source.name, "sa": source.sector, "b": into.name, "sb": into.sector}, messages.ERROR)
                continue
            if source.candidacies.exists():
                modeladmin.message_user(request, _(
                    "%(a)s tidak digabung: komoditas ini sudah dinilai dalam penetapan produk unggulan, "
                    "dan catatan penetapan harus tetap seperti saat dinilai.") % {"a": source.name}, messages.ERROR)
                continue
            merged += komoditas_merge(source=source, into=into)
        modeladmin.message_user(request, _("Digabung ke %(into)s: %(n)s produk dipindahkan.") % {"into": into.name, "n": merged})
        return redirect(request.get_full_path())
    return render(request, "admin/mapping/komoditas/merge.html", {
        **modeladmin.admin_site.each_context(request), "title": _("Gabungkan komoditas"), "form": form,
        "chosen": chosen, "opts": modeladmin.model._meta, "action": "merge_komoditas"})


URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SentraInline(admin.TabularInline):
    model = Sentra
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["kecamatan", "desa", "product_label", "source_url", "is_reference"]
    readonly_fields = ["is_reference"]
    autocomplete_fields = ["desa"]


@admin.register(Komoditas)
class KomoditasAdmin(AuditedAdminMixin, FactsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "sector", "product_total", "sentra_total", "is_active"]
    list_filter = ["sector", "is_active"]
    search_fields = ["name", "code", "synonyms"]
    prepopulated_fields = {"code": ["name"]}
    actions = [merge_komoditas]
    inlines = [SentraInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sector").annotate(
            product_total=Count("products", distinct=True), sentra_total=Count("sentra", distinct=True))

    # A commodity deleted leaves its products without one, which their UMKM's facts (and the
    # commodity summaries) must say: its producers' facts follow the delete.
    def delete_model(self, request, obj):
        producers = _producers_of(Komoditas.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        facts_changed(umkm_ids=producers)

    def delete_queryset(self, request, queryset):
        producers = _producers_of(queryset)
        super().delete_queryset(request, queryset)
        facts_changed(umkm_ids=producers)

    @admin.display(description=gettext_lazy("produk"), ordering="product_total")
    def product_total(self, obj):
        return obj.product_total

    @admin.display(description=gettext_lazy("sentra"), ordering="sentra_total")
    def sentra_total(self, obj):
        return obj.sentra_total


def _producers_of(komoditas) -> list[int]:
    return list(Product.objects.filter(komoditas__in=komoditas).order_by().values_list("umkm_id", flat=True).distinct())


@admin.register(Sentra)
class SentraAdmin(AuditedAdminMixin, FactsAdminMixin, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["komoditas", "kecamatan", "desa", "attribution", "is_reference"]
    list_filter = ["komoditas", "kecamatan", "is_reference"]
    search_fields = ["komoditas__name", "desa__name", "kecamatan__name", "evidence", "product_label"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["is_reference", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("komoditas", "kecamatan", "desa").defer(
            "kecamatan__boundary", "kecamatan__centre", "desa__boundary", "desa__centre")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
