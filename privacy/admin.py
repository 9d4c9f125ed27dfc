from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    """Administrators set how long each council keeps each kind of record, and from when."""

    list_display = ["profile", "kind", "years", "counted_from"]
    list_filter = ["profile"]
    list_select_related = ["profile"]
    fields = ["profile", "kind", "years", "counted_from", "source"]

    def get_readonly_fields(self, request, obj=None):
        # A council has one rule per kind, seeded: the period and the event change, not the kind.
        return ["profile", "kind"] if obj else []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
