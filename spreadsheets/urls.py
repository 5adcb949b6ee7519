from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"

urlpatterns = [
    path("data/", views.transfers, name="transfers"),
    path("data/templat/<slug:kind>.xlsx", views.import_template, name="import-template"),
    path("data/impor/<slug:kind>/", views.import_upload, name="import-upload"),
    path("data/ekspor/<slug:kind>/", views.export_rows, name="export-rows"),
    path("data/riwayat/<int:pk>/", views.import_detail, name="import-detail"),
    path("data/riwayat/<int:pk>/status/", views.import_status, name="import-status"),
    path("data/riwayat/<int:pk>/galat/", views.import_error_report, name="import-error-report"),
    path("data/riwayat/<int:pk>/laporan/", views.import_row_report, name="import-row-report"),
    path("data/riwayat/<int:pk>/impor/", views.import_confirm, name="import-confirm"),
    path("data/riwayat/<int:pk>/pemetaan/", views.import_map, name="import-map"),
    path("data/riwayat/<int:pk>/putuskan/", views.import_decide, name="import-decide"),
    path("data/riwayat/<int:pk>/pembacaan/", views.import_reading, name="import-reading"),
    path("data/riwayat/<int:pk>/periksa-ulang/", views.import_recheck, name="import-recheck"),
    path("data/riwayat/<int:pk>/batalkan/", views.import_undo, name="import-undo"),
]
