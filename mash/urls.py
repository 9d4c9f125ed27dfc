from django.urls import path

from . import enquiry_views, partner_views, record_views, views

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
    path("mash/", enquiry_views.mash_queue, name="queue"),
    path("mash/contacts/<int:contact_pk>/open/", enquiry_views.enquiry_open, name="enquiry_open"),
    path("mash/enquiries/<int:pk>/", enquiry_views.enquiry_detail, name="enquiry"),
    path("mash/enquiries/<int:pk>/assign/", enquiry_views.enquiry_assign, name="enquiry_assign"),
    path("mash/enquiries/<int:pk>/consent/", enquiry_views.enquiry_consent, name="enquiry_consent"),
    path("mash/enquiries/<int:pk>/checks/", enquiry_views.enquiry_checks, name="enquiry_checks"),
    path(
        "mash/enquiries/<int:pk>/analysis/", enquiry_views.enquiry_analysis, name="enquiry_analysis"
    ),
    path("mash/enquiries/<int:pk>/decision/", enquiry_views.enquiry_decide, name="enquiry_decide"),
    path(
        "mash/enquiries/<int:pk>/strategy-discussion/",
        record_views.strategy_discussion_new,
        name="strategy_discussion_new",
    ),
    path("mash/disagreements/", record_views.disagreement_queue, name="disagreements"),
    path("mash/disagreements/<int:pk>/", record_views.disagreement_detail, name="disagreement"),
    path(
        "mash/contacts/<int:contact_pk>/disagree/",
        record_views.team_disagree,
        name="team_disagree",
    ),
    path("partner/requests/", partner_views.partner_inbox, name="partner_inbox"),
    path("partner/requests/<int:pk>/", partner_views.partner_request, name="partner_request"),
    path(
        "partner/requests/<int:pk>/disagree/",
        record_views.partner_disagree,
        name="partner_disagree",
    ),
]
