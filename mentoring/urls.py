from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("beranda/", views.home_for_role, name="home-for-role"),
    path("tugas-saya/", views.my_tasks, name="my-tasks"),
    path("tugas-saya/desa.geojson", views.my_desa_geojson, name="my-desa-geojson"),
    path("tugas-saya/luring.json", views.offline_kit, name="offline-kit"),
    path("tugas-saya/umkm.json", views.offline_umkm, name="offline-umkm"),
    path("tugas-saya/serahkan/", views.held_submission_create, name="held-submission-create"),
    path("kunjungan/baru/", views.visit_create, name="visit-create"),
    path("kunjungan/<int:pk>/foto/", views.visit_photo, name="visit-photo"),
    path("koordinasi/baru/", views.meeting_create, name="meeting-create"),
    path("koordinasi/<int:pk>/foto/", views.meeting_photo, name="meeting-photo"),
    path("laporan/bulanan/", views.monthly_report, name="monthly-report"),
    path("laporan/bulanan/ajukan/", views.monthly_report_submit, name="monthly-report-submit"),
    path("laporan/bulanan/<int:pk>/putuskan/", views.monthly_report_decide, name="monthly-report-decide"),
    path("tindak-lanjut/<int:pk>/selesai/", views.follow_up_done, name="follow-up-done"),
    path("laporan/cakupan/", views.coverage_report, name="coverage-report"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/komoditas/", views.dashboard_komoditas, name="dashboard-komoditas"),
    path("dasbor/kecamatan/<str:code>/", views.dashboard_kecamatan, name="dashboard-kecamatan"),
    path("dasbor/desa/<str:code>/", views.dashboard_desa, name="dashboard-desa"),
    path("umkm/<int:pk>/riwayat/", views.umkm_history, name="umkm-history"),
    path("peta/umkm.geojson", views.umkm_points, name="umkm-points"),
]
