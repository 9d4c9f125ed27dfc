"""The early help part of the contact page, kept in this app: `{% early_help_on_contact %}`."""

from django import template

from .. import access, selectors
from ..models import EarlyHelpDecision, PanelCase, StepDown, StepUp

register = template.Library()


@register.inclusion_tag("early_help/includes/_contact_early_help.html", takes_context=True)
def early_help_on_contact(context, contact) -> dict:
    """What early help decided or is doing about a contact, with the actions the user may take."""
    user = context["request"].user
    decision = (
        EarlyHelpDecision.objects.filter(contact=contact)
        .select_related("worker", "decided_by")
        .first()
    )
    step_down = StepDown.objects.filter(contact=contact).select_related("from_team").first()
    step_up = StepUp.objects.filter(contact=contact).select_related("case").first()
    panel_cases = list(
        PanelCase.objects.filter(contact=contact).select_related("panel", "worker", "decided_by")
    )
    cases = [
        case
        for case in contact.family_work_cases.select_related("family_worker")
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
