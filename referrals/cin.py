"""The CIN census items the front door records (docs/adr/0012-statutory-returns.md).

A child's unique pupil number (or why there is none) and disability codes live on the person;
each child referred to a social work team gets a `CinEpisode` when the Contact and Referral
record is made (`episodes_open`), with the primary need given at that decision. The receiving
team records what follows: no further action, the assessment's dates, the closure.

The checks here are the DfE validator's rules that a worker can get wrong at the keyboard, so
the census is right when it is made rather than fixed afterwards.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.grants import group_ids
from accounts.models import User
from core.templatetags.govuk import govuk_date
from thresholds import services as clocks
from thresholds.models import ClockKind

from .access import may_contact
from .models import (
    CinEpisode,
    Contact,
    ContactRole,
    Disability,
    Person,
    PrimaryNeed,
    Referral,
    UpnUnknown,
)

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
STALE = "stale"


def upn_check_letter(rest: str) -> str:
    """The check letter for the 12 characters after it (DfE: weights 2..13, mod 23)."""
    total = 0
    for weight, char in enumerate(rest, start=2):
        # A temporary UPN's last character is a letter, valued by its place in the list.
        value = int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str:
    """Why `upn` is not a valid unique pupil number, or "" when it is."""
    if len(upn) != 13:
        return "A UPN is 13 characters: a check letter and 12 digits, like A123456789012."
    check, rest = upn[0], upn[1:]
    if check not in UPN_CHECK_LETTERS:
        return "A UPN starts with its check letter (A to Z, not I, O or S)."
    if not rest[:11].isdigit() or not (rest[11].isdigit() or rest[11] in UPN_CHECK_LETTERS):
        return "After the check letter a UPN has 12 digits (the last may be a letter)."
    if upn_check_letter(rest) != check:
        return "This UPN's check letter does not match its digits: check it was copied exactly."
    return ""


def clean_upn(upn: str) -> str:
    upn = "".join(upn.split()).upper()
    if upn and (problem := upn_problem(upn)):
        raise ValidationError({"upn": problem})
    return upn


def clean_disabilities(codes: Iterable[str]) -> list[str]:
    """Known codes, each once, in the code list's order; NONE only on its own."""
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in Disability.values]
    if unknown:
        raise ValidationError({"disabilities": f"Unknown disability code: {', '.join(unknown)}."})
    if Disability.NONE in codes and len(codes) > 1:
        raise ValidationError(
            {"disabilities": "Choose ‘No disability’ or the child’s disabilities, not both."}
        )
    return [c for c in Disability.values if c in codes]


def disability_labels(codes: Iterable[str]) -> str:
    """The person's disability codes as a worker reads them ("" when none are recorded)."""
    chosen = set(codes or [])
    return ", ".join(str(label) for code, label in Disability.choices if code in chosen)


def clean_person_cin(person: Person) -> None:
    """The person's census items agree with each other (called by the person services)."""
    person.upn = clean_upn(person.upn or "")
    person.disabilities = clean_disabilities(person.disabilities or [])
    if person.upn and person.upn_unknown:
        raise ValidationError(
            {"upn_unknown": "Give the UPN or the reason there is none, not both."}
        )
    if person.upn_unknown and person.upn_unknown not in UpnUnknown.values:
        raise ValidationError({"upn_unknown": "Choose a reason from the list."})
    if person.upn:
        clash = Person.objects.filter(upn=person.upn).exclude(pk=person.pk).first()
        if clash is not None:
            raise ValidationError(
                {"upn": f"Another person ({clash.case_number}) already has this UPN."}
            )


def episodes_open(
    *, referral: Referral, by: User, primary_need: str, people: Iterable[Person] | None = None
) -> list[CinEpisode]:
    """One census episode per child on the referred contact, dated the day of the referral."""
    if primary_need and primary_need not in PrimaryNeed.values:
        raise ValidationError({"primary_need": "Choose a primary need from the list."})
    if people is None:
        people = [
            link.person
            for link in referral.contact.contact_people.select_related("person")
            if link.role == ContactRole.CHILD
        ]
    day = timezone.localtime(referral.created_at).date()
    made = []
    for person in people:
        episode = CinEpisode(
            referral=referral, person=person, referral_date=day, primary_need=primary_need
        )
        save_audited(episode, user=by, reason=f"Referred to {referral.team} ({referral.contact})")
        made.append(episode)
    return made


EPISODE_FIELDS = (
    "primary_need",
    "nfa",
    "assessment_started_on",
    "assessment_authorised_on",
    "closed_on",
    "closure_reason",
)


def episode_problems(episode: CinEpisode, *, today: dt.date) -> dict[str, str]:
    """Field -> what is wrong, by the census rules a worker can break (8610, 8630, 8831, ...)."""
    problems: dict[str, str] = {}
    start = episode.referral_date
    if not episode.nfa and not episode.primary_need:
        problems["primary_need"] = (
            "Give the primary need, unless the referral ended in no further action."
        )
    for name, label in (
        ("assessment_started_on", "The assessment start date"),
        ("assessment_authorised_on", "The assessment authorisation date"),
        ("closed_on", "The closure date"),
    ):
        day = getattr(episode, name)
        if day is None:
            continue
        if day < start:
            problems[name] = f"{label} cannot be before the referral ({govuk_date(start)})."
        elif day > today:
            problems[name] = f"{label} cannot be in the future."
    if episode.nfa and (episode.assessment_started_on or episode.assessment_authorised_on):
        problems["nfa"] = "A referral with an assessment did not end in no further action."
    if episode.assessment_authorised_on and not episode.assessment_started_on:
        problems["assessment_started_on"] = "Give the date the assessment started."
    if (
        episode.assessment_authorised_on
        and episode.assessment_started_on
        and episode.assessment_authorised_on < episode.assessment_started_on
        and "assessment_authorised_on" not in problems
    ):
        problems["assessment_authorised_on"] = "The assessment was authorised before it started."
    if bool(episode.closed_on) != bool(episode.closure_reason):
        missing = "closure_reason" if episode.closed_on else "closed_on"
        problems.setdefault(missing, "Give both the closure date and the reason, or neither.")
    if episode.closed_on and episode.assessment_started_on and not episode.assessment_authorised_on:
        problems.setdefault(
            "assessment_authorised_on",
            "Give the date the assessment was authorised before closing.",
        )
    if episode.closure_reason in ("RC8", "RC9") and not episode.assessment_started_on:
        problems.setdefault(
            "closure_reason", "RC8 and RC9 are for a case closed after an assessment."
        )
    if episode.nfa and not episode.closed_on:
        problems.setdefault(
            "closed_on", "A referral with no further action is closed: give the date."
        )
    return problems


def may_change_episode(user: User, episode: CinEpisode) -> bool:
    """Who records a child's census episode: whoever may change the contact, the receiving
    team, and the worker who made the referral.

    `change_contact` alone is not enough: once a contact is referred to a social work team its
    holders keep only read (lifecycle.HOLDS: the team's group gets `view_contact`), and the
    MASH manager who referred it holds no `change_contact` at all. Yet the census items are
    what happens after the referral, so the receiving team's members (its group, which the
    team manager is in) record them, and the worker who made the referral (a MASH manager, a
    senior practitioner, the daily discussion's chair) may correct the primary need they gave.
    The front door's `change_contact` holders (role-wide: screening officers and senior
    practitioners, who complete the Contact and Referral record) keep the right they have on
    the rest of the contact. Everyone must still be able to see the contact.
    """
    contact = episode.referral.contact
    if not user.is_active or not may_contact(user, "view_contact", contact):
        return False
    if may_contact(user, "change_contact", contact):
        return True
    return _records(user, episode.referral, set(group_ids(user)))


def _records(user: User, referral: Referral, groups: set[int]) -> bool:
    return referral.created_by_id == user.pk or referral.team.group_id in groups


def episodes_for_contact(contact: Contact) -> list[CinEpisode]:
    """The census episodes of a contact's referrals: by referral, then by the child's name."""
    episodes = list(
        CinEpisode.objects.filter(referral__contact=contact)
        .select_related("person", "referral__team")
        .order_by("referral__created_at", "person__last_name", "person__first_name", "pk")
    )
    # Their contact is this one, read already: not joined again for each (46 columns).
    for episode in episodes:
        episode.referral.contact = contact
    return episodes


def census_rows(user: User, contact: Contact) -> list[dict]:
    """Each child's episode on the contact page: what is recorded, what the census still
    needs, and whether this user may change it (their groups read once a request)."""
    episodes = episodes_for_contact(contact)
    if not episodes:
        return []
    groups = set(group_ids(user))
    sees = user.is_active and may_contact(user, "view_contact", contact)
    changes = sees and may_contact(user, "change_contact", contact)
    today = timezone.localdate()
    return [
        {
            "episode": episode,
            "problems": list(dict.fromkeys(episode_problems(episode, today=today).values())),
            # A withdrawn referral's episode is the record of what was, not work to record.
            "can_change": not episode.referral.is_withdrawn
            and (changes or (sees and _records(user, episode.referral, groups))),
        }
        for episode in episodes
    ]


REFERRAL_WITHDRAWN = (
    "This referral was withdrawn: the MASH decision that made it was changed, so the team no "
    "longer holds this work and its census details cannot be recorded."
)


@transaction.atomic
def episode_update(
    *, episode: CinEpisode, by: User, reason: str, version: int | None = None, **data
) -> CinEpisode:
    """Record census items on a child's episode; given the version read, refuse a stale save."""
    unknown = set(data) - set(EPISODE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown episode fields: {sorted(unknown)}")
    # The contact's lock, then the episode's, as reopening a MASH decision takes them
    # (mash.reopen refuses once the team has recorded its decision, and withdraws the
    # referral): whichever comes second waits, then sees what the first did.
    contact_id = CinEpisode.objects.filter(pk=episode.pk).values("referral__contact_id")
    Contact.objects.select_for_update().filter(pk__in=contact_id).values_list("pk").get()
    locked = (
        CinEpisode.objects.select_for_update(of=("self",))
        .select_related("referral__contact", "referral__team")
        .get(pk=episode.pk)
    )
    if not may_change_episode(by, locked):
        raise PermissionDenied(f"{by} may not change the census details of {locked}")
    if locked.referral.is_withdrawn:
        raise ValidationError(REFERRAL_WITHDRAWN)
    if version is not None and locked.version != version:
        raise ValidationError(
            "These census details were changed by someone else after you opened them.", code=STALE
        )
    for name, value in data.items():
        setattr(locked, name, value)
    problems = episode_problems(locked, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    locked.version += 1
    locked.full_clean()
    save_audited(locked, user=by, reason=reason)
    if locked.nfa or locked.assessment_started_on:
        # The receiving team's decision (assess, or no further action) answers the amber clock
        # an amber child in need referred straight to it carries (lifecycle._clocks).
        clocks.deadline_meet(
            kind=ClockKind.AMBER_CHECKS,
            contact=locked.referral.contact,
            by=by,
            reason="The receiving team decided: "
            + ("no further action" if locked.nfa else "assessment started"),
        )
    episode.refresh_from_db()
    return episode
