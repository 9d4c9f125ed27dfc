from django.urls import path

from . import views

app_name = "thresholds"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
