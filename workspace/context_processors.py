"""Service navigation: each role sees its own queues."""

from django.http import HttpRequest
from django.urls import reverse

from accounts.break_glass import may_break_glass
from accounts.lockout import may_manage_lockouts
from early_help.selectors import is_early_help_staff


def _nav_for(user) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = [("Your work", reverse("work_tray"))]
    if user.has_perm("referrals.screen_contact"):
        items += [
            ("New contacts", reverse("referrals:queue_new")),
            ("In progress", reverse("referrals:queue_in_progress")),
            ("Log a contact", reverse("referrals:contact_start")),
        ]
    if user.has_perm("referrals.view_contact") and (
        user.has_perm("referrals.rate_contact") or user.has_perm("mash.decide_enquiry")
    ):
        items.append(("Awaiting rating", reverse("referrals:queue_awaiting_rating")))
    if user.has_perm("mash.view_enquiry"):
        items.append(("MASH queue", reverse("mash:queue")))
    if user.has_perm("mash.answer_partnerrequest"):
        items.append(("Requests for checks", reverse("mash:partner_inbox")))
        # Police Public Protection Desk staff only: the permission together with a police agency.
        if (
            user.agency_id
            and user.agency.kind == "police"
            and user.has_perm("referrals.submit_merlin")
        ):
            items.append(("MERLIN reports", reverse("referrals:merlin_list")))
    if user.has_perm("early_help.add_earlyhelpdecision"):
        items.append(("Early help queue", reverse("early_help:queue")))
    if user.has_perm("early_help.view_earlyhelppanel"):
        items.append(("Early Help Panel", reverse("early_help:panel_next")))
    # Family workers may hold no front-door role: their early help team is what counts.
    if user.has_perm("early_help.view_earlyhelppanel") or (
        not user.roles and is_early_help_staff(user)
    ):
        items.append(("Family work", reverse("early_help:cases")))
    if user.has_perm("mash.view_dailydiscussion"):
        items.append(("Daily discussion", reverse("mash:discussion_today")))
    if user.has_perm("referrals.view_team_contacts"):
        items.append(("Team contacts", reverse("referrals:queue_team")))
    if user.has_perm("referrals.oversee_contact"):
        items.append(("Workers' trays", reverse("referrals:team_workers")))
    if user.has_perm("early_help.add_stepdown"):
        items.append(("Step down", reverse("early_help:step_down")))
    if user.has_perm("thresholds.view_deadline"):
        items.append(("Overdue dashboard", reverse("dashboard")))
    if user.has_perm("reporting.view_management_information"):
        items.append(("Reports", reverse("reporting:report_list")))
    if user.has_perm("reporting.view_statutory_returns"):
        items.append(("Statutory returns", reverse("returns:index")))
    if user.has_perm("referrals.search_person"):
        items.append(("Find a person", reverse("referrals:person_search")))
    if user.has_perm("privacy.handle_subject_access"):
        items.append(("Subject access", reverse("privacy:sar_list")))
    if user.has_perm("privacy.view_unusual_access"):
        items.append(("Unusual access", reverse("privacy:unusual_access")))
    if user.has_perm("reporting.view_management_information"):
        items.append(("MI", reverse("reporting:management_information")))
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    if may_break_glass(user):
        items.append(("Break glass", reverse("break_glass")))
    if may_manage_lockouts(user):
        items.append(("Lockouts", reverse("lockout_list")))
    return items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    path = request.path
    items = _nav_for(user)
    # The longest matching prefix is the current section.
    current = max(
        (url for _, url in items if path.startswith(url) and url != "/"), key=len, default=None
    )
    if current is None and path == reverse("work_tray"):
        current = path
    return {
        "service_navigation": [
            {"text": text, "href": url, "active": url == current} for text, url in items
        ]
    }
