from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import PersonalDataAdminMixin

from .models import Contact, Involvement, Person


class ReadOnlyAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    """Domain rows change only through services. Case data: nobody may open them here without
    the view permission (an administrator only under a break glass), and every read is logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "first_name", "last_name", "date_of_birth", "nhs_number"]
    search_fields = ["case_number", "nhs_number", "last_name"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "source", "received_at"]
    list_filter = ["status", "source"]
    search_fields = ["reference"]


@admin.register(Involvement)
class InvolvementAdmin(ReadOnlyAdmin):
    list_display = ["person", "service", "team", "allocated_worker", "opened_on", "closed_on"]
