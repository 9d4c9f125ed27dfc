"""Where the apps above `referrals` plug into it, so that `referrals` never imports them.

`referrals` (contacts and people) sits below `mash` and `early_help` (docs/adr/0010-layers.md).
Where the contacts app needs one of them, it asks here, and the app that owns the work
registers its answer in its `AppConfig.ready()`:

- a rating whose outcome another app takes (the daily discussion is the MASH's) hands the
  contact over with `outcome_hand_off`; an outcome nobody registered for is a configuration
  error, raised, never silently dropped;
- a contact's page shows sections other apps own (the MASH enquiry and what was passed on
  with a referral): each registered section adds its names to the page's context.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

# receiver(*, contact, reason, by): called inside the rating's transaction.
OutcomeReceiver = Callable[..., Any]
# section(request, *, contact, referrals) -> names for the contact page's template.
ContactPageSection = Callable[..., Mapping[str, Any]]

_outcome_receivers: dict[str, OutcomeReceiver] = {}
_contact_page_sections: list[ContactPageSection] = []


def outcome_receiver_register(outcome: str, receiver: OutcomeReceiver) -> None:
    """Say which function takes contacts rated to `outcome` (once per outcome)."""
    current = _outcome_receivers.get(outcome)
    if current is not None and current is not receiver:
        raise ImproperlyConfigured(f"Two apps take contacts routed to {outcome!r}.")
    _outcome_receivers[outcome] = receiver


def outcome_hand_off(outcome: str, *, contact, reason: str, by) -> Any:
    """Give a rated contact to the app that takes its outcome."""
    try:
        receiver = _outcome_receivers[str(outcome)]
    except KeyError:
        raise ImproperlyConfigured(
            f"No installed app takes contacts routed to {outcome!r}: "
            "its AppConfig.ready() must call outcome_receiver_register."
        ) from None
    return receiver(contact=contact, reason=reason, by=by)


def contact_page_section_register(section: ContactPageSection) -> None:
    """Add a section to every contact's page (registering the same one twice is harmless)."""
    if section not in _contact_page_sections:
        _contact_page_sections.append(section)


def contact_page_context(request: HttpRequest, *, contact, referrals: list) -> dict[str, Any]:
    """What the registered sections add to a contact's page."""
    context: dict[str, Any] = {}
    for section in _contact_page_sections:
        context.update(section(request, contact=contact, referrals=referrals))
    return context
