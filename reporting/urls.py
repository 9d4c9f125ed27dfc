from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/write/", views.report_write, name="report_write"),
    path("reports/<int:pk>/sign-off/", views.report_sign_off, name="report_sign_off"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/new/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
