"""Access helpers for MASH records: 404 to those who may not know a record exists, 403 to those
who may see it but not act.

Partner agency staff hold no model-level permission on requests: everything they see comes
from object permissions granted to their agency's group when the request was made.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.grants import granted
from accounts.models import User

from .models import Enquiry, PartnerRequest, RequestStatus


def get_partner_request_for_user(
    user: User, pk: int, perm: str = "view_partnerrequest"
) -> PartnerRequest:
    request = get_object_or_404(
        PartnerRequest.objects.select_related("agency", "enquiry__contact"), pk=pk
    )
    # Object permission only: a MASH worker's role does not let them act as the agency.
    if not user.has_perm("mash.view_partnerrequest", request):
        raise Http404("No such request")
    if perm != "view_partnerrequest" and not user.has_perm(f"mash.{perm}", request):
        raise PermissionDenied
    return request


def partner_requests_for(user: User) -> QuerySet[PartnerRequest]:
    """The requests addressed to the user's agency (through its group's object permissions)."""
    return granted(
        user, "mash.view_partnerrequest", PartnerRequest.objects.all(), accept_global_perms=False
    ).select_related("agency", "enquiry__contact")


def partner_inbox_requests(user: User) -> QuerySet[PartnerRequest]:
    """The agency's inbox: requests awaiting an answer first, then oldest first."""
    return partner_requests_for(user).order_by(
        Case(
            When(status=RequestStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "requested_at",
        "pk",
    )


def can_see_enquiries(user: User) -> bool:
    """MASH social care staff only: not early help, not partners, not other teams."""
    return user.is_active and user.has_perm("mash.view_enquiry")


def can_act_on_enquiry(user: User, enquiry: Enquiry) -> bool:
    """The assigned MASH social worker (object permission) or any MASH manager."""
    if user.has_perm("mash.decide_enquiry"):
        return True
    return enquiry.worker_id == user.pk and user.has_perm("mash.change_enquiry", enquiry)


def get_enquiry_for_user(user: User, pk: int, perm: str = "view_enquiry") -> Enquiry:
    """An enquiry for MASH staff; `change_enquiry` needs its worker or a manager, `decide_enquiry`
    a manager."""
    enquiry = get_object_or_404(
        Enquiry.objects.select_related(
            "contact__assigned_team", "contact__assigned_to", "worker", "opened_by", "decided_by"
        ),
        pk=pk,
    )
    if not can_see_enquiries(user):
        raise Http404("No such enquiry")
    if perm == "change_enquiry" and not can_act_on_enquiry(user, enquiry):
        raise PermissionDenied
    if perm == "decide_enquiry" and not user.has_perm("mash.decide_enquiry"):
        raise PermissionDenied
    return enquiry
