from django.urls import path

from . import views

app_name = "early_help"

urlpatterns = [
    path("early-help/", views.queue, name="queue"),
    path("early-help/contacts/<int:pk>/decide/", views.decide, name="decide"),
    path("early-help/contacts/<int:pk>/consent/", views.consent, name="consent"),
    path(
        "early-help/contacts/<int:pk>/step-up/",
        views.step_up_to_mash,
        name="step_up_to_mash",
    ),
    path("early-help/cases/", views.cases, name="cases"),
    path("early-help/cases/<int:pk>/", views.case, name="case"),
    path("early-help/cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("early-help/cases/<int:pk>/assessment/", views.case_assessment, name="case_assessment"),
    path("early-help/cases/<int:pk>/step-up/", views.case_step_up, name="case_step_up"),
    path("early-help/cases/<int:pk>/team/add/", views.taf_add, name="taf_add"),
    path("early-help/cases/<int:pk>/team/<int:member_pk>/", views.taf_edit, name="taf_edit"),
    path(
        "early-help/cases/<int:pk>/team/<int:member_pk>/lead/",
        views.taf_make_lead,
        name="taf_make_lead",
    ),
    path(
        "early-help/cases/<int:pk>/team/<int:member_pk>/remove/",
        views.taf_remove,
        name="taf_remove",
    ),
    path("early-help/panel/", views.panel_next, name="panel_next"),
    path("early-help/panel/items/<int:pk>/decide/", views.panel_decide, name="panel_decide"),
    path("early-help/panel/<str:day>/", views.panel, name="panel"),
    path("early-help/panel/<str:day>/attendees/", views.panel_attendees, name="panel_attendees"),
    path("early-help/step-down/", views.step_down_form, name="step_down"),
]
