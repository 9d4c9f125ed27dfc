from django.urls import path

from . import views

app_name = "mash"

urlpatterns = [
    path("daily-discussion/", views.discussion_today, name="discussion_today"),
    path("daily-discussion/<str:day>/", views.discussion, name="discussion"),
    path(
        "daily-discussion/<str:day>/attendees/",
        views.discussion_attendees,
        name="discussion_attendees",
    ),
    path(
        "daily-discussion/items/<int:pk>/decide/", views.discussion_decide, name="discussion_decide"
    ),
]
