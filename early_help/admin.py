from django.contrib import admin

from referrals.admin import ReadOnlyAdmin

from .models import EarlyHelpDecision, EarlyHelpPanel, FamilyWorkCase, PanelCase, StepDown


@admin.register(EarlyHelpDecision)
class EarlyHelpDecisionAdmin(ReadOnlyAdmin):
    list_display = ["contact", "outcome", "worker", "decided_by", "decided_at"]
    list_filter = ["outcome"]


@admin.register(FamilyWorkCase)
class FamilyWorkCaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "contact", "family_worker", "status", "opened_at", "closed_at"]
    list_filter = ["status"]


@admin.register(EarlyHelpPanel)
class EarlyHelpPanelAdmin(ReadOnlyAdmin):
    list_display = ["date", "other_attendees"]


@admin.register(PanelCase)
class PanelCaseAdmin(ReadOnlyAdmin):
    list_display = ["contact", "panel", "source", "decision", "decided_at"]
    list_filter = ["source", "decision"]


@admin.register(StepDown)
class StepDownAdmin(ReadOnlyAdmin):
    list_display = ["contact", "from_team", "requested_by", "requested_at"]
