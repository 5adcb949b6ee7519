"""The public catalogue (no login) and its management on a UMKM's page (staff and pendamping).

Public views read only through mapping.catalogue (the allow-list); a UMKM that is not
published, or no longer, answers 404 on every public URL.
"""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mapping import catalogue, stickers
from mapping.forms import CatalogueChannelsForm, ConsentForm
from mapping.models import UMKM, Product
from mapping.models.catalogue import CatalogueEntry, Consent
from mapping.services.catalogue import (
    CatalogueError, catalogue_channels_save, catalogue_entry_of, catalogue_publish, catalogue_unpublish,
    consent_record, consent_withdraw,
)
from mapping.services.registry import EditConflict
from purbalingga_umkm.images import photo_response
from purbalingga_umkm.roles import Role, role_required

SURVEY_ROLES = (Role.PENDAMPING, Role.ADMIN_DINAS)


def _ld_json(data: dict) -> str:
    """schema.org data for a <script type="application/ld+json">, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@require_safe
def catalogue_home(request):
    filters = catalogue.CatalogueFilters.from_query(request.GET)
    page = catalogue.catalogue_page(filters=filters, page=request.GET.get("halaman", 1))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(request, "mapping/katalog/home.html", {
        "page": page, "filters": filters, "choices": catalogue.catalogue_choices(filters),
        "query": query.urlencode(),
    })


def _qr_svg(url: str) -> str:
    return mark_safe(stickers.qr_svg(url))


def _named_address(item, url_name: str, pk: int, slug):
    """404 for what is not public; the short or an old address sends to the one with the
    current name (permanently when a name was given: the name changed)."""
    if item is None:
        raise Http404
    if slug != item.slug:
        return redirect(url_name, pk=pk, slug=item.slug, permanent=slug is not None)
    return None


@require_safe
def catalogue_product(request, pk, slug=None):
    product = catalogue.public_product(pk)
    if moved := _named_address(product, "mapping:katalog-product", pk, slug):
        return moved
    consent = catalogue.consent_in_force(product.umkm.pk)
    share_url = request.build_absolute_uri(reverse("mapping:katalog-product-short", args=[pk]))
    page_url = request.build_absolute_uri()
    photo_url = (request.build_absolute_uri(reverse("mapping:katalog-product-photo", args=[pk]))
                 if product.has_photo else "")
    channels = catalogue.consented_channels(product.umkm.pk, consent)
    ld = {
        "@context": "https://schema.org", "@type": "Product", "name": product.name, "url": share_url,
        "description": product.description or product.name, "category": product.sector,
        "manufacturer": {"@type": "LocalBusiness", "name": product.umkm.name, "address": {
            "@type": "PostalAddress", "addressLocality": product.umkm.desa,
            "addressRegion": "Jawa Tengah", "addressCountry": "ID",
            "subregion": f"Kecamatan {product.umkm.kecamatan}, Kabupaten Purbalingga"}},
    }
    if photo_url:
        ld["image"] = photo_url
    if product.price:
        ld["offers"] = {"@type": "Offer", "price": product.price, "priceCurrency": "IDR",
                        "availability": "https://schema.org/InStock"}
    if channels.phone:
        ld["manufacturer"]["telephone"] = channels.phone
    return render(request, "mapping/katalog/product.html", {
        "product": product, "channels": channels, "share_url": share_url, "page_url": page_url,
        "photo_url": photo_url, "qr": _qr_svg(share_url), "ld_json": _ld_json(ld),
        "others": [p for p in catalogue.public_products_of(product.umkm.pk) if p.pk != product.pk],
    })


@require_safe
def catalogue_umkm(request, pk, slug=None):
    umkm = catalogue.public_umkm(pk)
    if moved := _named_address(umkm, "mapping:katalog-umkm", pk, slug):
        return moved
    consent = catalogue.consent_in_force(pk)
    point, exact = catalogue.public_point(pk, consent)
    products = catalogue.public_products_of(pk)
    share_url = request.build_absolute_uri(reverse("mapping:katalog-umkm-short", args=[pk]))
    channels = catalogue.consented_channels(pk, consent)
    ld = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": umkm.name, "url": share_url,
          "address": {"@type": "PostalAddress", "addressLocality": umkm.desa, "addressRegion": "Jawa Tengah",
                      "addressCountry": "ID"},
          "makesOffer": [{"@type": "Offer", "itemOffered": {"@type": "Product", "name": p.name}} for p in products]}
    if channels.phone:
        ld["telephone"] = channels.phone
    if exact and point:
        ld["geo"] = {"@type": "GeoCoordinates", "longitude": point["coordinates"][0],
                     "latitude": point["coordinates"][1]}
    return render(request, "mapping/katalog/umkm.html", {
        "umkm": umkm, "products": products, "channels": channels, "point": point, "exact": exact,
        "share_url": share_url, "ld_json": _ld_json(ld),
    })


@require_safe
def catalogue_product_photo(request, pk):
    product = get_object_or_404(catalogue.published_products().only("pk", "photo"), pk=pk)
    return photo_response(product.photo, thumbnail=request.GET.get("ukuran") == "kecil")


@require_safe
def catalogue_product_qr(request, pk):
    if not catalogue.published_products().filter(pk=pk).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("mapping:katalog-product-short", args=[pk]))
    response = HttpResponse(stickers.qr_svg(url), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-produk-{pk}.svg"'
    return response


@require_safe
def catalogue_stickers(request, pk):
    """An A4 sheet of QR stickers of the UMKM's published products, for a market stand."""
    umkm = catalogue.public_umkm(pk)
    if umkm is None:
        raise Http404
    items = [(p.name, request.build_absolute_uri(reverse("mapping:katalog-product-short", args=[p.pk])))
             for p in catalogue.public_products_of(pk)]
    response = HttpResponse(stickers.sticker_sheet(umkm.name, items), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="stiker-qr-{umkm.slug}.pdf"'
    return response


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /masuk/", "Disallow: /dasbor/",
             "Disallow: /tugas/", "Disallow: /impor/", "Allow: /",
             f"Sitemap: {request.build_absolute_uri(reverse('mapping:sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# --- Management on the UMKM's page ---------------------------------------------------------


def _editable_umkm(request, pk) -> UMKM:
    return get_object_or_404(UMKM.objects.editable_by(request.user).with_related(), pk=pk)


@role_required(*SURVEY_ROLES)
def catalogue_manage(request, pk):
    umkm = _editable_umkm(request, pk)
    entry = CatalogueEntry.objects.filter(umkm=umkm).first() or CatalogueEntry(umkm=umkm)
    if request.method == "POST":
        entry = catalogue_entry_of(umkm)
    channels_form = CatalogueChannelsForm(instance=entry)
    consent_form = ConsentForm()
    if request.method == "POST":
        action = request.POST.get("aksi", "")
        try:
            if action == "tampilkan":
                catalogue_publish(umkm=umkm, by=request.user)
                messages.success(request, _("%(name)s tampil di katalog publik.") % {"name": umkm.name})
                return redirect("mapping:katalog-manage", pk=pk)
            if action == "sembunyikan":
                catalogue_unpublish(umkm=umkm, by=request.user)
                messages.success(request, _("%(name)s tidak lagi tampil di katalog publik.") % {"name": umkm.name})
                return redirect("mapping:katalog-manage", pk=pk)
            if action == "kanal":
                channels_form = CatalogueChannelsForm(request.POST, instance=entry)
                if channels_form.is_valid():
                    catalogue_channels_save(entry=channels_form.save(commit=False),
                                            expected_version=channels_form.cleaned_data.get("version") or 0,
                                            by=request.user)
                    messages.success(request, _("Kontak dan tautan usaha disimpan."))
                    return redirect("mapping:katalog-manage", pk=pk)
            elif action == "persetujuan":
                consent_form = ConsentForm(request.POST, instance=Consent(umkm=umkm))
                if consent_form.is_valid():
                    consent_record(consent=consent_form.save(commit=False), by=request.user)
                    messages.success(request, _("Persetujuan pemilik dicatat."))
                    return redirect("mapping:katalog-manage", pk=pk)
            elif action == "tarik":
                if consent_withdraw(umkm=umkm, by=request.user):
                    messages.success(request, _("Persetujuan ditarik: kontak, tautan dan titik lokasi tidak lagi "
                                                "tampil."))
                return redirect("mapping:katalog-manage", pk=pk)
        except CatalogueError as error:
            messages.error(request, error.message)
        except EditConflict:
            messages.error(request, _("Data katalog ini baru saja diubah orang lain. Periksa isian terbaru, lalu "
                                      "simpan lagi."))
            return redirect("mapping:katalog-manage", pk=pk)
    return render(request, "mapping/katalog/manage.html", {
        "umkm": umkm, "entry": entry, "channels_form": channels_form, "consent_form": consent_form,
        "consent": catalogue.consent_in_force(umkm.pk),
        "history": Consent.objects.filter(umkm=umkm).select_related("recorded_by", "withdrawn_by")[:20],
        "has_products": Product.objects.filter(umkm=umkm, is_active=True).exists(),
    })
