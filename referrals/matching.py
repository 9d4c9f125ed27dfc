"""Finding whether a person is already known: NHS number, then names and dates of birth.

Recall comes from indexed keys (phonetic surname key + first initial, date of birth
and its day/month swap, expected date of birth); precision from scoring the small
candidate set in Python. Tolerated: spelling variants (Mohammed/Muhammad, Smith/Smyth,
Catherine/Kathryn), initials ("J Smith"), a day and month swapped in the date of birth,
first/last names given the wrong way round, one half of a double-barrelled name, a
middle or known-as name used as the first name, and a baby recorded before birth
("Unborn Smith" with an expected date) being referred again after it.

Without a date of birth a common name can match more people than are shown, who all score
the same. A middle name given in the search scores a little (never enough to make names alone
strong), and when a screener adds a child or an adult to a contact, people of that age today
come first among equal scores.
"""

import datetime as dt
import enum
import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, reduce

import jellyfish
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Person

MAX_CANDIDATES = 25
# Bounds the rows scored in Python. Keyed sets are far smaller (under 300 at a million
# people, see benchmarks/README.md) except for a common name searched with no date of birth.
MAX_FETCHED = 500
# Who counts as a child when a screener adds one to a contact.
ADULT_AGE = 18
# Babies arrive up to a few weeks either side of the expected date.
EXPECTED_DATE_WINDOW = dt.timedelta(days=42)
NEAR_DATE_WINDOW = dt.timedelta(days=31)
# First names that mean "not named yet", recorded for unborn children.
PLACEHOLDER_FIRST_NAMES = frozenset({"unborn", "baby", "babyof", "unnamed", "unknown"})

_NON_LETTERS = re.compile(r"[^a-z ]+")
_NAME_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
# Letters that NFKD leaves alone, so encoding to ASCII would silently drop them
# ("Łukasz" would become "ukasz" and lose its initial).
_TRANSLITERATE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
    }
)


def normalise_name(value: str) -> str:
    """Lower-case ASCII letters and single spaces: 'Zoë O'Brien-Smith' -> 'zoe obriensmith'."""
    value = (value or "").translate(_TRANSLITERATE)
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    letters = _NON_LETTERS.sub("", folded.lower().replace("-", "").replace("'", ""))
    return " ".join(letters.split())


def name_key(value: str) -> str:
    """The phonetic key stored and indexed for a name ('' for an empty name)."""
    norm = _compact(value)
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
    # Only ranks: among people whose names agree, those with this middle name come first.
    middle_names: str = ""
    # Only ranks: "child" or "adult" when a screener is adding one to a contact. Among people
    # who score the same, those of that age today come first (ADULT_AGE).
    looking_for: str = ""

    def __post_init__(self) -> None:
        # NHS numbers are written "943 476 5919" as often as "9434765919".
        object.__setattr__(self, "nhs_number", re.sub(r"\D", "", self.nhs_number or ""))

    @property
    def is_empty(self) -> bool:
        return not (
            normalise_name(self.first_name)
            or normalise_name(self.last_name)
            or self.date_of_birth
            or self.nhs_number
        )

    @property
    def given_first_name(self) -> str:
        """The first name, or '' when it is only a placeholder such as 'Unborn'."""
        return "" if _is_placeholder(self.first_name) else self.first_name

    @property
    def is_unborn(self) -> bool:
        return _is_placeholder(self.first_name)


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


# --- comparing names -------------------------------------------------------------


class Agreement(enum.Enum):
    SAME = "same"
    VARIANT = "variant"  # sounds the same or a slip of the keyboard: Smyth, Kathryn, Jonh
    PART = "part"  # one part of a double-barrelled or two-part name
    OTHER_NAME = "other name"  # the stored middle or known-as name
    INITIAL = "initial"
    SIMILAR = "similar"  # looks alike but is probably another name: Oliver/Olivia
    DIFFERENT = "different"


# A different first name is evidence against (a twin or sibling shares surname and
# birthday); a different last name is not (children's surnames change).
_LAST_POINTS = {
    Agreement.SAME: 30,
    Agreement.VARIANT: 25,
    Agreement.PART: 25,
    Agreement.INITIAL: 10,
    Agreement.SIMILAR: 10,
    Agreement.DIFFERENT: 0,
}
_FIRST_POINTS = {
    Agreement.SAME: 15,
    Agreement.VARIANT: 12,
    Agreement.PART: 12,
    Agreement.OTHER_NAME: 12,
    Agreement.INITIAL: 10,
    Agreement.SIMILAR: 0,
    Agreement.DIFFERENT: -30,
}
_LAST_REASONS = {
    Agreement.SAME: "Same last name",
    Agreement.VARIANT: "Similar last name",
    Agreement.PART: "Part of the last name matches",
    Agreement.INITIAL: "Last name initial matches",
    Agreement.SIMILAR: "Last name looks similar",
}
_FIRST_REASONS = {
    Agreement.SAME: "Same first name",
    Agreement.VARIANT: "Similar first name",
    Agreement.PART: "Part of the first name matches",
    Agreement.OTHER_NAME: "Matches a middle or known-as name",
    Agreement.INITIAL: "Initial matches first name",
    Agreement.SIMILAR: "First name looks similar",
    Agreement.DIFFERENT: "Different first name",
}
_NAME_EVIDENCE = {Agreement.SAME, Agreement.VARIANT, Agreement.PART, Agreement.OTHER_NAME}
_CLOSE = {Agreement.SAME, Agreement.VARIANT}
# Names given without a date of birth to compare reach at most this (never strong).
_NAMES_ONLY_CEILING = 80
# A middle name is weak evidence (families reuse them) but breaks a tie between namesakes;
# with first and last names the same and no date of birth it gives 89, still not strong.
_MIDDLE_POINTS = 5


# Names repeat a great deal (the searched name against every candidate, popular names
# across candidates), so the pure comparisons below are memoised.
@lru_cache(maxsize=65_536)
def _compact(value: str) -> str:
    return normalise_name(value).replace(" ", "")


def _is_placeholder(first_name: str) -> bool:
    return _compact(first_name) in PLACEHOLDER_FIRST_NAMES


@lru_cache(maxsize=65_536)
def _parts(value: str) -> tuple[str, ...]:
    """The parts of a name of two or more letters: "Smith-Jones" -> ('smith', 'jones')."""
    parts = (_compact(p) for p in _NAME_SEPARATORS.split(value or ""))
    return tuple(p for p in parts if len(p) > 1)


def _sounds_alike(a: str, b: str) -> bool:
    similarity = jellyfish.jaro_winkler_similarity(a, b)
    if similarity >= 0.93:
        return True
    # Metaphone knows C/K and Ph/F (Catherine/Kathryn, Philippa/Filipa) but its short
    # codes are coarse (Kyle/Cole), so a short code needs the spelling to agree too.
    sound = jellyfish.metaphone(a)
    if sound == jellyfish.metaphone(b) and (len(sound) >= 3 or similarity >= 0.8):
        return True
    return jellyfish.soundex(a) == jellyfish.soundex(b) and similarity >= 0.85


@lru_cache(maxsize=65_536)
def _agreement(given: str, stored: str) -> Agreement | None:
    """How far two names agree; None when either is missing."""
    g, s = _compact(given), _compact(stored)
    if not g or not s:
        return None
    if g == s:
        return Agreement.SAME
    if len(g) == 1 or len(s) == 1:
        return Agreement.INITIAL if g[0] == s[0] else Agreement.DIFFERENT
    if _sounds_alike(g, s):
        return Agreement.VARIANT
    given_parts, stored_parts = _parts(given), _parts(stored)
    several = len(given_parts) > 1 or len(stored_parts) > 1
    if several and any(a == b or _sounds_alike(a, b) for a in given_parts for b in stored_parts):
        return Agreement.PART
    if jellyfish.jaro_winkler_similarity(g, s) >= 0.75:
        return Agreement.SIMILAR
    return Agreement.DIFFERENT


def _first_name_agreement(given: str, person: Person) -> Agreement | None:
    stored = "" if _is_placeholder(person.first_name) else person.first_name
    found = _agreement(given, stored)
    if given and found not in _CLOSE:
        # Children are often known by a middle name or a short name recorded as known-as.
        for other in (*_parts(person.middle_names), *_parts(person.known_as)):
            if _agreement(given, other) in _CLOSE:
                return Agreement.OTHER_NAME
    return found


def _compare_names(person: Person, terms: SearchTerms) -> tuple[int, list[str]] | None:
    """Points and reasons for the names, or None when no name agrees well enough."""
    first_given = terms.given_first_name
    last = _agreement(terms.last_name, person.last_name)
    first = _first_name_agreement(first_given, person)
    swapped = False
    if last not in _CLOSE and first_given and terms.last_name:
        swapped_last = _agreement(first_given, person.last_name)
        swapped_first = _agreement(terms.last_name, person.first_name)
        if swapped_last in _CLOSE and swapped_first in _CLOSE:
            last, first, swapped = swapped_last, swapped_first, True
    if last not in _NAME_EVIDENCE and first not in _NAME_EVIDENCE:
        # A shared birthday alone is not a match: dozens share each date in a large borough.
        return None
    reasons = ["First and last names swapped"] if swapped else []
    points = 0
    if last is not None:
        points += _LAST_POINTS[last]
        if not swapped and last in _LAST_REASONS:
            reasons.append(_LAST_REASONS[last])
    if first is not None:
        points += _FIRST_POINTS[first]
        if not swapped:
            reasons.append(_FIRST_REASONS[first])
    return points, reasons


def _compare_middle_names(person: Person, terms: SearchTerms) -> tuple[int, str] | None:
    """Points and a reason for middle names given in the search, when the record has some.

    Records often leave middle names out, so a record without one is not counted against; one
    recorded differently is, a little (a brother or a cousin of the same name).
    """
    given, stored = _parts(terms.middle_names), _parts(person.middle_names)
    if not given or not stored:
        return None
    if all(any(_agreement(g, s) in _CLOSE for s in stored) for g in given):
        return _MIDDLE_POINTS, "Same middle name"
    if any(_agreement(g, s) in _CLOSE for g in given for s in stored):
        return 0, "Part of the middle names match"
    return -_MIDDLE_POINTS, "Different middle name"


def _compare_dates(person: Person, terms: SearchTerms) -> tuple[int, str] | None:
    """Points and a reason for the dates of birth, or None when there is nothing to compare."""
    wanted = terms.date_of_birth
    if wanted is None:
        return None
    if person.date_of_birth:
        dob = person.date_of_birth
        gap = abs(dob - wanted)
        if dob == wanted:
            return 55, "Same date of birth"
        if swapped_day_month(wanted) == dob:
            return 40, "Date of birth with day and month swapped"
        if terms.is_unborn and gap <= EXPECTED_DATE_WINDOW:
            return 40, "Born near the expected date of birth"
        if (dob.month, dob.day) == (wanted.month, wanted.day):
            return 25, "Same birthday, different year"
        if gap <= NEAR_DATE_WINDOW:
            return 20, "Date of birth within a month"
        if (dob.year, dob.day) == (wanted.year, wanted.day):
            return 20, "Date of birth differs only in the month"
        # More than one slip of the pen: most likely another person of the same name. (A
        # search without a date of birth still lists every namesake.)
        return -20, "Different date of birth"
    if person.expected_date_of_birth:
        expected = person.expected_date_of_birth
        if expected == wanted:
            return 55, "Same expected date of birth"
        if abs(expected - wanted) <= EXPECTED_DATE_WINDOW:
            return 40, "Born near the expected date of birth"
        return -20, "Different expected date of birth"
    return None


def score(person: Person, terms: SearchTerms) -> tuple[int, tuple[str, ...]]:
    """Score 0..100 of how likely `person` is the one described by `terms`, with reasons."""
    if terms.nhs_number and person.nhs_number == terms.nhs_number:
        return 100, ("Same NHS number",)
    names = _compare_names(person, terms)
    if names is None:
        return 0, ()
    points, reasons = names
    middle = _compare_middle_names(person, terms)
    if middle is not None:
        points += middle[0]
        reasons.append(middle[1])
    dates = _compare_dates(person, terms)
    if dates is None:
        # Without dates to compare, names alone can suggest a match but never prove one.
        points = points * _NAMES_ONLY_CEILING / 45
    else:
        points += dates[0]
        reasons.append(dates[1])
    if terms.nhs_number and person.nhs_number and person.nhs_number != terms.nhs_number:
        # NHS numbers are unique and check-digited: a different one is strong evidence.
        points -= 40
        reasons.append("Different NHS number")
    return max(0, min(99, round(points))), tuple(reasons)


# --- finding candidates ------------------------------------------------------------


def _initials(norm: str) -> list[str]:
    """First letters a name may have been spelt with: Catherine/Kathryn, Gemma/Jemma."""
    if norm.startswith("ph"):
        return ["p", "f"]
    alike = {"c": "ck", "k": "kc", "g": "gj", "j": "jg", "f": "fp"}
    return list(alike.get(norm[:1], norm[:1]))


def _keys(value: str) -> list[str]:
    """The soundex keys a spelling of this name may have been stored under."""
    norm = _compact(value)
    if not norm:
        return []
    key = name_key(value)
    return [letter.upper() + key[1:] for letter in _initials(norm)]


def _around(day: dt.date, window: dt.timedelta) -> tuple[dt.date, dt.date]:
    return day - window, day + window


def _dob_related(wanted: dt.date) -> Q:
    """Stored dates of birth that `score` would not count against a name match."""
    return (
        Q(date_of_birth__isnull=True, expected_date_of_birth__isnull=True)
        | Q(date_of_birth__range=_around(wanted, EXPECTED_DATE_WINDOW))
        | Q(date_of_birth__month=wanted.month, date_of_birth__day=wanted.day)
        | Q(date_of_birth__year=wanted.year, date_of_birth__day=wanted.day)
        | Q(expected_date_of_birth__range=_around(wanted, EXPECTED_DATE_WINDOW))
    )


def _name_keys(surname: str, forename: str) -> Q:
    """The (last_name_key, first_initial) index entries a spelling of these names may have."""
    surname_keys = {key for part in (surname, *_parts(surname)) for key in _keys(part)}
    q = Q(last_name_key__in=sorted(surname_keys))
    forename_norm = _compact(forename)
    return q & Q(first_initial__in=_initials(forename_norm)) if forename_norm else q


def _same_first_name(forename: str) -> Q | None:
    """The first-name sound, or a record holding only the initial ("J Smith")."""
    norm = _compact(forename)
    if len(norm) < 2:
        return None
    return Q(first_name_key__in=[*_keys(forename), norm[0].upper() + "000"])


def candidate_queryset(terms: SearchTerms) -> QuerySet[Person]:
    """Every person who could match, found through indexed columns only."""
    q = Q(pk__in=[])
    when_found = []
    if terms.nhs_number:
        q |= Q(nhs_number=terms.nhs_number)
        when_found.append(When(nhs_number=terms.nhs_number, then=Value(0)))
    if terms.date_of_birth:
        dobs = [d for d in (terms.date_of_birth, swapped_day_month(terms.date_of_birth)) if d]
        wanted = terms.date_of_birth
        by_date = (
            Q(date_of_birth__in=dobs)
            | Q(expected_date_of_birth__in=dobs)
            # An unborn record is found again by the baby's real date of birth.
            | Q(expected_date_of_birth__range=_around(wanted, EXPECTED_DATE_WINDOW))
        )
        q |= by_date
        when_found.append(
            When(Q(date_of_birth__in=dobs) | Q(expected_date_of_birth__in=dobs), then=Value(1))
        )
    first_given = terms.given_first_name
    if _compact(terms.last_name):
        # As given, and the wrong way round.
        orders = [(terms.last_name, first_given)]
        if _compact(first_given):
            orders.append((first_given, terms.last_name))
        # A common surname sound and initial run to thousands of people in a large
        # borough, so the index scan is narrowed in the heap to those `score` could rank:
        # with a date of birth, a related or unknown one; without, the same first-name sound.
        keyed = [_name_keys(surname, forename) for surname, forename in orders]
        if terms.date_of_birth:
            q |= reduce(operator.or_, keyed) & _dob_related(terms.date_of_birth)
        else:
            for (_, forename), names in zip(orders, keyed, strict=True):
                same_first = _same_first_name(forename)
                q |= names if same_first is None else names & same_first
            # Names alone can match more people than are fetched: exact spellings first, and
            # of those the ones with the middle name given.
            exact = Q(last_name__iexact=terms.last_name.strip())
            if first_given.strip():
                exact &= Q(first_name__iexact=first_given.strip())
            middle = terms.middle_names.split()
            if middle:
                when_found.append(When(exact & Q(middle_names__icontains=middle[0]), then=Value(1)))
            when_found.append(When(exact, then=Value(2)))
    # People found by NHS number or date of birth sort first, so capping the fetch in
    # find_candidates never drops them for a crowd of namesakes.
    # An expression, not an annotation, so `.count()` of a slice still works; and never a
    # bare constant, which PostgreSQL would read as "ORDER BY the second column".
    ordering = (
        [Case(*when_found, default=Value(3), output_field=IntegerField())] if when_found else []
    )
    age = _age_order(terms)
    if age is not None:
        ordering.append(age)
    # A destroyed person (privacy, ADR 0014) is an empty row kept for the statistics: never found.
    # A merged-away record (referrals/merging.py) is a tombstone pointing at the kept one.
    return Person.objects.filter(q, destroyed_at__isnull=True, merged_into__isnull=True).order_by(
        *ordering, "pk"
    )


def _adult_born_by(today: dt.date) -> dt.date:
    """The latest date of birth of someone who is an adult `today`."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def _age_order(terms: SearchTerms) -> Case | None:
    """0 for people of the age looked for today, 1 when it is not known, 2 for the others."""
    if terms.looking_for not in ("child", "adult"):
        return None
    adult_by = _adult_born_by(timezone.localdate())
    child = Q(date_of_birth__gt=adult_by) | Q(
        date_of_birth__isnull=True, expected_date_of_birth__isnull=False
    )
    adult = Q(date_of_birth__lte=adult_by)
    wanted, other = (child, adult) if terms.looking_for == "child" else (adult, child)
    return Case(
        When(wanted, then=Value(0)),
        When(other, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _age_rank(person: Person, terms: SearchTerms, adult_by: dt.date) -> int:
    """`_age_order` for a person already loaded."""
    if terms.looking_for not in ("child", "adult"):
        return 0
    if person.date_of_birth is not None:
        is_child = person.date_of_birth > adult_by
    elif person.expected_date_of_birth is not None:
        is_child = True
    else:
        return 1
    return 0 if is_child == (terms.looking_for == "child") else 2


def ranked(candidates: list[Candidate], terms: SearchTerms) -> list[Candidate]:
    """Best first: by score, then (when adding a child or an adult) people of that age, then
    by name and record."""
    adult_by = _adult_born_by(timezone.localdate())
    return sorted(
        candidates,
        key=lambda c: (
            -c.score,
            _age_rank(c.person, terms, adult_by),
            c.person.last_name,
            c.person.first_name,
            c.person.pk,
        ),
    )


def cut_at_limit(candidates: list) -> bool:
    """Whether a ranked list stopped at MAX_CANDIDATES (more people may match than it shows)."""
    return len(candidates) >= MAX_CANDIDATES


def find_candidates(
    terms: SearchTerms, *, limit: int = MAX_CANDIDATES, minimum: int = 40
) -> list[Candidate]:
    """Ranked candidates for `terms`, best first."""
    if terms.is_empty:
        return []
    people = list(candidate_queryset(terms).select_related("address")[:MAX_FETCHED])
    found = []
    for person in people:
        points, reasons = score(person, terms)
        if points >= minimum:
            found.append(Candidate(person=person, score=points, reasons=reasons))
    return ranked(found, terms)[:limit]
