from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm.health import health

admin.site.site_header = _("Peta UMKM Purbalingga — Back office Dinas")
admin.site.site_title = _("Peta UMKM Purbalingga")
admin.site.index_title = _("Administrasi data")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("sehat/", health, name="health"),
    path("", include("mentoring.urls")),
    path("", include("mapping.urls")),
    path("", include("spreadsheets.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
