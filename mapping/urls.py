from django.urls import path

from mapping import views

app_name = "mapping"

urlpatterns = [
    path("", views.home, name="home"),
    path("peta/kecamatan.geojson", views.kecamatan_geojson, name="kecamatan-geojson"),
]
