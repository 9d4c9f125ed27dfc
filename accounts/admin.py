from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .messages import PLACEHOLDERS
from .models import (
    AccessLog,
    BreakGlass,
    MessageTemplate,
    OutboundEmail,
    PartnerAgency,
    Team,
    User,
)
from .reads import current as current_read_log
from .services import email_resend, user_set_team


class PersonalDataAdminMixin:
    """Reading a record that holds a child's data in the admin is logged like any other page.

    Rows of the logged models that a page loads are noted anyway (accounts.reads); this
    adds the record a change, history or past-version page is about, under its own name,
    including history pages that load only historical rows. Whether the page opens at all
    is the model's view permission, which no administrator holds without a break glass.
    """

    def _log_admin_read(self, request, object_id, response, what: str):
        log = current_read_log()
        if log is not None and response.status_code == 200:
            log.note_record(
                self.model,
                unquote(object_id),
                description=f"{what} of {self.model._meta.verbose_name} #{unquote(object_id)} "
                "in administration",
                explicit=True,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_admin_read(request, object_id, response, "Record")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_admin_read(request, object_id, response, "History")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._log_admin_read(request, object_id, response, "Past version")


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "team", "agency", "is_active"]
    list_filter = ["groups", "team", "agency", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Service", {"fields": ("job_title", "team", "agency")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fixed = list(super().get_readonly_fields(request, obj))
        # Only a superuser makes superusers or grants single permissions; nobody changes
        # their own roles (an administrator cannot give themselves case-data access).
        if not request.user.is_superuser:
            fixed += ["is_superuser", "user_permissions"]
        if obj is not None and obj.pk == request.user.pk:
            fixed += ["groups", "user_permissions", "is_superuser"]
        return list(dict.fromkeys(fixed))

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


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    """Administrators edit the wording; the model validates it, so a mistake is a form error."""

    list_display = ["purpose", "subject", "updated_at"]
    readonly_fields = ["placeholders", "updated_at"]
    fields = ["purpose", "placeholders", "subject", "body", "updated_at"]

    @admin.display(description="Placeholders this message may use")
    def placeholders(self, obj):
        offered = PLACEHOLDERS.get(obj.purpose, {}) if obj and obj.pk else {}
        if not offered:
            return "Save the purpose first to see its placeholders."
        return format_html_join("\n", "<div><code>{{{{ {} }}}}</code>: {}</div>", offered.items())

    def get_readonly_fields(self, request, obj=None):
        # The purpose says where the template is used: fixed once the row exists.
        return [*self.readonly_fields, "purpose"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SimpleHistoryAdmin):
    """The outbox, read-only: what was sent, what is waiting and why."""

    list_display = ["created_at", "to", "subject", "purpose", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request, queryset):
        resent = sum(email_resend(email=email, by=request.user) for email in queryset)
        skipped = queryset.count() - resent
        self.message_user(request, f"{resent} email(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} email(s) were not failed and were left alone.", messages.INFO
            )


@admin.register(BreakGlass)
class BreakGlassAdmin(SimpleHistoryAdmin):
    """Who broke the glass, when and why: read-only; started from the Break glass page."""

    list_display = ["user", "started_at", "expires_at", "ended_at", "reason"]
    list_filter = ["user"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Two-factor devices are written only by accounts.two_factor's services, which keep
# User.two_factor_enabled and the SecurityEvent record in step with them: a reset is done on
# /accounts/users/<id>/two-factor/reset/, with a reason, never by editing devices here.
def _unregister_otp_devices() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()
