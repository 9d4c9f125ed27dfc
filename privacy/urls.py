from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("people/<int:pk>/holds/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("retention/", views.retention_queue, name="retention_queue"),
    path("retention/destroyed/", views.retention_destroyed, name="retention_destroyed"),
    path("retention/<int:pk>/destroy/", views.retention_destroy, name="retention_destroy"),
    path("retention/<int:pk>/keep/", views.retention_keep, name="retention_keep"),
]
