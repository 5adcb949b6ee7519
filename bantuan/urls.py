from django.urls import path

from bantuan import views

app_name = "bantuan"

urlpatterns = [
    path("bantuan/", views.program_list, name="program-list"),
    path("bantuan/laporan/", views.aid_report, name="aid-report"),
    path("bantuan/kelompok/", views.kelompok_list, name="kelompok-list"),
    path("bantuan/kelompok/baru/", views.kelompok_edit, name="kelompok-create"),
    path("bantuan/kelompok/<int:pk>/ubah/", views.kelompok_edit, name="kelompok-update"),
    path("bantuan/program/<int:pk>/", views.program_detail, name="program-detail"),
    path("bantuan/program/<int:pk>/usulan/", views.program_shortlist, name="program-shortlist"),
    path("bantuan/penerima/<int:pk>/status/", views.recipient_state, name="recipient-state"),
    path("bantuan/penerima/<int:pk>/penyaluran/", views.disbursement_propose, name="disbursement-propose"),
    path("bantuan/temuan/<int:pk>/terima/", views.flag_override, name="flag-override"),
    path("bantuan/penyaluran/<int:pk>/setujui/", views.disbursement_approve, name="disbursement-approve"),
    path("bantuan/penyaluran/<int:pk>/serahkan/", views.disbursement_deliver, name="disbursement-deliver"),
    path("bantuan/pemanfaatan/<int:pk>/", views.use_check, name="use-check"),
    path("bantuan/sanggahan/<int:pk>/jawab/", views.objection_answer, name="objection-answer"),
    path("pengumuman-bantuan/", views.public_programs, name="public-programs"),
    path("pengumuman-bantuan/<int:pk>/", views.public_list, name="public-list"),
]
