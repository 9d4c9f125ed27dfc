"""The MASH's part of a contact's page (registered with referrals.extensions in MashConfig)."""

from django.http import HttpRequest

from referrals.models import ContactStatus

from . import selectors
from .access import may_enquiry
from .models import Enquiry


def contact_page_section(request: HttpRequest, *, contact, referrals: list) -> dict:
    """The contact's enquiry (MASH social care staff only) and what went with each referral."""
    shared = selectors.shared_with_referrals(referrals)
    # The enquiry itself is for MASH social care staff only (mash.access).
    enquiry = (
        Enquiry.objects.filter(contact=contact).first()
        if may_enquiry(request.user, "view_enquiry")
        else None
    )
    return {
        "passed_on": {
            r.pk: shared[r.pk] for r in referrals if selectors.may_read_shared(request.user, r)
        },
        "enquiry": enquiry,
        "can_open_enquiry": enquiry is None
        and contact.status == ContactStatus.WITH_MASH
        and request.user.has_perm("mash.add_enquiry"),
    }
