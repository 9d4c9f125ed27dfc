"""The response to a request for information: written by the Contact Service, authorised by a
senior practitioner (`referrals.information_requests`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.services import access_record
from core.forms import GovukForm, add_service_errors

from ..access import get_contact_for_user, may_contact
from ..models import InformationResponse
from . import services as info


class ResponseForm(GovukForm):
    submit_label = "Save the response"
    response = forms.CharField(
        label="Response to the request",
        help_text="What the service holds that the requester may be told, and any advice. "
        "A senior practitioner authorises it before it is sent.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the response to the request"},
    )


def information_response(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk)
    access_record(
        user=request.user,
        obj=contact,
        description=f"Request for information on contact {contact.reference}",
        path=request.path,
    )
    draft = (
        InformationResponse.objects.filter(contact=contact)
        .select_related("written_by", "authorised_by")
        .first()
    )
    may_write = may_contact(request.user, "change_contact", contact)
    may_authorise = (
        info.may_authorise(request.user) and draft is not None and draft.written_by != request.user
    )
    if request.method == "POST" and request.POST.get("action") == "authorise":
        if not info.may_authorise(request.user):
            raise PermissionDenied
        try:
            info.information_response_authorise(contact=contact, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Response authorised on {contact.reference}.")
        return redirect("referrals:information_response", pk=contact.pk)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        initial={"response": draft.response if draft else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            info.information_response_save(
                contact=contact, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Response saved. A senior practitioner must authorise it.")
            return redirect("referrals:information_response", pk=contact.pk)
    return render(
        request,
        "referrals/information_requests/response.html",
        {
            "contact": contact,
            "draft": draft,
            "form": form if may_write and info.awaits_response(contact) else None,
            "may_authorise": may_authorise and info.awaits_response(contact),
            "open": info.awaits_response(contact),
        },
    )
