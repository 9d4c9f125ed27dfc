"""Correcting a submitted contact: a senior practitioner changes what was recorded wrongly,
with a reason, and the contact shows what changed (before and after), by whom and why.

Only what the referrer told us may be corrected (the referrer, the concerns, the family's
knowledge and agreement): how and when the contact arrived drives its clocks and routing, and
the people on it are corrected on their own person records. A correction is one locked save
that carries the version the corrector read, so it never overwrites a save made meanwhile
(the same STALE refusal the draft's sections use: referrals/edit_races.py).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User

from .access import may_contact, require_contact
from .models import Contact, ContactCorrection, ContactSource, ReferralSource
from .services import CONTACT_SECTIONS, STALE

# The sections a correction may change, with the page's title for each.
CORRECTABLE: dict[str, str] = {
    "referrer": "The referrer",
    "concerns": "The concerns",
    "family": "The family's knowledge and agreement",
}


def may_correct(user: User, contact: Contact) -> bool:
    """A submitted contact can be corrected by whoever holds `correct_contact` (senior practitioners)."""
    return not contact.is_draft and may_contact(user, "correct_contact", contact)


def _shown(contact: Contact, name: str, value: Any) -> str:
    """A stored value as the contact page shows it."""
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    field = contact._meta.get_field(name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d %B %Y %H:%M}"
    return str(value)


def _label(name: str) -> str:
    label = str(Contact._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


@transaction.atomic
def contact_correct(
    *,
    contact: Contact,
    by: User,
    section: str,
    data: dict[str, Any],
    reason: str,
    version: int | None = None,
) -> ContactCorrection:
    """Correct one section of a submitted contact, with the reason; refuse a stale `version`."""
    require_contact(by, "correct_contact", contact)
    if section not in CORRECTABLE:
        raise ValidationError("This part of a contact cannot be corrected.")
    allowed = CONTACT_SECTIONS[section]
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"{sorted(unknown)} are not in section {section}")
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.is_draft:
        raise ValidationError("This contact is still being logged: change it there.")
    if locked.destroyed_at is not None:
        raise ValidationError("This contact has been destroyed.")
    if version is not None and locked.version != version:
        raise ValidationError(
            "This contact was changed by someone else after you opened this page.", code=STALE
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the contact is being corrected"})
    if locked.source == ContactSource.POLICE_MERLIN and section == "referrer":
        raise ValidationError("The referrer of a police MERLIN is the police officer who sent it.")
    if section == "referrer" and data.get("referral_source") == ReferralSource.ANONYMOUS:
        data = {**data, "referrer_is_professional": False}
    changes = []
    for name, value in data.items():
        before = getattr(locked, name)
        if before == value or (before in (None, "") and value in (None, "")):
            continue
        changes.append(
            {
                "field": name,
                "label": _label(name),
                "before": _shown(locked, name, before),
                "after": _shown(locked, name, value),
            }
        )
        setattr(locked, name, value)
    if not changes:
        raise ValidationError("Change at least one answer, or cancel.")
    now = timezone.now()
    locked.version += 1
    locked.corrected_at = now
    labels = ", ".join(c["label"].lower() for c in changes)
    save_audited(locked, user=by, reason=f"Corrected ({labels}): {reason.strip()}")
    correction = ContactCorrection(
        contact=locked,
        section=section,
        reason=reason.strip(),
        changes=changes,
        corrected_by=by,
        corrected_at=now,
    )
    save_audited(correction, user=by, reason=f"Contact corrected: {reason.strip()}")
    contact.refresh_from_db()
    return correction
