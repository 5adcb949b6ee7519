"""The portal as an installable web app: its manifest and its service worker.

The service worker (templates/pwa/service_worker.js) keeps a pendamping's field kit on
the phone — the pages listed by mentoring's field kit (`mentoring:offline-kit`), the
static files they load and the desa boundaries — and keeps a form sent without signal
in the phone's outbox until it can be sent, once (submission tokens make the server side
idempotent). It is served from the site root so that its scope is the whole portal.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=86400)
def manifest(request):
    return JsonResponse({
        "name": _("Peta UMKM Purbalingga"),
        "short_name": _("UMKM Purbalingga"),
        "description": _("Pemetaan produk unggulan UMKM per kecamatan dan desa."),
        "lang": "id",
        "start_url": "/beranda/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }, content_type="application/manifest+json")


@require_safe
@cache_control(no_cache=True)  # a new version reaches phones at the next visit
def service_worker(request):
    response = render(request, "pwa/service_worker.js", content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response
