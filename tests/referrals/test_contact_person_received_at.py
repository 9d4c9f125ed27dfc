"""Each link of a person to a contact carries the contact's received time once the contact is
submitted (NULL while it is a draft): the MI page's repeat-contact figure reads it from the
links alone (issue 13), so every way a link is made or moved keeps it right."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from early_help import contacts as early_help_contacts
from referrals import corrections, merging, services
from referrals.merlin import services as merlin
from referrals.models import ContactPerson, ContactSource
from tests.factories import PersonFactory, complete_contact

from .link_helpers import links_out_of_step
from .merlin_helpers import report, subject

pytestmark = pytest.mark.django_db

RECEIVED = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))


def test_a_draft_contacts_links_carry_no_received_time_until_it_is_submitted(
    screening_officer, camden
):
    child, sibling = PersonFactory(), PersonFactory()
    contact = complete_contact(by=screening_officer, children=[child], received_at=RECEIVED)
    services.contact_link_person(
        contact=contact, person=sibling, by=screening_officer, role="child"
    )

    assert set(contact.contact_people.values_list("received_at", flat=True)) == {None}

    services.contact_submit(contact=contact, by=screening_officer, profile=camden)

    assert set(contact.contact_people.values_list("received_at", flat=True)) == {RECEIVED}
    assert links_out_of_step() == []


def test_a_draft_whose_received_time_is_changed_carries_the_time_it_is_submitted_with(
    screening_officer, camden
):
    contact = complete_contact(
        by=screening_officer, children=[PersonFactory()], received_at=RECEIVED
    )
    later = RECEIVED + dt.timedelta(hours=3)
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="details",
        data={"source": ContactSource.PHONE, "received_at": later},
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)

    assert list(contact.contact_people.values_list("received_at", flat=True)) == [later]


def test_a_merlins_links_carry_its_received_time_from_the_start(camden, partner_user):
    made = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(subjects=[subject("Kim", "Merlin"), subject("Al", "Merlin", child=False)]),
    )

    times = set(made.contact.contact_people.values_list("received_at", flat=True))
    assert times == {made.contact.received_at}
    assert links_out_of_step() == []


def test_a_contact_an_early_help_worker_raises_carries_its_received_time(family_worker, camden):
    now = timezone.now()
    contact = early_help_contacts.new_contact(
        source=ContactSource.STEP_UP,
        by=family_worker,
        profile=camden,
        organisation="Early help hub",
        concerns="Family work found new concerns.",
        people=[(PersonFactory(), {"role": "child"})],
        family_aware="yes",
        family_agrees="yes",
        family_agreement_details="",
        now=now,
    )

    assert list(contact.contact_people.values_list("received_at", flat=True)) == [now]


def test_a_merge_moves_the_links_with_their_received_times(screening_officer, mash_manager, camden):
    kept, merged = PersonFactory(), PersonFactory(nhs_number=None)
    submitted = complete_contact(by=screening_officer, children=[merged], received_at=RECEIVED)
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    draft = complete_contact(by=screening_officer, children=[merged])

    merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")

    moved = dict(ContactPerson.objects.filter(person=kept).values_list("contact", "received_at"))
    assert moved == {submitted.pk: RECEIVED, draft.pk: None}
    assert links_out_of_step() == []


def test_the_migration_fills_the_links_of_submitted_contacts_and_leaves_drafts_empty(
    screening_officer, camden
):
    submitted = complete_contact(
        by=screening_officer, children=[PersonFactory()], received_at=RECEIVED
    )
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    complete_contact(by=screening_officer, children=[PersonFactory()])
    ContactPerson.objects.update(received_at=None)  # as the rows were before the column
    migration = importlib.import_module("referrals.migrations.0026_contactperson_received_at")

    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)

    assert links_out_of_step() == []
    assert list(submitted.contact_people.values_list("received_at", flat=True)) == [RECEIVED]


def test_the_scale_generator_writes_each_links_received_time_as_the_services_would(camden):
    from tests.demo.test_generate_council import generate

    generate()

    assert ContactPerson.objects.filter(received_at__isnull=False).count() > 100
    assert links_out_of_step() == []


def test_a_correction_cannot_move_a_submitted_contacts_received_time_away_from_its_links(
    screening_officer, senior_practitioner, camden
):
    contact = complete_contact(
        by=screening_officer, children=[PersonFactory()], received_at=RECEIVED
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    contact.refresh_from_db()

    corrections.contact_correct(
        contact=contact,
        by=senior_practitioner,
        section="concerns",
        data={"concerns": "Bruise on the right arm.", "alleged_perpetrator_details": ""},
        reason="The school rang back.",
        version=contact.version,
    )
    with pytest.raises(ValidationError):
        corrections.contact_correct(
            contact=contact,
            by=senior_practitioner,
            section="details",
            data={"received_at": RECEIVED + dt.timedelta(days=1)},
            reason="Wrong day",
        )

    contact.refresh_from_db()
    assert contact.received_at == RECEIVED
    assert links_out_of_step() == []
