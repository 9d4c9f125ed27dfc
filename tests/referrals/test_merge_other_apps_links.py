"""A merge moves what other apps hold about the child too: early help family work (a
many-to-many with history), police MERLIN mentions and a privacy legal hold."""

import pytest

from referrals import merging
from referrals.merlin import services as merlin
from referrals.models import MerlinSubject
from tests.factories import PersonFactory, family_work_case, green_contact
from tests.referrals.merlin_helpers import report

pytestmark = pytest.mark.django_db


def test_family_work_and_merlin_mentions_move_to_the_kept_record(
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    partner_user,
    mash_manager,
):
    kept = PersonFactory(first_name="Noor", last_name="Haddad")
    merged = PersonFactory(first_name="Nour", last_name="Hadad", nhs_number=None)
    contact = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[merged]
    )
    case = family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )
    case.children.add(merged)
    mention = merlin.merlin_submit(by=partner_user, profile=camden, data=report())
    MerlinSubject.objects.create(report=mention, person=merged, is_child=True)

    record = merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same")

    assert list(case.children.all()) == [kept]
    subjects = MerlinSubject.objects.filter(report=mention)
    assert kept.pk in set(subjects.values_list("person", flat=True))
    kinds = {row["kind"] for row in record.moved}
    assert "Early help family work" in kinds
