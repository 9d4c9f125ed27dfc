"""Requests for information from courts, other councils and services (Camden protocol 3.1,
Islington's outcomes): a family open to a service goes to the allocated worker at screening;
otherwise the answer is provision of information and advice, a response written by the
Contact Service and authorised by a senior practitioner before it goes, within its clock.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from thresholds import services as clocks
from thresholds.models import ClockKind

from ..access import may_contact
from ..models import Contact, ContactSource, ContactStatus, InformationResponse

NOT_OPEN = "There is no request for information waiting for a response on this contact."


def awaits_response(contact: Contact) -> bool:
    return (
        contact.source == ContactSource.INFORMATION_REQUEST
        and contact.status == ContactStatus.INFORMATION_AND_ADVICE
        and contact.information_and_advice_done_at is None
    )


def may_authorise(user: User) -> bool:
    return user.has_perm("referrals.rate_contact")


@transaction.atomic
def information_response_save(*, contact: Contact, by: User, response: str) -> InformationResponse:
    """Write (or rewrite, until it is authorised) the response to a request for information."""
    if not may_contact(by, "change_contact", contact):
        raise PermissionDenied
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not awaits_response(contact):
        raise ValidationError(NOT_OPEN)
    if not response.strip():
        raise ValidationError({"response": "Enter the response to the request"})
    draft = InformationResponse.objects.filter(contact=contact).first()
    if draft is not None and draft.is_authorised:
        raise ValidationError("The response has been authorised and can no longer change.")
    draft = draft or InformationResponse(contact=contact)
    draft.response, draft.written_by, draft.written_at = response, by, timezone.now()
    save_audited(draft, user=by, reason="Response to the request for information written")
    return draft


@transaction.atomic
def information_response_authorise(*, contact: Contact, by: User) -> InformationResponse:
    """A senior practitioner authorises the response; it meets the information and advice clock."""
    if not may_authorise(by):
        raise PermissionDenied
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not awaits_response(contact):
        raise ValidationError(NOT_OPEN)
    draft = InformationResponse.objects.filter(contact=contact).first()
    if draft is None:
        raise ValidationError("Write the response before it is authorised.")
    if draft.written_by_id == by.pk:
        # Four eyes: the person who wrote a response does not authorise it.
        raise ValidationError("Someone other than the writer must authorise the response.")
    now = timezone.now()
    draft.authorised_by, draft.authorised_at = by, now
    save_audited(draft, user=by, reason="Response to the request for information authorised")
    contact.information_and_advice_done_at = now
    clocks.deadline_meet(kind=ClockKind.INFORMATION_AND_ADVICE, contact=contact, by=by, at=now)
    save_audited(contact, user=by, reason="Response to the request for information authorised")
    return draft
