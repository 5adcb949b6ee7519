from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from mapping import catalogue_views, penetapan_views, views
from mapping.sitemaps import SITEMAPS

app_name = "mapping"

urlpatterns = [
    path("", views.home, name="home"),
    path("peta/kecamatan.geojson", views.kecamatan_geojson, name="kecamatan-geojson"),
    path("peta/desa.geojson", views.desa_geojson, name="desa-geojson"),
    path("umkm/baru/", views.umkm_create, name="umkm-create"),
    path("survei/cepat/", views.survey_quick, name="survey-quick"),
    path("umkm/<int:pk>/", views.umkm_detail, name="umkm-detail"),
    path("umkm/<int:pk>/ubah/", views.umkm_update, name="umkm-update"),
    path("umkm/<int:umkm_pk>/produk/baru/", views.product_create, name="product-create"),
    path("produk/<int:pk>/ubah/", views.product_update, name="product-update"),
    path("produk/<int:pk>/foto/", views.product_photo, name="product-photo"),
    path("umkm/<int:umkm_pk>/izin/baru/", views.permit_create, name="permit-create"),
    path("izin/<int:pk>/ubah/", views.permit_update, name="permit-update"),
    path("produk/<int:product_pk>/penilaian/", views.assessment_edit, name="assessment-edit"),
    path("penilaian/verifikasi/", views.assessment_review_list, name="assessment-review-list"),
    path("penilaian/riwayat-verifikasi/", views.verification_log, name="verification-log"),
    path("penilaian/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("penilaian/<int:pk>/verifikasi/", views.assessment_verify, name="assessment-verify"),
    path("penilaian/<int:pk>/kembalikan/", views.assessment_return, name="assessment-return"),
    path("unggulan/", views.ranking_kabupaten, name="ranking-kabupaten"),
    path("unggulan/kecamatan/<str:code>/", views.ranking_kecamatan, name="ranking-kecamatan"),
    path("unggulan/desa/<str:code>/", views.ranking_desa, name="ranking-desa"),
    path("unggulan/komoditas/<slug:code>/", views.komoditas_detail, name="komoditas-detail"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", catalogue_views.robots_txt, name="robots"),
    path("katalog/", catalogue_views.catalogue_home, name="katalog"),
    path("katalog/produk/<int:pk>/", catalogue_views.catalogue_product, name="katalog-product-short"),
    path("katalog/produk/<int:pk>/<slug:slug>/", catalogue_views.catalogue_product, name="katalog-product"),
    path("katalog/umkm/<int:pk>/", catalogue_views.catalogue_umkm, name="katalog-umkm-short"),
    path("katalog/umkm/<int:pk>/<slug:slug>/", catalogue_views.catalogue_umkm, name="katalog-umkm"),
    path("katalog/foto/<int:pk>/", catalogue_views.catalogue_product_photo, name="katalog-product-photo"),
    path("katalog/qr/<int:pk>.svg", catalogue_views.catalogue_product_qr, name="katalog-product-qr"),
    path("katalog/stiker/<int:pk>.pdf", catalogue_views.catalogue_stickers, name="katalog-stickers"),
    path("umkm/<int:pk>/katalog/", catalogue_views.catalogue_manage, name="katalog-manage"),
    path("penetapan/", penetapan_views.penetapan_list, name="penetapan-list"),
    path("penetapan/baru/", penetapan_views.penetapan_create, name="penetapan-create"),
    path("penetapan/<int:pk>/", penetapan_views.penetapan_detail, name="penetapan-detail"),
    path("penetapan/<int:pk>/ubah/", penetapan_views.penetapan_change, name="penetapan-change"),
    path("penetapan/<int:pk>/lampiran/", penetapan_views.penetapan_lampiran, name="penetapan-lampiran"),
    path("penetapan/<int:pk>/kandidat/<int:candidate_pk>/", penetapan_views.candidate_score,
         name="penetapan-candidate-score"),
]

