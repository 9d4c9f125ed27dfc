from django.urls import path

from . import views

app_name = "reporting"

urlpatterns: list = [
    path("", views.management_information, name="management_information"),
    path("contacts/", views.figure_contacts, name="contacts"),
]
