"""Home and the work tray: where each user starts, gathered from every app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Notification
from core.paging import lookahead_page
from mash import selectors as mash_selectors
from referrals import selectors as referral_selectors
from referrals.person_warnings import selectors as warning_selectors
from thresholds import selectors as threshold_selectors

TRAY_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the queue it works from."""
    user = request.user
    if user.has_perm("referrals.screen_contact") and not user.has_perm("referrals.rate_contact"):
        return redirect("referrals:queue_new")
    if user.has_perm("referrals.rate_contact"):
        return redirect("referrals:queue_awaiting_rating")
    if user.has_perm("referrals.view_team_contacts"):
        return redirect("referrals:queue_team")
    return redirect("work_tray")


def work_tray(request: HttpRequest) -> HttpResponse:
    """What is waiting on this user: unread notices, contacts passed to them, their clocks."""
    now = timezone.now()
    notices = list(Notification.objects.filter(user=request.user, read_at__isnull=True)[:50])
    # Both lists grow with the years a worker has been here: each pages on its own parameter,
    # counted only a few pages ahead (core.paging).
    contacts_page = lookahead_page(
        referral_selectors.queue_assigned_to(request.user),
        TRAY_PAGE_SIZE,
        request.GET.get("contacts"),
    )
    clocks_page = lookahead_page(
        threshold_selectors.ClocksPaged(
            request.user,
            visible=referral_selectors.contact_visibility(request.user, on="contact"),
            now=now,
        ),
        TRAY_PAGE_SIZE,
        request.GET.get("clocks"),
    )
    # A partner agency's clocks are on its requests for checks, not on contacts it may see.
    partner_requests = (
        mash_selectors.partner_tray(request.user)
        if request.user.has_perm("mash.answer_partnerrequest")
        else []
    )
    return render(
        request,
        "accounts/work_tray.html",
        {
            "notices": notices,
            "contacts": list(contacts_page.object_list),
            "contacts_page": contacts_page,
            "clocks": list(clocks_page.object_list),
            "clocks_page": clocks_page,
            "partner_requests": partner_requests,
            "now": now,
            # A manager's warnings to agree and to review (case numbers only: no names).
            "warnings": warning_selectors.for_managers(request.user),
        },
    )
