"""A person page names the child's relatives and household, and links only those the viewer may
open (a link to a record they may not open led to a "page not found", seen in the load test)."""

from guardian.shortcuts import assign_perm

from referrals.models import PersonRelationship
from tests.factories import PersonFactory


def test_relatives_the_viewer_may_not_open_are_named_without_a_link(client, team_manager):
    child = PersonFactory(first_name="Ada", last_name="Quill")
    mother = PersonFactory(first_name="Bea", last_name="Quill")
    uncle = PersonFactory(first_name="Cal", last_name="Rook")
    for relative, relationship in ((mother, "mother"), (uncle, "other")):
        PersonRelationship.objects.create(
            person=child, relative=relative, relationship=relationship
        )
    for person in (child, mother):
        assign_perm("referrals.view_person", team_manager, person)
    client.force_login(team_manager)

    page = client.get(child.get_absolute_url()).content.decode()

    assert f'href="{mother.get_absolute_url()}"' in page
    assert "Cal Rook" in page and f'href="{uncle.get_absolute_url()}"' not in page
    assert client.get(uncle.get_absolute_url()).status_code == 404
