from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("cin-census/", views.cin_census, name="cin_census"),
    path("cin-census/runs/<int:pk>/", views.census_run, name="census_run"),
    path("cin-census/runs/<int:pk>/census.xml", views.census_download, name="census_download"),
    path("annex-a/", views.annex_a, name="annex_a"),
]
