"""The early help part of the contact page, kept in this app: `{% early_help_on_contact %}`."""

from django import template
from django.db.models import OuterRef

from core.db import which_exist
from referrals.models import Contact

from .. import access, selectors
from ..models import EarlyHelpDecision, FamilyWorkCase, PanelCase, StepDown, StepUp

register = template.Library()


@register.inclusion_tag("early_help/includes/_contact_early_help.html", takes_context=True)
def early_help_on_contact(context, contact) -> dict:
    """What early help decided or is doing about a contact, with the actions the user may take."""
    user = context["request"].user
    # Most contacts never reach early help: one query says which of its records this one has,
    # and only those are read.
    has = which_exist(
        Contact.objects.filter(pk=contact.pk),
        {
            "decision": EarlyHelpDecision.objects.filter(contact=OuterRef("pk")),
            "step_down": StepDown.objects.filter(contact=OuterRef("pk")),
            "step_up": StepUp.objects.filter(contact=OuterRef("pk")),
            "panel": PanelCase.objects.filter(contact=OuterRef("pk")),
            "cases": FamilyWorkCase.objects.filter(contact=OuterRef("pk")),
        },
    )
    decision = (
        EarlyHelpDecision.objects.filter(contact=contact)
        .select_related("worker", "decided_by")
        .first()
        if "decision" in has
        else None
    )
    step_down = (
        StepDown.objects.filter(contact=contact).select_related("from_team").first()
        if "step_down" in has
        else None
    )
    step_up = (
        StepUp.objects.filter(contact=contact).select_related("case").first()
        if "step_up" in has
        else None
    )
    panel_cases = (
        list(
            PanelCase.objects.filter(contact=contact).select_related(
                "panel", "worker", "decided_by"
            )
        )
        if "panel" in has
        else []
    )
    cases = [
        case
        for case in (
            contact.family_work_cases.select_related("family_worker") if "cases" in has else []
        )
        if access.may_case(user, "view_familyworkcase", case)
    ]
    awaiting = selectors.is_awaiting_decision(contact)
    consent = selectors.has_early_help_consent(contact) if awaiting else True
    return {
        "contact": contact,
        "decision": decision,
        "step_down": step_down,
        "step_up": step_up,
        "step_up_visible": step_up is not None
        and access.may_case(user, "view_familyworkcase", step_up.case),
        "panel_cases": panel_cases,
        "cases": cases,
        "awaiting": awaiting,
        "consent": consent,
        "can_see_panel": user.has_perm("early_help.view_earlyhelppanel"),
        "can_decide": awaiting and user.has_perm("early_help.add_earlyhelpdecision"),
        "can_record_consent": awaiting and not consent and access.may_record_consent(user, contact),
        "shown": any((decision, step_down, step_up, panel_cases, cases, awaiting)),
    }
