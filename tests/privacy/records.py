"""Records made in the past through the production services (time travel), for retention tests."""

import datetime as dt

import time_machine
from django.utils import timezone

from referrals import cin, rating, services
from referrals.models import CinEpisode, Contact
from tests.factories import PersonFactory, complete_contact, contact_with_referrer


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def closed_nfa(
    *, officer, senior, profile, on: dt.date, born: dt.date | None = None, child=None, **person
) -> Contact:
    """A contact received, screened and rated on `on`, closed with no further action."""
    with time_machine.travel(at(on), tick=False):
        child = child or PersonFactory(
            by=officer, date_of_birth=born or on - dt.timedelta(days=365 * 5), **person
        )
        contact = complete_contact(by=officer, children=[child], received_at=at(on, 9))
        services.contact_submit(contact=contact, by=officer, profile=profile)
        services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
        rating.contact_rate(
            contact=contact,
            by=senior,
            profile=profile,
            rag="green",
            level=1,
            cp_concerns=False,
            rationale="Universal services meet the need: Mrs Smith's worry about the bruise.",
            outcome="no_further_action",
        )
    contact.refresh_from_db()
    return contact


def closed_cin(
    *, officer, senior, profile, team, worker, on: dt.date, closed: dt.date, born: dt.date
) -> Contact:
    """A contact referred to a social work team on `on`, its CIN episode closed on `closed`."""
    with time_machine.travel(at(on), tick=False):
        child = PersonFactory(by=officer, date_of_birth=born)
        contact = contact_with_referrer(
            officer=officer,
            senior=senior,
            profile=profile,
            referrer={"referrer_is_professional": True, "referral_source": "2A"},
            team=team,
            children=[child],
        )
    with time_machine.travel(at(closed), tick=False):
        for episode in CinEpisode.objects.filter(referral__contact=contact):
            cin.episode_update(
                episode=episode,
                by=worker,
                reason="Closed",
                nfa=True,
                closed_on=closed,
                closure_reason="RC7",
            )
    contact.refresh_from_db()
    return contact
