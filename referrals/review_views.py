"""Pages for correcting a submitted contact and for a manager's oversight of a worker's tray."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.services import access_record
from core.forms import add_service_errors, bool_initial, with_version
from core.paging import lookahead_page

from . import corrections, edit_races, oversight
from .access import get_contact_for_user
from .models import Contact
from .review_forms import OversightForm, correction_form


def _log_read(request: HttpRequest, contact: Contact) -> None:
    if request.method == "GET":
        access_record(
            user=request.user,
            obj=contact,
            description=f"Contact {contact.reference}",
            path=request.path,
        )


def _initial(form_class, contact: Contact) -> dict:
    initial = {}
    for name in form_class.base_fields:
        value = getattr(contact, name)
        initial[name] = bool_initial(value) if isinstance(value, bool) or value is None else value
    return initial


def contact_correct(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """A senior practitioner corrects one section of a submitted contact, with a reason."""
    if section not in corrections.CORRECTABLE:
        raise Http404
    contact = get_contact_for_user(request.user, pk, "correct_contact")
    if contact.is_draft:
        return redirect("referrals:contact_task_list", pk=contact.pk)
    _log_read(request, contact)
    form_class = correction_form(section)
    form = with_version(
        form_class(
            request.POST if request.method == "POST" else None,
            initial=_initial(form_class, contact),
        ),
        contact.version,
    )
    changed = None
    if request.method == "POST" and form.is_valid():
        try:
            corrections.contact_correct(
                contact=contact,
                by=request.user,
                section=section,
                data=form.correction_data(),
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form, changed = edit_races.refused(
                form, exc, contact, lambda: _initial(form_class, contact)
            )
        else:
            messages.success(request, f"Contact {contact.reference} corrected.")
            return redirect(contact.get_absolute_url() + "#corrections")
    return render(
        request,
        "referrals/contact_correct.html",
        {
            "contact": contact,
            "form": form,
            "title": f"Correct: {corrections.CORRECTABLE[section].lower()}",
            "changed": changed,
        },
    )


def contact_oversight(request: HttpRequest, pk: int) -> HttpResponse:
    """A team manager records oversight of a contact: a note and actions with owners and dates."""
    contact = get_contact_for_user(request.user, pk, "oversee_contact")
    if contact.is_draft:
        raise PermissionDenied
    _log_read(request, contact)
    form = OversightForm(
        request.POST if request.method == "POST" else None,
        owners=oversight.owners_for(request.user, contact),
    )
    if request.method == "POST" and form.is_valid():
        try:
            oversight.oversight_record(
                contact=contact,
                by=request.user,
                note=form.cleaned_data["note"],
                actions=form.actions(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Oversight of contact {contact.reference} recorded.")
            if contact.assigned_to_id and contact.assigned_to.team_id == request.user.team_id:
                return redirect("referrals:worker_tray", pk=contact.assigned_to_id)
            return redirect(contact.get_absolute_url() + "#oversight")
    return render(
        request,
        "referrals/contact_oversight.html",
        {
            "contact": contact,
            "form": form,
            "oversights": oversight.oversights_of(contact),
        },
    )


def team_workers(request: HttpRequest) -> HttpResponse:
    """The manager's team: each worker, to open their tray."""
    if not request.user.has_perm("referrals.oversee_contact"):
        raise PermissionDenied
    return render(
        request,
        "referrals/team_workers.html",
        {"workers": oversight.team_workers(request.user)},
    )


def worker_tray(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker's tray as their manager reviews it: their contacts, oversight given or needed."""
    worker = oversight.get_worker_for_manager(request.user, pk)
    # Loading the rows logs their reads (accounts.reads): one write for the whole page.
    page = lookahead_page(
        oversight.WorkerTray(request.user, worker), oversight.TRAY_PAGE, request.GET.get("page")
    )
    return render(
        request,
        "referrals/worker_tray.html",
        {"worker": worker, "page": page, "contacts": list(page.object_list)},
    )
