from django.urls import path

from . import access_log, chronology_views, cin_views, review_views, views
from .information_requests import views as information_views
from .merlin import views as merlin_views
from .notices import views as notice_views
from .person_warnings import views as warning_views

app_name = "referrals"

urlpatterns = [
    path("contacts/new/", views.queue_new, name="queue_new"),
    path("contacts/in-progress/", views.queue_in_progress, name="queue_in_progress"),
    path("contacts/awaiting-rating/", views.queue_awaiting_rating, name="queue_awaiting_rating"),
    path("contacts/team/", views.queue_team, name="queue_team"),
    path("contacts/mash/", views.queue_mash, name="queue_mash"),
    path("contacts/early-help/", views.queue_early_help, name="queue_early_help"),
    path("contacts/start/", views.contact_start, name="contact_start"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/print/", views.contact_print, name="contact_print"),
    path(
        "contacts/<int:pk>/referrals/<int:referral_pk>/print/",
        views.contact_print,
        name="referral_print",
    ),
    path("contacts/<int:pk>/edit/", views.contact_task_list, name="contact_task_list"),
    path("contacts/<int:pk>/edit/<slug:section>/", views.contact_section, name="contact_section"),
    path("contacts/<int:pk>/people/find/", views.contact_find_person, name="contact_find_person"),
    path(
        "contacts/<int:pk>/people/link/<int:person_pk>/",
        views.contact_link_person,
        name="contact_link_person",
    ),
    path("contacts/<int:pk>/people/new/", views.contact_new_person, name="contact_new_person"),
    path(
        "contacts/<int:pk>/people/<int:link_pk>/remove/",
        views.contact_unlink_person,
        name="contact_unlink_person",
    ),
    path("contacts/<int:pk>/check/", views.contact_check, name="contact_check"),
    path(
        "contacts/<int:pk>/duplicates/<int:flag_pk>/",
        views.contact_duplicate,
        name="contact_duplicate",
    ),
    path("contacts/<int:pk>/screen/", views.contact_screen, name="contact_screen"),
    path("contacts/<int:pk>/rate/", views.contact_rate, name="contact_rate"),
    path(
        "contacts/<int:pk>/information-and-advice/",
        views.contact_information_and_advice,
        name="contact_information_and_advice",
    ),
    path(
        "contacts/<int:pk>/referrer-told/",
        views.contact_referrer_told,
        name="contact_referrer_told",
    ),
    path(
        "contacts/<int:pk>/referrer-notice/",
        notice_views.contact_referrer_notice,
        name="contact_referrer_notice",
    ),
    path(
        "contacts/<int:pk>/referrer-notice/posted/",
        notice_views.contact_referrer_letter_posted,
        name="contact_referrer_letter_posted",
    ),
    path(
        "contacts/<int:pk>/written-follow-up/",
        views.contact_written_follow_up,
        name="contact_written_follow_up",
    ),
    path(
        "contacts/<int:pk>/information-response/",
        information_views.information_response,
        name="information_response",
    ),
    path(
        "contacts/<int:pk>/census/<int:episode_pk>/",
        cin_views.contact_census_episode,
        name="contact_census_episode",
    ),
    path(
        "contacts/<int:pk>/access-log/",
        access_log.contact_access_log,
        name="contact_access_log",
    ),
    path(
        "contacts/<int:pk>/access-log/export/",
        access_log.contact_access_log_export,
        name="contact_access_log_export",
    ),
    path(
        "contacts/<int:pk>/correct/<slug:section>/",
        review_views.contact_correct,
        name="contact_correct",
    ),
    path("contacts/<int:pk>/oversight/", review_views.contact_oversight, name="contact_oversight"),
    path("team/workers/", review_views.team_workers, name="team_workers"),
    path("team/workers/<int:pk>/", review_views.worker_tray, name="worker_tray"),
    path("merlin/", merlin_views.merlin_list, name="merlin_list"),
    path("merlin/new/", merlin_views.merlin_new, name="merlin_new"),
    path("merlin/upload/", merlin_views.merlin_upload, name="merlin_upload"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<int:pk>/chronology/",
        chronology_views.person_chronology,
        name="person_chronology",
    ),
    path("people/<int:pk>/warnings/new/", warning_views.warning_new, name="person_warning_new"),
    path("warnings/<int:pk>/", warning_views.warning_detail, name="person_warning"),
    path("warnings/<int:pk>/agree/", warning_views.warning_agree, name="person_warning_agree"),
    path("warnings/<int:pk>/review/", warning_views.warning_review, name="person_warning_review"),
    path("warnings/<int:pk>/end/", warning_views.warning_end, name="person_warning_end"),
    path("people/<int:pk>/merge/", views.person_merge, name="person_merge"),
    path(
        "people/<int:pk>/merge/<int:other_pk>/",
        views.person_merge_confirm,
        name="person_merge_confirm",
    ),
    path("people/merges/<int:pk>/", views.person_merge_record, name="person_merge_record"),
    path("people/<int:pk>/access-log/", access_log.person_access_log, name="person_access_log"),
    path(
        "people/<int:pk>/access-log/export/",
        access_log.person_access_log_export,
        name="person_access_log_export",
    ),
]
