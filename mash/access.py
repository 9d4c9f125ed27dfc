"""Access helpers for MASH records: 404 to those who may not know a record exists, 403 to those
who may see it but not act.

Partner agency staff hold no model-level permission on requests: everything they see comes
from object permissions granted to their agency's group when the request was made.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.grants import granted
from accounts.models import User
from accounts.permissions import codename_for
from core.db import exists_columns

from .models import Enquiry, PartnerRequest, inbox_order, rag_order


def may_partner_request(user: User, perm: str, request: PartnerRequest) -> bool:
    """Whether the user may `perm` ("view_partnerrequest", "change_partnerrequest") this
    request: an object permission held through their agency's group, and to change it they must
    still belong to that agency. A MASH worker's role does not let them act as the agency."""
    codename = codename_for(PartnerRequest, perm)
    if not (user.is_active and user.has_perm(f"mash.{codename}", request)):
        return False
    return codename == "view_partnerrequest" or user.agency_id == request.agency_id


def require_partner_request(user: User, perm: str, request: PartnerRequest) -> None:
    if not may_partner_request(user, perm, request):
        raise PermissionDenied(f"{user} may not {perm}")


def get_partner_request_for_user(
    user: User, pk: int, perm: str = "view_partnerrequest"
) -> PartnerRequest:
    codename = codename_for(PartnerRequest, perm)
    request = get_object_or_404(
        PartnerRequest.objects.select_related("agency", "enquiry__contact"),
        pk=pk,
        enquiry__contact__destroyed_at__isnull=True,
    )
    if not may_partner_request(user, "view_partnerrequest", request):
        raise Http404("No such request")
    require_partner_request(user, codename, request)
    return request


def partner_requests_for(user: User) -> QuerySet[PartnerRequest]:
    """The requests addressed to the user's agency (through its group's object permissions)."""
    return granted(
        user, "mash.view_partnerrequest", PartnerRequest.objects.all(), accept_global_perms=False
    ).select_related("agency", "enquiry__contact")


def partner_inbox_requests(user: User) -> QuerySet[PartnerRequest]:
    """The agency's inbox in order of urgency: requests awaiting an answer first, then the
    soonest due by the request's own clock (a 3-hour red above a 23-hour amber), then red
    before amber (index partner_request_agency_urgency). The user's agency narrows the index
    to its own requests (a grant to the agency's group is only ever on a request to that
    agency); the grants still decide what is shown."""
    qs = partner_requests_for(user)
    if user.agency_id is not None:
        qs = qs.filter(agency_id=user.agency_id)
    return qs.order_by(inbox_order(), "due_at", rag_order(), "pk")


def may_enquiry(user: User, perm: str, enquiry: Enquiry | None = None) -> bool:
    """The one answer to "may this user `perm` this enquiry":
    - view_enquiry: MASH social care staff (role-wide), not early help, partners or other teams;
    - change_enquiry: its assigned MASH social worker (object permission, and still its worker)
      or any MASH manager;
    - decide_enquiry / add_enquiry / delete_enquiry: the role-wide permission (MASH managers).
    With no enquiry, only the role-wide permission counts. Unknown names raise ValueError."""
    codename = codename_for(Enquiry, perm)
    if not (user.is_active and user.has_perm("mash.view_enquiry")):
        return False
    if codename == "change_enquiry":
        if user.has_perm("mash.decide_enquiry"):
            return True
        return (
            enquiry is not None
            and enquiry.worker_id == user.pk
            and user.has_perm("mash.change_enquiry", enquiry)
        )
    return user.has_perm(f"mash.{codename}")


def require_enquiry(user: User, perm: str, enquiry: Enquiry | None = None) -> None:
    if not may_enquiry(user, perm, enquiry):
        raise PermissionDenied(f"{user} may not {perm}")


def get_enquiry_for_user(
    user: User,
    pk: int,
    perm: str = "view_enquiry",
    *,
    exists: Mapping[str, QuerySet] | None = None,
) -> Enquiry:
    """An enquiry for MASH staff (404 for anyone else); 403 unless `may_enquiry(perm)`.
    `exists`: related records to ask about in the same read (core.db.exists_columns)."""
    codename = codename_for(Enquiry, perm)
    enquiry = get_object_or_404(
        Enquiry.objects.select_related(
            "contact__assigned_team", "contact__assigned_to", "worker", "opened_by", "decided_by"
        ).annotate(**exists_columns(exists or {})),
        pk=pk,
        contact__destroyed_at__isnull=True,
    )
    if not may_enquiry(user, "view_enquiry", enquiry):
        raise Http404("No such enquiry")
    require_enquiry(user, codename, enquiry)
    return enquiry
