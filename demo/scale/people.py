"""Families: the people of the generated council, with their addresses, households and ties.

A family is a household (an address, one or two parents, one to four children born a few
years apart) and sometimes an adult outside it who appears on contacts as an alleged
perpetrator (a parent's partner). Contacts are about a family's children while they are
under 18, so one family's contacts span years and name the same siblings and parents again.

Every derived field is what `referrals.services.person_create` would store: the case number
in its format, the matching keys from `referrals.matching.person_keys`, and the search keys
from `referrals.search` (name parts and address parts, the address's computed once).
"""

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from faker.providers.address.en_GB import Provider as AddressNames

from referrals import matching, search
from referrals.models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonRelationship,
    PersonSearchKey,
    RelationshipType,
    SearchKeyKind,
    Sex,
)

from .. import names
from ..names import Weighted
from .copying import Loader

REASON = "Synthetic council (generate_council)"
ETHNICITIES = (
    ("WBRI", 45),
    ("WOTH", 15),
    ("BAFR", 8),
    ("BCRB", 5),
    ("ASBH", 6),
    ("AIND", 5),
    ("MWBC", 4),
    ("MOTH", 4),
    ("OOTH", 4),
    ("NOBT", 4),
)
DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=365.25)


# Streets keep British names; people's names come in a London borough's mix (demo/names.py).
STREET = names.en_gb().last
ETHNICITY = Weighted(ETHNICITIES)


@dataclass(frozen=True)
class Family:
    """A household's people (ids) and the years its children are children."""

    address_id: int
    household_id: int
    parents: tuple[tuple[int, str], ...]  # (person id, relationship to the children)
    children: tuple[tuple[int, dt.date], ...]  # (person id, date of birth), eldest first
    partner_id: int | None  # an adult outside the household, named on some contacts
    active_from: dt.datetime
    active_to: dt.datetime

    def children_on(self, day: dt.date) -> list[int]:
        """The children born and under 18 on `day` (at least the youngest already born)."""
        ids = [pid for pid, born in self.children if born <= day < _eighteenth(born)]
        return ids or [self.children[0][0]]


def _eighteenth(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return dt.date(born.year + 18, 3, 1)


def nhs_number(base: int) -> str | None:
    """A valid NHS number made from a nine-digit base (Modulus 11), or None if the base has
    no valid check digit; distinct bases give distinct numbers."""
    digits = [int(d) for d in f"{base:09d}"]
    check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    if check == 11:
        check = 0
    return None if check == 10 else "".join(map(str, digits)) + str(check)


@cache
def _keys(first: str, last: str) -> dict[str, str]:
    return matching.person_keys(first, last)


@cache
def _name_parts(*names: str) -> frozenset[str]:
    return frozenset(search.name_parts(*names))


class People:
    """Writes families into the loader's tables."""

    def __init__(self, loader: Loader, rng: random.Random, *, now: dt.datetime, years: int) -> None:
        self.loader = loader
        self.rng = rng
        self.now = now
        self.start = now - years * YEAR
        self.made = 0

    def _address(self) -> tuple[int, frozenset[str]]:
        rng = self.rng
        street = f"{STREET(rng)} {rng.choice(AddressNames.street_suffixes)}"
        outward = f"{rng.choice(('N', 'NW', 'E', 'SE', 'WC'))}{rng.randint(1, 20)}"
        inward = f"{rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        address = Address(
            line_1=f"{rng.randint(1, 240)} {street}", town="London", postcode=f"{outward} {inward}"
        )
        address.pk = self.loader[Address].add(
            line_1=address.line_1, town=address.town, postcode=address.postcode
        )
        self._history(
            Address, address.pk, line_1=address.line_1, town=address.town, postcode=address.postcode
        )
        return address.pk, frozenset(search.address_parts(address))

    def _history(self, model, pk: int, **values) -> None:
        """Its creation history (`values` are the row's: the row is repeated in SQL)."""
        self.loader.history_of(model, pk, at=self.now, by=None, reason=REASON)

    def _person(
        self,
        *,
        sex: str,
        pool: names.Pool,
        last: str,
        born: dt.date | None,
        address: tuple[int, frozenset],
    ) -> int:
        rng = self.rng
        female = sex == Sex.FEMALE
        first = pool.first(rng, female=female)
        middle = pool.first(rng, female=female) if rng.random() < 0.4 else ""
        table = self.loader[Person]
        pk = table.next_id
        # 85% have an NHS number; the base is the person's id, so numbers never repeat.
        nhs = nhs_number(100_000_000 + pk) if rng.random() < 0.85 else None
        values = dict(
            id=pk,
            case_number=f"P{pk:07d}",
            nhs_number=nhs,
            first_name=first,
            middle_names=middle,
            last_name=last,
            date_of_birth=born,
            sex=sex,
            ethnicity=ETHNICITY(rng),
            address_id=address[0],
            created_at=self.now,
            updated_at=self.now,
            **_keys(first, last),
        )
        table.add(**values)
        self._history(Person, pk, **{k: v for k, v in values.items() if k != "id"})
        keys = self.loader[PersonSearchKey]
        for part in _name_parts(first, middle, last, ""):
            keys.add(person_id=pk, kind=SearchKeyKind.NAME.value, value=part)
        for part in sorted(address[1]):  # a set: sorted, so a seed gives the same ids
            keys.add(person_id=pk, kind=SearchKeyKind.ADDRESS.value, value=part)
        self.made += 1
        return pk

    def family(self, budget: int) -> Family:
        """Make one family of about `budget` people at most (the last may go one or two over:
        every family has a mother and a child)."""
        rng = self.rng
        # The eldest is born up to 12 years before the records begin and at least a month
        # before the end, so every family has some child under 18 within the 25 years.
        first_day, last_day = self.start - 12 * YEAR, self.now - 40 * DAY
        eldest = first_day + (last_day - first_day) * rng.random()
        address = self._address()
        household = self.loader[Household].add(address_id=address[0], created_at=self.now)
        self._history(Household, household, address_id=address[0], created_at=self.now)
        pool = names.london(rng)  # a family's names share an origin
        last = pool.last(rng)
        adults = [(Sex.FEMALE, RelationshipType.MOTHER)]
        if rng.random() < 0.6 and budget >= 3:
            adults.append((Sex.MALE, RelationshipType.FATHER))
        room = budget - len(adults)
        count = min(room, 1 + min(3, int(rng.expovariate(0.9))))
        births = []
        born = eldest
        for _ in range(max(1, count)):
            if born > last_day:
                break
            births.append(born.date())
            born += YEAR * rng.uniform(1, 4)
        parents = []
        for sex, relationship in adults:
            parent_born = births[0] - dt.timedelta(days=rng.randint(18 * 365, 40 * 365))
            parents.append(
                (
                    self._person(sex=sex, pool=pool, last=last, born=parent_born, address=address),
                    relationship,
                )
            )
        children = [
            (
                self._person(
                    sex=rng.choice((Sex.FEMALE, Sex.MALE)),
                    pool=pool,
                    last=last,
                    born=b,
                    address=address,
                ),
                b,
            )
            for b in births
        ]
        partner = None
        if len(parents) + len(children) < budget and rng.random() < 0.15:
            partner_born = births[0] - dt.timedelta(days=rng.randint(18 * 365, 45 * 365))
            own = names.london(rng)
            partner = self._person(
                sex=Sex.MALE,
                pool=own,
                last=own.last(rng),
                born=partner_born,
                address=self._address(),
            )
        members = self.loader[HouseholdMember]
        relationships = self.loader[PersonRelationship]
        for pid, _ in [*((p, None) for p, _ in parents), *children]:
            row = dict(household_id=household, person_id=pid, joined_on=births[0])
            self._history(HouseholdMember, members.add(**row), **row)
        for child, _ in children:
            for parent, relationship in parents:
                row = dict(
                    person_id=child,
                    relative_id=parent,
                    relationship=relationship,
                    has_parental_responsibility=True,
                )
                self._history(PersonRelationship, relationships.add(**row), **row)
        active_from = max(self.start, dt.datetime.combine(births[0], dt.time(9), tzinfo=dt.UTC))
        youngest_adult = dt.datetime.combine(births[-1], dt.time(9), tzinfo=dt.UTC) + 18 * YEAR
        family = Family(
            address_id=address[0],
            household_id=household,
            parents=tuple(parents),
            children=tuple(children),
            partner_id=partner,
            active_from=active_from,
            active_to=min(self.now, youngest_adult),
        )
        return family
