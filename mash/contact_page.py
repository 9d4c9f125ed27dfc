"""The MASH's part of a contact's page (registered with referrals.extensions in MashConfig)."""

from django.http import HttpRequest

from referrals.models import ContactStatus

from . import disagreements, selectors, strategy
from .access import may_enquiry
from .models import Enquiry, EnquiryStatus


def contact_page_section(request: HttpRequest, *, contact, referrals: list) -> dict:
    """The contact's enquiry (MASH social care staff only) and what went with each referral."""
    shared = selectors.shared_with_referrals(referrals)
    # The enquiry itself is for MASH social care staff only (mash.access).
    may_view = may_enquiry(request.user, "view_enquiry")
    enquiry = Enquiry.objects.filter(contact=contact).first() if may_view else None
    user = request.user
    # The strategy discussions and disagreements: for MASH staff and the receiving team. One
    # who may see enquiries has already read the contact's enquiry, decided or not.
    if may_view:
        decided = enquiry if enquiry and enquiry.status == EnquiryStatus.DECIDED else None
    else:
        decided = Enquiry.objects.filter(contact=contact, status=EnquiryStatus.DECIDED).first()
    # The page's referrals are every one the contact has: the receiving team's is among them.
    receiving = (
        decided is not None and disagreements.receiving_referral_among(user, referrals) is not None
    )
    shown = enquiry or (decided if receiving else None)
    return {
        "passed_on": {
            r.pk: shared[r.pk] for r in referrals if selectors.may_read_shared(request.user, r)
        },
        "mash_records": {
            "strategy_discussions": strategy.strategy_discussions_for(shown) if shown else [],
            # The receiving team sees its own disagreements, never a partner agency's words.
            "disagreements": (
                selectors.disagreements_on(shown)
                if enquiry is not None
                else [d for d in selectors.disagreements_on(shown) if d.team_id == user.team_id]
            )
            if shown
            else [],
            "can_disagree": receiving,
            "link": enquiry is not None,
            "can_resolve": disagreements.may_resolve(user),
        },
        "enquiry": enquiry,
        "can_open_enquiry": enquiry is None
        and contact.status == ContactStatus.WITH_MASH
        and request.user.has_perm("mash.add_enquiry"),
    }
