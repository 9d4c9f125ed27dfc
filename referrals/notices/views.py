"""Pages for telling the referrer the outcome: preview and send, print and post a letter.

Each view: load the contact through its access helper, bind the form, call one service,
message, redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import access_record
from core.forms import add_service_errors

from ..access import get_contact_for_user
from ..models import NoticeChannel
from . import services as notices
from .forms import LetterPostedForm, SendNoticeForm


def contact_referrer_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the notice the referrer is owed, then send it (or prepare the letter)."""
    contact = get_contact_for_user(request.user, pk, "change_contact")
    access_record(
        user=request.user,
        obj=contact,
        description=f"Notice to the referrer of contact {contact.reference}",
        path=request.path,
    )
    try:
        draft, problem = notices.referrer_notice_draft(contact), ""
    except ValidationError as exc:
        draft, problem = None, " ".join(exc.messages)
    form = SendNoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"previewed": draft.key if draft else ""},
    )
    if draft and draft.channel == NoticeChannel.LETTER:
        form.submit_label = "Prepare the letter to post"
    if request.method == "POST" and form.is_valid():
        if draft is None or form.cleaned_data["previewed"] != draft.key:
            form.add_error(None, problem or "The outcome has changed: check the message again")
        else:
            try:
                notice = notices.contact_notify_referrer(contact=contact, by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if notice.channel == NoticeChannel.LETTER:
                    messages.success(
                        request, "Letter prepared: print it, post it, then record the posting."
                    )
                    return redirect("referrals:contact_referrer_notice", pk=contact.pk)
                messages.success(
                    request,
                    f"The outcome of {contact.reference} is in the outbox for "
                    f"{notice.sent_to}: it is sent as soon as the mail server takes it.",
                )
                return redirect(contact.get_absolute_url())
    return render(
        request,
        "referrals/referrer_notice.html",
        {
            "contact": contact,
            "draft": draft,
            "problem": problem,
            "form": form,
            "letters": list(
                contact.referrer_notices.filter(
                    channel=NoticeChannel.LETTER, posted_at__isnull=True
                )
            ),
        },
    )


@require_POST
def contact_referrer_letter_posted(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk, "change_contact")
    form = LetterPostedForm(request.POST)
    notice = None
    if form.is_valid():
        notice = contact.referrer_notices.filter(pk=form.cleaned_data["notice"]).first()
    if notice is None:
        messages.error(request, "Choose a letter to record as posted.")
        return redirect("referrals:contact_referrer_notice", pk=contact.pk)
    try:
        notices.referrer_notice_mark_posted(notice=notice, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:contact_referrer_notice", pk=contact.pk)
    messages.success(request, f"Letter to the referrer of {contact.reference} recorded as posted.")
    return redirect(contact.get_absolute_url())
