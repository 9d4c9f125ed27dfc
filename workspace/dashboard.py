"""The overdue dashboard: the open clocks a manager watches, counted and listed."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts.models import Team
from core.enums import Rag
from core.forms import GovukForm
from privacy import selectors as privacy_selectors
from referrals.selectors import contact_visibility
from thresholds import selectors, tally
from thresholds.models import ClockKind

PAGE_SIZE = 50
WORKERS_PAGE_SIZE = 25


class DashboardFilterForm(GovukForm):
    """A GET form: every field optional, an unknown value is ignored rather than refused."""

    submit_label = "Apply filters"
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label="Clock", required=False, choices=[("", "All clocks"), *ClockKind.choices]
    )
    rag = forms.ChoiceField(label="RAG rating", required=False, choices=[("", "Any"), *Rag.choices])
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("all", "All open clocks"),
            (selectors.OVERDUE, "Overdue"),
            (selectors.DUE_SOON, "Due soon"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        # Choices read once: a ModelChoiceField would query again to render and to clean.
        # Only the running council's teams (and those set up for any council), never another's.
        teams = (
            Team.objects.filter(is_active=True)
            .filter(Q(profile__code=settings.COUNCIL_PROFILE) | Q(profile__isnull=True))
            .order_by("name")
            .values_list("pk", "name")
        )
        self.fields["team"].choices = [("", "All teams"), *teams]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "team": data.get("team"),
            "kind": data.get("kind") or None,
            "rag": data.get("rag") or None,
            "state": data.get("state") if data.get("state") != "all" else None,
        }


def dashboard(request: HttpRequest) -> HttpResponse:
    """The open clocks the manager watches (`watched`); htmx refreshes the body every minute."""
    if not request.user.has_perm("thresholds.view_deadline"):
        raise PermissionDenied
    now = timezone.now()
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    sort = request.GET.get("sort", "due")
    if sort not in selectors.SORTS:
        sort = "due"
    # Counts follow the team/kind/RAG filters but not the state one: they show the split.
    parts = watched(request.user)
    counted = {k: v for k, v in filters.items() if k != "state"}
    counts = selectors.deadline_counts(*(_counted(part, now, counted) for part in parts), now=now)
    shown = _shown(counts, filters.get("state"))
    rows = _sorted_rows(parts, request.user, shown=shown, now=now, sort=sort, filters=filters)
    page = _page(rows, request.GET.get("page"), count=shown)
    # A row per worker grows with the service: the table pages on its own.
    workers = Paginator(counts.by_responsible, WORKERS_PAGE_SIZE).get_page(
        request.GET.get("workers")
    )
    context = {
        "reads_every_contact": request.user.has_perm("referrals.view_contact"),
        "form": form,
        "counts": counts,
        "page": page,
        "workers": workers,
        "sort": sort,
        "now": now,
        "count_tables": [
            ("By team", "by-team", "Team", counts.by_team),
            ("By responsible worker", "by-responsible", "Worker", workers.object_list),
            ("By clock", "by-kind", "Clock", counts.by_kind),
            ("By RAG rating", "by-rag", "RAG", counts.by_rag),
        ],
        "columns": [
            ("Contact", None),
            ("Clock", "kind"),
            ("RAG", "rag"),
            ("Team", "team"),
            ("Responsible", None),
            ("Due", "due"),
            ("Time left", None),
        ],
    }
    if request.user.has_perm("privacy.handle_subject_access") and not request.htmx:
        context["subject_access"] = _subject_access_panel()
    template = (
        "thresholds/includes/_dashboard_body.html" if request.htmx else "thresholds/dashboard.html"
    )
    response = render(request, template, context)
    # The same address answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _counted(part: Q, now, filters: dict):
    """The part's clocks to count: the tally's rows where it keeps them (every clock on a
    contact, a team's clocks: thresholds.tally), else the clocks themselves."""
    if (rows := tally.tally_of(part)) is not None and tally.in_use():
        return tally.grouped(rows, now=now, **filters)
    return selectors.open_deadlines_for(part, now=now, **filters)


def watched(user) -> list[Q]:
    """Which open clocks the dashboard counts and lists, as disjoint parts each read by its own
    indexes. A manager who reads every contact (the MASH and service managers) watches every
    open clock. Any other manager watches the clocks of their own work: every clock their team
    answers for (the clock carries its team: a manager sees that their team owes it, by contact
    reference, even where the contact is no longer theirs to open), and the clocks named to
    them or their team's members or answered for by their role
    (`thresholds.selectors.overseen_by`) on contacts they may see, each candidate's grants
    probed by index. A clock of another service on a contact their team once held is that
    service's to chase. Apart, not OR'd: PostgreSQL cannot read an OR whose arms hold a grant
    probe from the indexes, and walked every open clock (the early help triage team's 44,000
    clocks and the grant probes of the other 56,000: 330 ms)."""
    if user.has_perm("referrals.view_contact"):
        visible = contact_visibility(user, on="contact", many=True)
        # Every clock on a contact, which the tally counts (while that is what this user
        # may see: should the rule change, the clocks are counted themselves).
        every = tally.every_clock_on_a_contact()
        return [every if visible == Q(contact__isnull=False) else visible]
    ways = selectors.overseen_by(user)
    visible = contact_visibility(user, on="contact")
    if team := selectors.managed_team(user):
        return [tally.team_clocks(team), selectors.outside_team(ways, team) & visible]
    return [selectors.any_of(ways) & visible]


# Up to this many clocks are read by their own indexes and sorted, rather than found by walking
# every open clock in the list's order (see _sorted_rows).
SORT_BELOW = 2_000


def _sorted_rows(parts: list[Q], user, *, shown: int, now, sort: str, filters: dict):
    """The list's clocks in order. A few clocks among many (a team's 42 of 100,000) are found
    first, each part by its own indexes, and then sorted: ordered and cut at a page,
    PostgreSQL walked every open clock in due order to find them, expecting each way to hold
    thousands. Many clocks, or every open clock (a manager who reads every contact, with no
    filter), are found quickest by that walk."""
    everything = user.has_perm("referrals.view_contact") and not any(filters.values())
    if everything or shown > SORT_BELOW:
        return selectors.open_deadlines_for(selectors.any_of(parts), now=now, sort=sort, **filters)
    ids = [
        pk
        for part in parts
        for pk in selectors.open_deadlines_for(part, now=now, **filters)
        .order_by()
        .values_list("pk", flat=True)[: SORT_BELOW + 1]
    ]
    return selectors.open_deadlines_for(Q(pk__in=ids), now=now, sort=sort, **filters)


def _shown(counts: selectors.DeadlineCounts, state: str | None) -> int:
    """How many clocks the list shows: the counts already have it, so the page costs no
    second count of every open clock."""
    if state == selectors.OVERDUE:
        return counts.overdue
    if state == selectors.DUE_SOON:
        return counts.due_soon
    return counts.total


def _page(rows, number: str | None, *, count: int):
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = count  # a cached_property: set, it is not counted again
    return paginator.get_page(number)


def _subject_access_panel() -> dict:
    """Open subject access requests and their one-calendar-month clocks (UK GDPR)."""
    today = timezone.localdate()
    shown = privacy_selectors.requests_shown(privacy_selectors.OPEN, today=today)[:10]
    return {
        "counts": privacy_selectors.sar_counts(today=today),
        "rows": [(r, privacy_selectors.due_state(r, today=today)) for r in shown],
    }
