from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<int:pk>/verify/", views.sar_verify, name="sar_verify"),
    path("subject-access/<int:pk>/extend/", views.sar_extend, name="sar_extend"),
    path("subject-access/<int:pk>/refuse/", views.sar_refuse, name="sar_refuse"),
    path("subject-access/<int:pk>/complete/", views.sar_complete, name="sar_complete"),
    path("subject-access/<int:pk>/redactions/", views.sar_redactions, name="sar_redactions"),
    path("subject-access/<int:pk>/download/", views.disclosure_start, name="disclosure_start"),
    path(
        "subject-access/downloads/<int:pk>/",
        views.disclosure_download,
        name="disclosure_download",
    ),
    path("unusual-access/", views.unusual_access, name="unusual_access"),
    path("unusual-access/<int:pk>/", views.unusual_access_report, name="unusual_access_report"),
    path("people/<int:pk>/holds/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("retention/", views.retention_queue, name="retention_queue"),
    path("retention/destroyed/", views.retention_destroyed, name="retention_destroyed"),
    path("retention/<int:pk>/destroy/", views.retention_destroy, name="retention_destroy"),
    path("retention/<int:pk>/keep/", views.retention_keep, name="retention_keep"),
]
