"""Checking the received time each contact-person link carries (`ContactPerson.received_at`)."""

from django.db.models import F, Q

from referrals.models import ContactPerson, ContactStatus


def links_out_of_step() -> list[tuple[int, str]]:
    """(link id, contact status) of every link whose `received_at` is not its contact's: the
    contact's received time once submitted, NULL while the contact is a draft."""
    draft = Q(contact__status=ContactStatus.DRAFT)
    wrong = (draft & Q(received_at__isnull=False)) | (
        ~draft & (Q(received_at__isnull=True) | ~Q(received_at=F("contact__received_at")))
    )
    return list(ContactPerson.objects.filter(wrong).values_list("pk", "contact__status"))
