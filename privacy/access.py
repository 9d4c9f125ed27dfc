"""Who may reach subject access requests and the unusual access reports."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User

from .models import Disclosure, SubjectAccessRequest, UnusualAccessReport

HANDLE = "privacy.handle_subject_access"
VIEW_UNUSUAL = "privacy.view_unusual_access"


def require(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def get_request_for_user(user: User, pk: int) -> SubjectAccessRequest:
    """A request for a handler: 403 to anyone without the permission, 404 if there is none."""
    require(user, HANDLE)
    try:
        return SubjectAccessRequest.objects.select_related(
            "person", "hold", "identity_verified_by", "opened_by", "closed_by"
        ).get(pk=pk)
    except SubjectAccessRequest.DoesNotExist:
        raise Http404("No such request") from None


def get_disclosure_for_user(user: User, pk: int) -> Disclosure:
    require(user, HANDLE)
    try:
        return Disclosure.objects.select_related("request").get(pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404("No such download") from None


def get_report_for_user(user: User, pk: int) -> UnusualAccessReport:
    require(user, VIEW_UNUSUAL)
    try:
        return UnusualAccessReport.objects.get(pk=pk)
    except UnusualAccessReport.DoesNotExist:
        raise Http404("No such report") from None
