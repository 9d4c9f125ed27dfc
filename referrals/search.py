"""Finding a person or a contact by what the caller has to hand: a reference, part of a name,
an address or a postcode.

Names and dates of birth are matched by referrals/matching.py (phonetic keys, scored). What
that cannot reach through its keys, one half of a double-barrelled surname ("Smith" for
"Okafor-Smith"), a known-as name without a date of birth, an address or two characters of a
postcode, is found through `PersonSearchKey`: one row per normalised name part and address
word, indexed for equality and prefix (`LIKE 'rm%'`), never a leading wildcard. References are
unique columns matched exactly.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .matching import (
    MAX_CANDIDATES,
    Candidate,
    SearchTerms,
    _compact,
    _parts,
    cut_at_limit,
    find_candidates,
    normalise_name,
    ranked,
    score,
)
from .models import Address, Contact, Person, PersonSearchKey, SearchKeyKind

# A search by address or name parts alone can match a whole borough ("RM"): fetch one more than
# is shown, to say there are more.
MAX_SHOWN = MAX_CANDIDATES
# Postcode districts start with one or two letters: shorter fragments would match everyone.
MIN_ADDRESS_TOKEN = 2
_ADDRESS_TOKENS = re.compile(r"[a-z0-9]+")


# --- the keys ----------------------------------------------------------------------------------


def name_parts(*names: str) -> set[str]:
    """Normalised parts of names: 'Zoë Okafor-Smith' -> {'zoe', 'okafor', 'smith', 'okaforsmith'}."""
    parts: set[str] = set()
    for name in names:
        parts.update(_parts(name))
        whole = _compact(name)
        if len(whole) > 1:
            parts.add(whole)
    return {p[:80] for p in parts}


def address_parts(address: Address | None) -> set[str]:
    """Words of the address (two or more characters), and its postcode without spaces and as
    its outward and inward codes."""
    if address is None:
        return set()
    words: set[str] = set()
    for line in (address.line_1, address.line_2, address.town):
        words.update(
            w for w in _ADDRESS_TOKENS.findall(normalise_name_keep_digits(line)) if len(w) > 1
        )
    postcode = compact_postcode(address.postcode)
    if postcode:
        words.add(postcode)
        # A UK inward code is always its last three characters: "NW1 0JT" typed among the
        # words of an address finds "nw1" and "0jt" as well as the whole "nw10jt".
        if len(postcode) >= 5:
            words.update((postcode[:-3], postcode[-3:]))
    return {w[:80] for w in words}


def normalise_name_keep_digits(value: str) -> str:
    """Lower-case ASCII letters and digits (house numbers count in an address)."""
    return " ".join(
        normalise_name(token) if not token.isdigit() else token
        for token in re.split(r"(\d+)", value or "")
        if token.strip()
    )


def compact_postcode(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (value or "").lower())


def person_search_keys(person: Person) -> set[tuple[str, str]]:
    """The (kind, value) keys a person should be findable by."""
    names = name_parts(person.first_name, person.middle_names, person.last_name, person.known_as)
    keys = {(SearchKeyKind.NAME.value, n) for n in names}
    keys |= {(SearchKeyKind.ADDRESS.value, a) for a in address_parts(person.address)}
    return keys


def refresh_search_keys(person: Person) -> None:
    """Bring the person's own keys in step with their names and address (inherited ones stay).

    Called by the services that save a person; derived data, so no history of its own."""
    wanted = person_search_keys(person)
    own = PersonSearchKey.objects.filter(person=person, inherited=False)
    have = set(own.values_list("kind", "value"))
    stale = have - wanted
    if stale:
        for kind, value in stale:
            own.filter(kind=kind, value=value).delete()
    inherited = set(
        PersonSearchKey.objects.filter(person=person, inherited=True).values_list("kind", "value")
    )
    PersonSearchKey.objects.bulk_create(
        [
            PersonSearchKey(person=person, kind=kind, value=value)
            for kind, value in sorted(wanted - have - inherited)
        ]
    )


# --- searching ---------------------------------------------------------------------------------


def _with_key(kind: str, token: str, *, prefix: bool) -> QuerySet:
    keys = PersonSearchKey.objects.filter(kind=kind)
    keys = keys.filter(value__startswith=token) if prefix else keys.filter(value=token)
    return keys.values("person_id")


def _people_with_every(kind: str, tokens: Iterable[str], *, prefix: bool) -> QuerySet[Person]:
    """People holding a key for each token: one indexed semi-join per token."""
    qs = Person.objects.filter(destroyed_at__isnull=True, merged_into__isnull=True)
    for token in tokens:
        qs = qs.filter(pk__in=_with_key(kind, token, prefix=prefix))
    return qs


def address_tokens(text: str) -> list[str]:
    """The words of an address search that narrow it (two characters or more); a postcode typed
    with its space ("N1 9GU") is one token, as it is stored."""
    text = (text or "").lower()
    postcode = re.fullmatch(r"\s*([a-z]{1,2}\d[a-z\d]?)\s+(\d[a-z]{0,2})\s*", text)
    if postcode:
        return [postcode.group(1) + postcode.group(2)]
    return [w for w in _ADDRESS_TOKENS.findall(text) if len(w) >= MIN_ADDRESS_TOKEN][:6]


def find_by_address(text: str) -> tuple[list[Person], bool]:
    """People whose address has a word starting with each token, first by name; and whether
    there were more than are shown."""
    tokens = address_tokens(text)
    if not tokens:
        return [], False
    people = list(
        _people_with_every(SearchKeyKind.ADDRESS, tokens, prefix=True)
        .select_related("address")
        .order_by("last_name", "first_name", "pk")[: MAX_SHOWN + 1]
    )
    return people[:MAX_SHOWN], len(people) > MAX_SHOWN


def find_by_name_parts(terms: SearchTerms) -> list[Person]:
    """People with a name part equal to each part given (first, last and known-as names alike),
    whatever their date of birth: "Smith" finds "Okafor-Smith", "Jojo Smith" a Joanna known as
    Jojo. Exact parts, so "Li" does not find every "Lily"."""
    tokens = sorted(name_parts(terms.given_first_name) | name_parts(terms.last_name))
    # "Okafor-Smith" gives okafor, smith and okaforsmith: the whole needs no other part.
    tokens = [t for t in tokens if not any(t != o and t in o for o in tokens)] or tokens
    if not tokens:
        return []
    qs = _people_with_every(SearchKeyKind.NAME, tokens, prefix=False)
    return list(qs.select_related("address").order_by("pk")[:500])


def find_people(terms: SearchTerms) -> list[Candidate]:
    """Matching's ranked candidates, with the people only a name part finds added to them."""
    candidates = find_candidates(terms)
    if not (terms.last_name.strip() or terms.given_first_name.strip()):
        return candidates
    found = {c.person.pk for c in candidates}
    for person in find_by_name_parts(terms):
        if person.pk in found:
            continue
        points, reasons = score(person, terms)
        if terms.date_of_birth and points < 40:
            # A date of birth was given and this one does not fit it.
            continue
        reasons = reasons or ("Part of the name matches",)
        candidates.append(Candidate(person=person, score=max(points, 40), reasons=reasons))
    return ranked(candidates, terms)[:MAX_CANDIDATES]


@dataclass(frozen=True)
class ReferenceMatch:
    contacts: list[Contact]
    people: list[Person]


def normalise_reference(value: str) -> str:
    return re.sub(r"\s+", "", (value or "")).upper()[:40]


def find_by_reference(value: str) -> ReferenceMatch:
    """A contact by its reference or its police MERLIN's, and a person by case number. Unique
    columns, matched exactly."""
    from .merlin.models import MerlinReport

    ref = normalise_reference(value)
    if not ref:
        return ReferenceMatch([], [])
    contact_ids = set(
        Contact.objects.filter(reference=ref, destroyed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    contact_ids |= set(
        MerlinReport.objects.filter(reference=ref, contact__isnull=False).values_list(
            "contact_id", flat=True
        )
    )
    # A merged-away record's case number leads to the record that was kept.
    people = [
        p.merged_into or p
        for p in Person.objects.filter(case_number=ref, destroyed_at__isnull=True).select_related(
            "address", "merged_into__address"
        )
    ]
    contacts = list(
        Contact.objects.filter(pk__in=contact_ids, destroyed_at__isnull=True).order_by(
            "-received_at"
        )
    )
    return ReferenceMatch(contacts, people)


@dataclass(frozen=True)
class AddressMatch(Candidate):
    """A person found by address alone: no score to give, only where they live."""

    @property
    def strength(self) -> str:
        return "Address matches"


def find_for_user(user, data: dict) -> dict:
    """Everything the "Find a person" page shows for the form's cleaned `data`, limited to what
    `user` may see: people as search lists them (with `openable`, those whose page they may
    open), contacts found by reference only when they may see the contact."""
    from accounts import reads
    from accounts.grants import granted

    from . import selectors

    terms = SearchTerms(
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        date_of_birth=data.get("date_of_birth"),
        nhs_number=data.get("nhs_number", ""),
        middle_names=data.get("middle_names", ""),
    )
    address = data.get("address", "")
    reference = data.get("reference", "")
    candidates: list[Candidate] = []
    contacts: list[Contact] = []
    more = False
    # Scoring and access checks load more rows than are shown: the page notes what it shows.
    with reads.unlogged():
        if not terms.is_empty:
            candidates = find_people(terms)
            if address:
                near = set(
                    _people_with_every(SearchKeyKind.ADDRESS, address_tokens(address), prefix=True)
                    .filter(pk__in=[c.person.pk for c in candidates])
                    .values_list("pk", flat=True)
                )
                candidates = [c for c in candidates if c.person.pk in near]
        elif address:
            people, more = find_by_address(address)
            candidates = [AddressMatch(person=p, score=0, reasons=()) for p in people]
        if reference:
            found = find_by_reference(reference)
            if terms.is_empty and not address:
                candidates = [
                    Candidate(person=p, score=100, reasons=("Same case number",))
                    for p in found.people
                ]
            visible = selectors.visible_ids(user, found.contacts)
            contacts = list(
                selectors.queue(Contact.objects.filter(pk__in=visible)).order_by("-received_at")
            )
    ids = [c.person.pk for c in candidates]
    openable = set(
        granted(user, "referrals.view_person", Person.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    return {
        "candidates": candidates,
        "candidates_cut": cut_at_limit(candidates),
        "statuses": selectors.known_statuses(c.person for c in candidates),
        "contacts": contacts,
        "openable": openable,
        "more": more,
    }
