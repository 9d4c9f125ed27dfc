"""Finding whether a person is already known: NHS number, then names and dates of birth.

Recall comes from indexed keys (phonetic surname key + first initial, date of birth
and its day/month swap); precision from scoring the small candidate set in Python.
Tolerated: spelling variants (Mohammed/Muhammad, Smith/Smyth), initials ("J Smith"),
a day and month swapped in the date of birth, and first/last names given the wrong
way round.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jellyfish
from django.db.models import Q, QuerySet

from .models import Person

MAX_CANDIDATES = 25
_NON_LETTERS = re.compile(r"[^a-z ]+")


def normalise_name(value: str) -> str:
    """Lower-case ASCII letters and single spaces: 'Zoë O'Brien-Smith' -> 'zoe obriensmith'."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    letters = _NON_LETTERS.sub("", folded.lower().replace("-", "").replace("'", ""))
    return " ".join(letters.split())


def name_key(value: str) -> str:
    """The phonetic key stored and indexed for a name ('' for an empty name)."""
    norm = normalise_name(value).replace(" ", "")
    return jellyfish.soundex(norm) if norm else ""


def person_keys(first_name: str, last_name: str) -> dict[str, str]:
    """The matching-key fields for a person's names."""
    first = normalise_name(first_name)
    return {
        "first_name_key": name_key(first_name),
        "last_name_key": name_key(last_name),
        "first_initial": first[:1],
    }


def swapped_day_month(value: dt.date | None) -> dt.date | None:
    """The date with day and month exchanged, when that is a different valid date."""
    if value is None or value.day > 12 or value.day == value.month:
        return None
    try:
        return value.replace(day=value.month, month=value.day)
    except ValueError:
        return None


@dataclass(frozen=True)
class SearchTerms:
    first_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.first_name or self.last_name or self.date_of_birth or self.nhs_number)


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int
    reasons: tuple[str, ...]

    @property
    def strength(self) -> str:
        if self.score >= 90:
            return "Strong match"
        if self.score >= 60:
            return "Possible match"
        return "Weak match"


def _name_similarity(given: str, stored: str) -> float:
    """0..1 similarity; a single-letter given name matches any name with that initial."""
    g, s = normalise_name(given), normalise_name(stored)
    if not g or not s:
        return 0.0
    if len(g) == 1:
        return 0.9 if s.startswith(g) else 0.0
    if name_key(g) == name_key(s):
        return max(0.9, jellyfish.jaro_winkler_similarity(g, s))
    return jellyfish.jaro_winkler_similarity(g, s)


def score(person: Person, terms: SearchTerms) -> tuple[int, tuple[str, ...]]:
    """Score 0..100 of how likely `person` is the one described by `terms`, with reasons."""
    if terms.nhs_number and person.nhs_number == terms.nhs_number:
        return 100, ("Same NHS number",)
    reasons: list[str] = []
    points = 0.0
    first = _name_similarity(terms.first_name, person.first_name) if terms.first_name else None
    last = _name_similarity(terms.last_name, person.last_name) if terms.last_name else None
    crossed = 0.0
    if terms.first_name and terms.last_name:
        crossed = min(
            _name_similarity(terms.first_name, person.last_name),
            _name_similarity(terms.last_name, person.first_name),
        )
    best_name = max(first or 0.0, last or 0.0, crossed)
    if (terms.first_name or terms.last_name) and best_name < 0.7:
        # A shared birthday alone is not a match: hundreds share each date in a large borough.
        return 0, ()
    if last is not None:
        if crossed > max(last, 0.85) and crossed >= 0.85:
            points += 45 * crossed
            reasons.append("First and last names swapped")
            first = None
        else:
            points += 30 * last
            if last == 1.0:
                reasons.append("Same last name")
            elif last >= 0.85:
                reasons.append("Similar last name")
    if first is not None:
        points += 15 * first
        if first == 1.0:
            reasons.append("Same first name")
        elif first >= 0.85:
            reasons.append("First name similar or matching initial")
    dob = person.date_of_birth or person.expected_date_of_birth
    if terms.date_of_birth and dob:
        if dob == terms.date_of_birth:
            points += 55
            reasons.append("Same date of birth")
        elif swapped_day_month(terms.date_of_birth) == dob:
            points += 40
            reasons.append("Date of birth with day and month swapped")
        elif (dob.month, dob.day) == (terms.date_of_birth.month, terms.date_of_birth.day):
            points += 25
            reasons.append("Same birthday, different year")
        elif abs((dob - terms.date_of_birth).days) <= 31:
            points += 20
            reasons.append("Date of birth within a month")
    elif not terms.date_of_birth:
        # Without a date of birth the names carry the whole score.
        points = points * 100 / 45 if (terms.first_name and terms.last_name) else points
    if terms.nhs_number and person.nhs_number and person.nhs_number != terms.nhs_number:
        points -= 40
        reasons.append("Different NHS number")
    return max(0, min(99, round(points))), tuple(reasons)


def candidate_queryset(terms: SearchTerms) -> QuerySet[Person]:
    """Every person who could match, found through indexed columns only."""
    q = Q(pk__in=[])
    if terms.nhs_number:
        q |= Q(nhs_number=terms.nhs_number)
    dobs = [d for d in (terms.date_of_birth, swapped_day_month(terms.date_of_birth)) if d]
    if dobs:
        q |= Q(date_of_birth__in=dobs) | Q(expected_date_of_birth__in=dobs)
    first_keys = person_keys(terms.first_name, terms.last_name)
    if terms.last_name:
        by_last = Q(last_name_key=first_keys["last_name_key"])
        if terms.first_name:
            by_last &= Q(first_initial=first_keys["first_initial"])
        q |= by_last
        if terms.first_name:
            # Names given the wrong way round.
            swapped = person_keys(terms.last_name, terms.first_name)
            q |= Q(last_name_key=swapped["last_name_key"], first_initial=swapped["first_initial"])
    elif terms.first_name and dobs:
        q |= Q(first_name_key=first_keys["first_name_key"], date_of_birth__in=dobs)
    return Person.objects.filter(q)


def find_candidates(terms: SearchTerms, *, limit: int = MAX_CANDIDATES, minimum: int = 40) -> list[Candidate]:
    """Ranked candidates for `terms`, best first."""
    if terms.is_empty:
        return []
    # The keyed sets are small (a surname sound + initial, or a birth date); cap defensively.
    people = list(candidate_queryset(terms).select_related("address")[:500])
    ranked = []
    for person in people:
        points, reasons = score(person, terms)
        if points >= minimum:
            ranked.append(Candidate(person=person, score=points, reasons=reasons))
    ranked.sort(key=lambda c: (-c.score, c.person.last_name, c.person.first_name, c.person.pk))
    return ranked[:limit]
