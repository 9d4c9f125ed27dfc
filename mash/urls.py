from django.urls import path

from . import partner_views, views

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
    path("partner/requests/", partner_views.partner_inbox, name="partner_inbox"),
    path("partner/requests/<int:pk>/", partner_views.partner_request, name="partner_request"),
]
