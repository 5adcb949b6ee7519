from django.urls import path

from mapping import views

app_name = "mapping"

urlpatterns = [
    path("", views.home, name="home"),
    path("peta/kecamatan.geojson", views.kecamatan_geojson, name="kecamatan-geojson"),
    path("peta/desa.geojson", views.desa_geojson, name="desa-geojson"),
    path("umkm/baru/", views.umkm_create, name="umkm-create"),
    path("umkm/<int:pk>/", views.umkm_detail, name="umkm-detail"),
    path("umkm/<int:pk>/ubah/", views.umkm_update, name="umkm-update"),
    path("umkm/<int:umkm_pk>/produk/baru/", views.product_create, name="product-create"),
    path("produk/<int:pk>/ubah/", views.product_update, name="product-update"),
    path("umkm/<int:umkm_pk>/izin/baru/", views.permit_create, name="permit-create"),
    path("izin/<int:pk>/ubah/", views.permit_update, name="permit-update"),
    path("produk/<int:product_pk>/penilaian/", views.assessment_edit, name="assessment-edit"),
    path("penilaian/verifikasi/", views.assessment_review_list, name="assessment-review-list"),
    path("penilaian/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("penilaian/<int:pk>/verifikasi/", views.assessment_verify, name="assessment-verify"),
    path("penilaian/<int:pk>/kembalikan/", views.assessment_return, name="assessment-return"),
    path("unggulan/", views.ranking_kabupaten, name="ranking-kabupaten"),
    path("unggulan/kecamatan/<str:kode>/", views.ranking_kecamatan, name="ranking-kecamatan"),
    path("unggulan/desa/<str:kode>/", views.ranking_desa, name="ranking-desa"),
    path("data/", views.transfers, name="transfers"),
    path("data/templat/<slug:kind>.xlsx", views.import_template, name="import-template"),
    path("data/impor/<slug:kind>/", views.import_upload, name="import-upload"),
    path("data/ekspor/<slug:kind>/", views.export_rows, name="export-rows"),
    path("data/riwayat/<int:pk>/", views.import_detail, name="import-detail"),
    path("data/riwayat/<int:pk>/status/", views.import_status, name="import-status"),
    path("data/riwayat/<int:pk>/galat/", views.import_error_report, name="import-error-report"),
    path("data/riwayat/<int:pk>/laporan/", views.import_row_report, name="import-row-report"),
    path("data/riwayat/<int:pk>/impor/", views.import_confirm, name="import-confirm"),
    path("data/riwayat/<int:pk>/periksa-ulang/", views.import_recheck, name="import-recheck"),
    path("data/riwayat/<int:pk>/batalkan/", views.import_undo, name="import-undo"),
]
