"""The step-down form at a team's real size: a page of the children open to the team is
listed (and only those rows are read), and a child from any page may be stepped down."""

from django.urls import reverse

from accounts.models import AccessLog
from early_help.models import PanelCase
from early_help.views import STEP_DOWN_PAGE_SIZE
from referrals.models import Person
from tests.factories import PersonFactory, open_involvement


def _children(team, n):
    # Names sort as created: Child 000, Child 001, ...
    people = [PersonFactory(first_name="Ada", last_name=f"Child {i:03}") for i in range(n)]
    for person in people:
        open_involvement(person, team=team)
    return people


def test_step_down_form_lists_a_page_of_the_teams_children_in_name_order(
    client, team_manager, social_work_team, camden
):
    children = _children(social_work_team, STEP_DOWN_PAGE_SIZE + 2)
    elsewhere = PersonFactory(first_name="Ada", last_name="Child elsewhere")
    client.force_login(team_manager)
    url = reverse("early_help:step_down")

    first = client.get(url)
    listed = [value for value, _ in first.context["form"].fields["children"].choices]
    assert listed == [c.pk for c in children[:STEP_DOWN_PAGE_SIZE]]
    assert "Page 1 of 2" in first.text
    assert elsewhere.pk not in listed

    second = client.get(url, {"page": 2})
    listed = [value for value, _ in second.context["form"].fields["children"].choices]
    assert listed == [c.pk for c in children[STEP_DOWN_PAGE_SIZE:]]
    assert "Child 051" in second.text and "Child 000" not in second.text


def test_step_down_form_reads_and_logs_only_the_children_it_lists(
    client, team_manager, social_work_team, camden
):
    children = _children(social_work_team, STEP_DOWN_PAGE_SIZE + 2)
    client.force_login(team_manager)
    client.get(reverse("early_help:step_down"))

    logged = set(
        AccessLog.objects.filter(
            user=team_manager, content_type__model="person", path=reverse("early_help:step_down")
        ).values_list("object_id", flat=True)
    )
    assert logged == {c.pk for c in children[:STEP_DOWN_PAGE_SIZE]}


def test_a_child_from_a_later_page_can_be_stepped_down(
    client, team_manager, social_work_team, camden
):
    last = _children(social_work_team, STEP_DOWN_PAGE_SIZE + 1)[-1]
    client.force_login(team_manager)
    url = reverse("early_help:step_down")
    response = client.post(
        f"{url}?page=2",
        {
            "children": [last.pk],
            "reasons": "Plan goals met",
            "family_agrees": "yes",
            "consent_details": "Mum agreed at review",
        },
    )
    assert response["Location"] == url
    contact = PanelCase.objects.get().contact
    assert list(Person.objects.filter(contact_links__contact=contact)) == [last]


def test_a_child_not_open_to_the_team_is_refused_whatever_the_page(
    client, team_manager, social_work_team, camden
):
    _children(social_work_team, 2)
    elsewhere = PersonFactory()
    client.force_login(team_manager)
    response = client.post(
        reverse("early_help:step_down"),
        {
            "children": [elsewhere.pk],
            "reasons": "Plan goals met",
            "family_agrees": "yes",
            "consent_details": "Mum agreed",
        },
    )
    assert response.status_code == 200
    assert "Select children whose case is open to your team" in response.text
    assert not PanelCase.objects.exists()
