from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessLog, PartnerAgency, Team, User
from .services import user_set_team


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "team", "agency", "is_active"]
    list_filter = ["groups", "team", "agency", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Service", {"fields": ("job_title", "team", "agency")}),
    )

    def save_model(self, request, obj, form, change):
        team = obj.team
        super().save_model(request, obj, form, change)
        # Team membership drives shared object permissions: keep the team group in step.
        user_set_team(user=obj, team=team, by=request.user, reason="Team changed in administration")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "duty_email", "is_active"]
    list_filter = ["kind", "is_active"]

    def save_model(self, request, obj, form, change):
        if not change:
            from django.contrib.auth.models import Group

            obj.group, _ = Group.objects.get_or_create(name=f"team:{obj.name}")
        super().save_model(request, obj, form, change)


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "secure_email", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "description"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
