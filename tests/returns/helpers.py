"""Children referred to a social work team, with their census items, as production makes them."""

import datetime as dt

from django.utils import timezone

from referrals.cin import episode_update
from referrals.models import CinEpisode
from tests.factories import PROFESSIONAL_REFERRER, PersonFactory, contact_with_referrer


def referred_child(
    *,
    officer,
    senior,
    profile,
    team,
    by,
    referrer: dict | None = None,
    episode: dict | None = None,
    **person,
) -> CinEpisode:
    """A child on a contact rated amber and referred to `team`; `episode` fields are then
    recorded by `by` (someone who may change the contact) through the census service."""
    person.setdefault("sex", "F")
    person.setdefault("ethnicity", "WBRI")
    person.setdefault("upn_unknown", "UN4")
    person.setdefault("disabilities", ["NONE"])
    child = PersonFactory(by=officer, **person)
    contact = contact_with_referrer(
        officer=officer,
        senior=senior,
        profile=profile,
        referrer=referrer or PROFESSIONAL_REFERRER,
        team=team,
        children=[child],
    )
    found = CinEpisode.objects.get(referral__contact=contact, person=child)
    if episode:
        episode_update(episode=found, by=by, reason="Census details", **episode)
        found.refresh_from_db()
    return found


def nfa_closed(day: dt.date | None = None) -> dict:
    """The episode fields of a referral that ended in no further action the day it came."""
    return {
        "nfa": True,
        "closed_on": day or timezone.localdate(),
        "closure_reason": "RC7",
    }


OPEN_N4 = {"primary_need": "N4"}
