"""Un-namespaced, as they were: `home`, `work_tray` and `dashboard`."""

from django.urls import path

from . import dashboard, views

urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.work_tray, name="work_tray"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
