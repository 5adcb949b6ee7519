from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog, set_language
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm import pwa
from purbalingga_umkm.health import health

admin.site.site_header = _("Peta UMKM Purbalingga — Pengelolaan data Dinas")
admin.site.site_title = _("Peta UMKM Purbalingga")
admin.site.index_title = _("Administrasi data")

# The catalogue changes only with a deployment: cached per process start (the start in the
# key, so a shared cache never serves the previous release's catalogue after a restart).
_STARTED = timezone.now()
_JS_CATALOG = cache_page(86400, key_prefix=f"jsi18n:{_STARTED.timestamp():.0f}")(
    last_modified(lambda request, **kwargs: _STARTED)(JavaScriptCatalog.as_view())
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("sehat/", health, name="health"),
    path("bahasa/", set_language, name="set_language"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    # The translations of the strings in static/js (gettext, interpolate), loaded by base.html.
    path("jsi18n/", _JS_CATALOG, name="javascript-catalog"),
    path("", include("mentoring.urls")),
    path("", include("mapping.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("bantuan.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
