"""Who may open a period report or an export. Figures are derived from personal data: only
holders of `reporting.view_management_information` see them; everyone else gets 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User

from .models import Export, Report

VIEW_MI = "reporting.view_management_information"
MAX_PK = 2**63 - 1


def require_mi(user: User) -> None:
    if not user.has_perm(VIEW_MI):
        raise PermissionDenied("Management information is for managers")


def get_report_for_user(user: User, pk: int, perm: str = VIEW_MI) -> Report:
    """A report: 403 without the MI permission (or `perm`), 404 if there is no such report."""
    require_mi(user)
    if not 0 < pk <= MAX_PK:
        raise Http404("No such report")
    report = (
        Report.objects.select_related("profile", "created_by", "signed_off_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report")
    if not user.has_perm(perm):
        raise PermissionDenied(f"{user} may not {perm}")
    return report


def get_export_for_user(user: User, pk: int) -> Export:
    """An export, for the person who asked for it only: anyone else is told it does not exist."""
    require_mi(user)
    if not 0 < pk <= MAX_PK:
        raise Http404("No such export")
    export = Export.objects.filter(pk=pk, created_by=user).first()
    if export is None:
        raise Http404("No such export")
    return export
