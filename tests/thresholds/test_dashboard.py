"""The overdue dashboard: who may see it, what it counts and lists, and at what cost."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from core.enums import Rag
from referrals.lifecycle import Access, contact_share
from tests.factories import TeamFactory, UserFactory, complete_contact
from thresholds import selectors, services
from thresholds.models import ClockKind

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # a Monday morning
URL = "/dashboard/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def clock(profile, by, kind=ClockKind.RED_CHECKS, *, rag=Rag.RED, started_at=START, **kwargs):
    """One open clock on a fresh contact (clocks are unique per contact and kind)."""
    contact = complete_contact(by=by, children=[])
    return services.deadline_start(
        profile=profile,
        kind=kind,
        by=None,
        contact=contact,
        rag=rag,
        started_at=started_at,
        **kwargs,
    )


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Test assessment team")


@pytest.fixture
def red(camden, screening_officer, social_work_team, senior_practitioner):
    """Red checks, 4 clock hours, the CIN team's, named to the senior practitioner; the contact
    is granted to the CIN team, as routing it there does (team managers see only that)."""
    deadline = clock(
        camden, screening_officer, team=social_work_team, responsible=senior_practitioner
    )
    contact_share(deadline.contact, social_work_team.group, access=Access.READ)
    return deadline


@pytest.fixture
def amber(camden, screening_officer, other_team):
    """Amber checks, 24 hours, the assessment team's, answered for by the MASH manager role."""
    return clock(
        camden,
        screening_officer,
        ClockKind.AMBER_CHECKS,
        rag=Rag.AMBER,
        team=other_team,
        responsible_role=Role.MASH_MANAGER,
    )


def listed(response) -> list[str]:
    return [d.contact.reference for d in response.context["page"].object_list]


@pytest.mark.parametrize(
    "persona,status",
    [
        ("team_manager", 200),
        ("mash_manager", 200),
        ("early_help_manager", 200),
        ("screening_officer", 403),
        ("senior_practitioner", 403),
        ("social_worker", 403),
    ],
)
def test_only_managers_may_open_the_dashboard(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_red_clock_shows_overdue_after_the_sweep(client, team_manager, red, _frozen):
    _frozen.move_to(START + dt.timedelta(hours=5))
    assert services.deadline_sweep().breached == 1
    client.force_login(team_manager)
    response = client.get(URL)
    counts = response.context["counts"]
    assert (counts.overdue, counts.due_soon, counts.on_time) == (1, 0, 0)
    html = response.content.decode()
    assert red.contact.reference in html
    assert 'Overdue</strong> <span class="app-overdue">by 1 hour</span>' in html
    assert response.context["page"].object_list[0].state == selectors.OVERDUE


def test_team_manager_sees_only_their_own_teams_contacts_clocks(
    client, team_manager, red, amber, _frozen
):
    client.force_login(team_manager)  # manages the CIN team; amber is the assessment team's

    assert listed(client.get(URL)) == [red.contact.reference]


def test_team_manager_watches_the_teams_clocks_not_another_services_on_a_contact_it_holds(
    client, camden, screening_officer, social_work_team, social_worker, team_manager
):
    def shared_clock(kind, **who):
        deadline = clock(camden, screening_officer, kind, **who)
        contact_share(deadline.contact, social_work_team.group, access=Access.READ)
        return deadline

    teams = shared_clock(ClockKind.AMBER_CHECKS, team=social_work_team)
    named_to_a_member = shared_clock(ClockKind.RED_CHECKS, responsible=social_worker)
    # The screening officers' clock to tell the referrer, on a contact the team was sent.
    screenings = shared_clock(
        ClockKind.REFERRER_TOLD, rag=Rag.AMBER, responsible_role=Role.SCREENING_OFFICER
    )
    # The clock carries the team that owes it: its manager sees it (by reference) even on a
    # contact that is no longer the team's to open; one named to a member is not seen there.
    owed = clock(camden, screening_officer, ClockKind.BORDERLINE, team=social_work_team)
    hidden = clock(camden, screening_officer, ClockKind.SCREENING, responsible=social_worker)
    client.force_login(team_manager)

    response = client.get(URL)

    shown = [teams, named_to_a_member, owed]
    assert sorted(listed(response)) == sorted(d.contact.reference for d in shown)
    assert response.context["counts"].total == 3
    page = response.content.decode()
    assert "The open clocks of your work: your team's" in page
    assert screenings.contact.reference not in page
    assert hidden.contact.reference not in page


def test_a_manager_watches_their_roles_and_members_clocks_outside_their_team(
    client, camden, screening_officer, social_work_team, social_worker, team_manager, other_team
):
    """Besides the team's own clocks (counted from the tally), the clocks outside the team
    that their role answers for, named to someone or not, with another team or none, and those
    named to their members: each on a contact they may see (workspace.dashboard.watched)."""
    role = Role.TEAM_MANAGER

    def seen(kind, **who):
        deadline = clock(camden, screening_officer, kind, **who)
        contact_share(deadline.contact, social_work_team.group, access=Access.READ)
        return deadline

    teams_own = seen(ClockKind.RED_CHECKS, team=social_work_team, responsible_role=role)
    roles_elsewhere = seen(ClockKind.AMBER_CHECKS, team=other_team, responsible_role=role)
    roles_without_team = seen(ClockKind.BORDERLINE, responsible_role=role)
    named_elsewhere = seen(
        ClockKind.SCREENING,
        team=other_team,
        responsible=UserFactory(roles=[role]),
        responsible_role=role,
    )
    members_elsewhere = seen(ClockKind.REFERRER_TOLD, team=other_team, responsible=social_worker)
    # Their role's, outside the team, on a contact the team may not open: not theirs to see.
    unseen = clock(camden, screening_officer, team=other_team, responsible_role=role)
    client.force_login(team_manager)

    response = client.get(URL)

    shown = [teams_own, roles_elsewhere, roles_without_team, named_elsewhere, members_elsewhere]
    assert sorted(listed(response)) == sorted(d.contact.reference for d in shown)
    assert response.context["counts"].total == 5
    assert unseen.contact.reference not in response.content.decode()


# The tests below count, filter, sort and page clocks of several teams, so they look as a MASH
# manager, who reads every contact. Team managers read only their own team's contacts since
# issue 9 (test_red_clock_shows_overdue_after_the_sweep and the work tray test look as one).


def test_clock_due_soon_and_on_time_are_counted_apart(client, mash_manager, red, amber, _frozen):
    _frozen.move_to(START + dt.timedelta(hours=3, minutes=30))
    client.force_login(mash_manager)
    counts = client.get(URL).context["counts"]
    assert (counts.overdue, counts.due_soon, counts.on_time) == (0, 1, 1)


def test_counts_by_team_worker_kind_and_rag(
    client, mash_manager, red, amber, social_work_team, other_team, _frozen
):
    _frozen.move_to(START + dt.timedelta(hours=5))
    client.force_login(mash_manager)
    counts = client.get(URL).context["counts"]

    def table(rows, key):
        return {r[key]: (r["overdue"], r["due_soon"], r["on_time"]) for r in rows}

    assert table(counts.by_team, "label") == {
        "Test assessment team": (0, 0, 1),
        "Test children in need team": (1, 0, 0),
    }
    assert table(counts.by_kind, "kind") == {
        ClockKind.RED_CHECKS: (1, 0, 0),
        ClockKind.AMBER_CHECKS: (0, 0, 1),
    }
    assert table(counts.by_rag, "label") == {"Red": (1, 0, 0), "Amber": (0, 0, 1)}
    assert table(counts.by_responsible, "label") == {
        str(red.responsible): (1, 0, 0),
        "No one named": (0, 0, 1),
    }


def test_filters_narrow_the_list(client, mash_manager, red, amber, other_team, _frozen):
    _frozen.move_to(START + dt.timedelta(hours=5))
    client.force_login(mash_manager)
    both = sorted([red.contact.reference, amber.contact.reference])
    assert sorted(listed(client.get(URL))) == both
    assert sorted(listed(client.get(URL, {"state": "all"}))) == both
    assert listed(client.get(URL, {"team": other_team.pk})) == [amber.contact.reference]
    assert listed(client.get(URL, {"kind": ClockKind.RED_CHECKS})) == [red.contact.reference]
    assert listed(client.get(URL, {"rag": Rag.AMBER})) == [amber.contact.reference]
    assert listed(client.get(URL, {"state": "overdue"})) == [red.contact.reference]
    assert listed(client.get(URL, {"state": "due_soon"})) == []
    # A value from an old bookmark narrows nothing rather than failing.
    assert sorted(listed(client.get(URL, {"kind": "no_such_clock"}))) == both


def test_sort_orders_the_list_and_header_links_keep_filters(
    client, mash_manager, red, amber, camden, screening_officer
):
    late = clock(camden, screening_officer, rag=Rag.RED, started_at=START + dt.timedelta(hours=1))
    client.force_login(mash_manager)
    by_due = [red.contact.reference, late.contact.reference, amber.contact.reference]
    assert listed(client.get(URL)) == by_due
    assert listed(client.get(URL, {"sort": "-due"})) == by_due[::-1]
    # Ties on the sort key fall back to most urgent first; clocks with no team come last.
    assert listed(client.get(URL, {"sort": "team"})) == [
        amber.contact.reference,
        red.contact.reference,
        late.contact.reference,
    ]
    assert listed(client.get(URL, {"sort": "rag"})) == by_due
    assert listed(client.get(URL, {"sort": "kind"}))[0] == amber.contact.reference
    html = client.get(URL, {"rag": Rag.RED}).content.decode()
    assert 'href="?rag=red&amp;sort=team"' in html


@pytest.mark.parametrize("found", ["by ids, then sorted", "by walking in order"])
def test_a_team_managers_few_clocks_are_listed_in_the_order_asked_however_they_are_found(
    client, camden, screening_officer, social_work_team, team_manager, monkeypatch, found
):
    from workspace import dashboard as views

    if found == "by walking in order":  # as for more clocks than are sorted apart
        monkeypatch.setattr(views, "SORT_BELOW", 0)
    clocks = [
        clock(
            camden,
            screening_officer,
            kind,
            rag=rag,
            team=social_work_team,
            started_at=START + dt.timedelta(minutes=minutes),
        )
        for kind, rag, minutes in [
            (ClockKind.RED_CHECKS, Rag.RED, 30),
            (ClockKind.AMBER_CHECKS, Rag.AMBER, 0),
            (ClockKind.BORDERLINE, Rag.AMBER, 10),
        ]
    ]
    by_due = [d.contact.reference for d in sorted(clocks, key=lambda d: (d.due_at, d.pk))]
    client.force_login(team_manager)

    assert listed(client.get(URL)) == by_due
    assert listed(client.get(URL, {"sort": "-due"})) == by_due[::-1]
    assert listed(client.get(URL, {"sort": "rag"}))[0] == clocks[0].contact.reference
    assert listed(client.get(URL, {"rag": Rag.AMBER})) == [
        r for r in by_due if r != clocks[0].contact.reference
    ]


def test_page_links_keep_filters(client, mash_manager, red, camden, screening_officer, monkeypatch):
    from workspace import dashboard as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    clock(camden, screening_officer, started_at=START + dt.timedelta(minutes=5))
    client.force_login(mash_manager)
    html = client.get(URL, {"rag": Rag.RED, "sort": "-due"}).content.decode()
    assert 'href="?rag=red&amp;sort=-due&amp;page=2"' in html


def test_htmx_refresh_gets_only_the_body(client, mash_manager, red):
    client.force_login(mash_manager)
    response = client.get(URL, {"rag": Rag.RED}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-body"')
    assert 'hx-get="/dashboard/?rag=red"' in html
    assert "<html" not in html
    assert "Apply filters" not in html
    assert red.contact.reference in html
    assert "HX-Request" in response["Vary"]


def test_without_javascript_the_page_says_when_it_was_updated(client, mash_manager, red):
    client.force_login(mash_manager)
    html = client.get(URL).content.decode()
    assert "<html" in html
    assert "Last updated 10:00am" in html
    assert ">Refresh<" in html
    assert "Apply filters" in html


def test_clocks_on_contacts_the_manager_cannot_see_are_left_out(
    client, early_help_manager, red, amber
):
    # The early help duty manager has no role-wide right to read front-door contacts.
    client.force_login(early_help_manager)
    response = client.get(URL)
    assert listed(response) == []
    assert response.context["counts"].total == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_page_costs_the_same_number_of_queries_however_many_clocks(
    client,
    mash_manager,
    camden,
    screening_officer,
    social_work_team,
    senior_practitioner,
    rows,
    django_assert_max_num_queries,
):
    for i in range(rows):
        clock(
            camden,
            screening_officer,
            team=social_work_team if i % 2 else None,
            responsible=senior_practitioner if i % 3 else None,
            started_at=START - dt.timedelta(minutes=i),
        )
    client.force_login(mash_manager)
    client.get(URL)  # warm the per-process caches (content types) so both runs compare alike
    # 14 for the page, one for the access-log rows of the contacts it lists (ADR 0009).
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert response.context["page"].paginator.count == rows


def test_work_tray_lists_the_users_own_clock_with_time_left(
    client, senior_practitioner, red, amber
):
    client.force_login(senior_practitioner)
    response = client.get(reverse("work_tray"))
    assert [d.pk for d in response.context["clocks"]] == [red.pk]
    html = response.content.decode()
    assert "Your clocks" in html
    assert "4 hours left" in html
    # The existing sections still render.
    assert "You have no new alerts." in html
    assert "Nothing has been passed to you." in html


def test_work_tray_lists_the_managed_teams_and_the_roles_clocks(
    client, team_manager, mash_manager, screening_officer, red, amber
):
    client.force_login(team_manager)
    assert [d.pk for d in client.get(reverse("work_tray")).context["clocks"]] == [red.pk]
    client.force_login(mash_manager)
    assert [d.pk for d in client.get(reverse("work_tray")).context["clocks"]] == [amber.pk]
    client.force_login(screening_officer)
    assert client.get(reverse("work_tray")).context["clocks"] == []


def test_work_tray_clocks_cost_no_query_per_row(
    client, camden, screening_officer, senior_practitioner, django_assert_max_num_queries
):
    for i in range(10):
        clock(
            camden,
            screening_officer,
            responsible=senior_practitioner,
            started_at=START - dt.timedelta(minutes=i),
        )
    client.force_login(senior_practitioner)
    client.get(reverse("work_tray"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("work_tray"))
    assert len(response.context["clocks"]) == 10


def test_early_help_duty_manager_sees_the_clocks_of_green_contacts_routed_to_early_help(
    client, camden, screening_officer, senior_practitioner, early_help_manager
):
    from referrals import rating
    from referrals import services as contact_services
    from tests.factories import PersonFactory as Person
    from tests.factories import complete_contact as logged

    contact = logged(by=screening_officer, children=[Person()])
    contact_services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    contact_services.contact_screen(
        contact=contact, by=screening_officer, profile=camden, rationale=""
    )
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="green",
        level=2,
        cp_concerns=False,
        rationale="Early help can meet these needs",
        outcome="early_help",
    )
    client.force_login(early_help_manager)
    page = client.get("/dashboard/").content.decode()
    assert contact.reference in page and "Green: to early help" in page


def test_the_team_filter_lists_only_the_running_councils_teams(
    client, mash_manager, camden, havering, settings
):
    settings.COUNCIL_PROFILE = "camden"
    for name, profile in [
        ("Camden only team", camden),
        ("Havering only team", havering),
        ("Any council team", None),
    ]:
        team = TeamFactory(name=name)
        team.profile = profile
        team.save()
    client.force_login(mash_manager)
    choices = [label for _, label in client.get(URL).context["form"].fields["team"].choices]
    assert "Camden only team" in choices and "Any council team" in choices
    assert "Havering only team" not in choices
