from referrals import services
from referrals.models import ContactStatus
from tests.factories import PersonFactory, complete_contact


def test_contact_for_unknown_child_goes_to_senior_practitioners(screening_officer, camden):
    child = PersonFactory()
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    route = services.contact_screen(
        contact=contact, by=screening_officer, profile=camden, rationale=""
    )
    contact.refresh_from_db()
    assert route.status == ContactStatus.AWAITING_RATING
    assert contact.status == ContactStatus.AWAITING_RATING
    assert contact.history.first().history_user == screening_officer
