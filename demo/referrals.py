"""Invented but realistic demo data for `manage.py seed_demo`: families, case history, contacts.

Everything is written through the services, so history, object permissions and alerts look
as they would in use. None of it is real: names come from Faker (en_GB) and the short lists
below, phone numbers from Ofcom's drama ranges, NHS numbers from the range the NHS never issues
(9…, `nhs_number.generate()`'s default), and schools, surgeries and streets are made up. Fixed
seeds make every run produce the same people; dates are relative to today.
"""

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import nhs_number
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from accounts.models import Team, User
from core.enums import YesNoUnknown
from referrals import services
from referrals.models import (
    Contact,
    ContactRole,
    ContactSource,
    ContactStatus,
    Ethnicity,
    Person,
    ReferralSource,
    RelationshipType,
    Service,
    Sex,
)
from thresholds.models import CouncilProfile

SEED = 2026
CHILDREN = 150
REASON = "Demo data"

# A family's case history, and how many children each kind should roughly cover.
OPEN_CSSW, OPEN_EH, CLOSED_RECENT, CLOSED_LONG, NOT_KNOWN = (
    "open_cssw",
    "open_eh",
    "closed_recent",
    "closed_long",
    "not_known",
)
CHILD_TARGETS = {OPEN_CSSW: 20, OPEN_EH: 15, CLOSED_RECENT: 10, CLOSED_LONG: 15}


# Families ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    """A family's heritage: ethnicity codes, language, religion and the names to draw from."""

    weight: int
    ethnicity: str
    parents: tuple[str, str]  # mother's and father's ethnicity
    language: str
    religions: tuple[str, ...]  # repeated entries weight the choice
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...] = ()  # empty: Faker en_GB surnames
    faker_surnames: str = ""  # or a Faker locale to draw them from
    mother_surnames: tuple[str, ...] = ()  # where mothers keep their own (e.g. Begum)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_UK_GIRLS = _names(
    "Olivia Amelia Isla Ava Emily Sophie Grace Lily Freya Mia Evie Ella Poppy Chloe Jessica Ruby "
    "Daisy Ellie Millie Florence Phoebe Holly Lacey Maisie Scarlett Zara Leah Aaliyah Amara Nia "
    "Kayla Imani Tia"
)
_UK_BOYS = _names(
    "Oliver Harry George Jack Noah Charlie Jacob Alfie Freddie Oscar Leo Archie Thomas Joshua "
    "James William Theo Riley Mason Logan Kai Tyler Reggie Jayden Callum Connor Ethan Malachi "
    "Isaiah Elijah Nathaniel Tyrese"
)
_UK_WOMEN = _names(
    "Sarah Emma Laura Gemma Kelly Stacey Hayley Charlotte Rebecca Danielle Amy Jade Natalie Kirsty "
    "Leanne Michelle Claire Lauren Nicola Chantelle Shanice Tanya"
)
_UK_MEN = _names(
    "Daniel Lee Craig Jamie Ryan Michael Mark Darren Scott Ashley Matthew Christopher Dean Wayne "
    "Paul Stuart Carl Marcus Jermaine Andre"
)
_NO_RELIGION, _CHRISTIAN, _MUSLIM, _CATHOLIC = (
    "No religion",
    "Christian",
    "Muslim",
    "Roman Catholic",
)

# Weights are loosely those of a central London borough's child population.
BACKGROUNDS: tuple[Background, ...] = (
    Background(30, Ethnicity.WBRI, (Ethnicity.WBRI, Ethnicity.WBRI), "English",
               (_NO_RELIGION,) * 5 + (_CHRISTIAN,) * 4 + ("Jewish", "Not known"), (), ()),
    Background(3, Ethnicity.WIRI, (Ethnicity.WIRI, Ethnicity.WIRI), "English",
               (_CATHOLIC,) * 3 + (_NO_RELIGION,),
               ("Aoife", "Niamh", "Ciara", "Saoirse", "Erin", "Orla", "Siobhan"),
               ("Cian", "Conor", "Sean", "Oisin", "Darragh", "Patrick", "Ronan"),
               ("Murphy", "O'Brien", "Kelly", "Byrne", "Walsh", "Doyle", "McCarthy", "O'Neill")),
    Background(4, Ethnicity.WOTH, (Ethnicity.WOTH, Ethnicity.WOTH), "Polish",
               (_CATHOLIC,) * 4 + (_NO_RELIGION,),
               ("Zofia", "Julia", "Zuzanna", "Maja", "Hanna", "Lena", "Wiktoria", "Natalia"),
               ("Jakub", "Antoni", "Szymon", "Filip", "Kacper", "Jan", "Mikołaj", "Michał"),
               faker_surnames="pl_PL"),
    Background(3, Ethnicity.WOTH, (Ethnicity.WOTH, Ethnicity.WOTH), "Portuguese",
               (_CATHOLIC,) * 3 + (_CHRISTIAN,),
               ("Beatriz", "Mariana", "Leonor", "Matilde", "Inês", "Carolina", "Lara"),
               ("Santiago", "Rodrigo", "Tomás", "Duarte", "Gonçalo", "Martim", "Afonso"),
               faker_surnames="pt_PT"),
    Background(3, Ethnicity.WOTH, (Ethnicity.WOTH, Ethnicity.WOTH), "Turkish",
               (_MUSLIM,) * 4 + (_NO_RELIGION,),
               ("Elif", "Zeynep", "Defne", "Ecrin", "Eylül", "Ayşe", "Azra", "Nehir"),
               ("Yusuf", "Emir", "Eymen", "Ömer", "Mustafa", "Kerem", "Deniz", "Can"),
               faker_surnames="tr_TR"),
    Background(12, Ethnicity.ABAN, (Ethnicity.ABAN, Ethnicity.ABAN), "Bengali (Sylheti)",
               (_MUSLIM,),
               ("Ayesha", "Fatima", "Maryam", "Sumaiya", "Tasnim", "Nusrat", "Jannat", "Sadia",
                "Raisa", "Anisa", "Hafsa", "Ruqayyah"),
               ("Mohammed", "Abdul", "Rahim", "Ibrahim", "Yusuf", "Ayaan", "Rayyan", "Zayan",
                "Sami", "Arif", "Hamza", "Tanvir"),
               ("Miah", "Uddin", "Rahman", "Ahmed", "Islam", "Hussain", "Ali", "Choudhury",
                "Hoque", "Karim"),
               mother_surnames=("Begum", "Begum", "Khatun", "Bibi")),
    Background(7, Ethnicity.BAFR, (Ethnicity.BAFR, Ethnicity.BAFR), "Somali", (_MUSLIM,),
               ("Hodan", "Ayaan", "Sagal", "Nasra", "Hibo", "Fadumo", "Amina", "Ikran", "Deeqa"),
               ("Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Liban", "Yusuf", "Said", "Ayub",
                "Mahad", "Bilal"),
               ("Mohamed", "Ali", "Hassan", "Abdi", "Farah", "Omar", "Warsame", "Ahmed", "Jama",
                "Osman")),
    Background(6, Ethnicity.BAFR, (Ethnicity.BAFR, Ethnicity.BAFR), "English",
               (_CHRISTIAN,) * 4 + (_MUSLIM,),
               ("Adaeze", "Chiamaka", "Folake", "Ama", "Abena", "Ifeoma", "Temi", "Zainab",
                "Blessing", "Precious"),
               ("Chidi", "Kwame", "Kofi", "Tobi", "Emeka", "Oluwaseun", "David", "Samuel",
                "Daniel", "Tunde"),
               ("Okafor", "Adebayo", "Owusu", "Balogun", "Okoro", "Boateng", "Nwosu", "Asante",
                "Eze", "Oyelaran")),
    Background(5, Ethnicity.BCRB, (Ethnicity.BCRB, Ethnicity.BCRB), "English",
               (_CHRISTIAN,) * 3 + (_NO_RELIGION,), (), (),
               ("Campbell", "Williams", "Brown", "Francis", "Henry", "Grant", "Clarke", "Reid",
                "Morgan", "Johnson", "Bailey")),
    Background(7, Ethnicity.MWBC, (Ethnicity.WBRI, Ethnicity.BCRB), "English",
               (_NO_RELIGION,) * 2 + (_CHRISTIAN,), (), ()),
    Background(4, Ethnicity.MOTH, (Ethnicity.WOTH, Ethnicity.OOTH), "English",
               (_NO_RELIGION,) * 2 + (_MUSLIM, _CHRISTIAN), (), ()),
    Background(4, Ethnicity.OOTH, (Ethnicity.OOTH, Ethnicity.OOTH), "Arabic", (_MUSLIM,),
               ("Layla", "Nour", "Mariam", "Yasmin", "Hana", "Salma", "Rania", "Aya"),
               ("Omar", "Ahmed", "Youssef", "Ali", "Adam", "Karim", "Zaid", "Khalid"),
               ("Haddad", "Khalil", "Mansour", "Al-Hassan", "El-Amrani", "Saleh", "Nasser",
                "Abbas", "Hamdan")),
    Background(2, Ethnicity.AIND, (Ethnicity.AIND, Ethnicity.AIND), "English",
               ("Hindu", "Hindu", "Sikh"),
               ("Priya", "Anika", "Diya", "Isha", "Kavya", "Simran", "Navya"),
               ("Arjun", "Rohan", "Aarav", "Dev", "Harjit", "Vikram", "Ishaan"),
               ("Patel", "Sharma", "Shah", "Mistry", "Gill", "Sandhu")),
    Background(1, Ethnicity.CHNE, (Ethnicity.CHNE, Ethnicity.CHNE), "English",
               (_NO_RELIGION,) * 2 + ("Buddhist",),
               ("Mei", "Jia", "Xin", "Yan", "Grace"), ("Wei", "Jun", "Hao", "Ethan", "Kai"),
               ("Chen", "Wong", "Li", "Zhang", "Lam", "Cheung")),
    Background(2, Ethnicity.NOBT, (Ethnicity.NOBT, Ethnicity.NOBT), "", ("",), (), ()),
)  # fmt: skip

KNOWN_AS = {"Mohammed": "Mo", "Abdirahman": "Abdi", "Oluwaseun": "Seun", "Nathaniel": "Nate"}
# Invented settings, by phase of education.
NURSERIES = ("Little Acorns Nursery", "Somers Green Children's Centre", "Bright Start Day Nursery")
PRIMARIES = (
    "Maitland Vale Primary School",
    "Camley Green Primary School",
    "Oakley Square Primary School",
    "St Silas Church of England Primary School",
    "Kentish Green Primary School",
    "Regent's Wharf Primary School",
)
SECONDARIES = ("Euston Road Academy", "Gospel Oak Community School", "Chalk Hill School")
COLLEGES = ("North London Sixth Form College", "Camden City College")
SETTINGS = ((4, NURSERIES), (11, PRIMARIES), (16, SECONDARIES), (18, COLLEGES))  # by age below
CHILD_NEEDS = (
    (
        "Autistic. Talks, but needs short, concrete questions and time to answer.",
        "Autism; EHC plan",
    ),
    ("Non-verbal. Uses PECS and some Makaton signs.", "Severe learning disability; EHC plan"),
    ("Deaf. Uses British Sign Language: needs a BSL interpreter.", "Profound hearing loss"),
    ("", "ADHD, diagnosed last year; takes medication at school"),
    ("Speech and language delay; seen by speech and language therapy.", ""),
    ("", "Cerebral palsy; uses a wheelchair"),
    ("", "Type 1 diabetes"),
)
POSTCODE_DISTRICTS = ("NW1", "NW1", "NW3", "NW5", "NW5", "WC1H", "WC1N", "WC1X")
STREET_ENDINGS = ("Road", "Street", "Grove", "Gardens", "Place", "Terrace", "Crescent", "Close")


@dataclass
class Adult:
    person: Person
    relationship: str  # RelationshipType: what this adult is to the children
    parental_responsibility: bool


@dataclass
class Family:
    children: list[Person]
    adults: list[Adult]
    address: dict[str, str]
    history: str = ""  # one of OPEN_CSSW … NOT_KNOWN, decided by plan_histories
    worker: User | None = None  # the allocated worker while the case is open

    @property
    def born(self) -> list[Person]:
        return [c for c in self.children if c.date_of_birth]

    @property
    def unborn(self) -> Person | None:
        return next((c for c in self.children if c.is_unborn), None)

    def adult(self, *relationships: str) -> Adult | None:
        return next((a for a in self.adults if a.relationship in relationships), None)


@contextmanager
def _seeded_global_random(seed: int) -> Iterator[None]:
    """nhs_number.generate() draws from the global `random`: seed it, then put it back."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def _nhs_numbers(taken: set[str]) -> Iterator[str]:
    """Valid NHS numbers from the never-issued range (9…), unique and in a fixed order."""
    seen, batch = set(taken), 0
    while True:
        with _seeded_global_random(SEED + batch):
            numbers = nhs_number.generate(quantity=100)
        for number in numbers:
            if number not in seen:
                seen.add(number)
                yield number
        batch += 1


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def _feminine(surname: str, locale: str) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women and girls."""
    if locale == "pl_PL" and surname.endswith("ki"):
        return surname[:-1] + "a"
    return surname


class FamilyMaker:
    """Makes families of 1–4 children and 1–2 adults sharing an address, through person_create."""

    def __init__(self, *, by: User, today: dt.date) -> None:
        self.by, self.today = by, today
        self.rng = random.Random(SEED)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)
        self.fakers = {loc: Faker(loc) for loc in ("pl_PL", "pt_PT", "tr_TR")}
        for fake in self.fakers.values():
            fake.seed_instance(SEED)
        taken = set(Person.objects.exclude(nhs_number=None).values_list("nhs_number", flat=True))
        self.nhs_numbers = _nhs_numbers(taken)

    # Small random helpers -------------------------------------------------------------------

    def _days_ago(self, low_years: float, high_years: float) -> dt.date:
        return self.today - dt.timedelta(
            days=self.rng.randint(int(low_years * 365), int(high_years * 365))
        )

    def _mobile(self) -> str:
        return f"07700 900{self.rng.randint(0, 999):03d}"

    def _address(self) -> dict[str, str]:
        street = f"{self.fake.last_name()} {self.rng.choice(STREET_ENDINGS)}"
        district = self.rng.choice(POSTCODE_DISTRICTS)
        unit = f"{self.rng.randint(1, 9)}{''.join(self.rng.choices('ABDEFGHJLNPQRSTUWXYZ', k=2))}"
        if self.rng.random() < 0.55:  # most families in the borough live in flats
            block = f"{self.fake.last_name()} {self.rng.choice(('House', 'Court'))}"
            return {
                "line_1": f"Flat {self.rng.randint(1, 60)}, {block}",
                "line_2": street,
                "town": "London",
                "postcode": f"{district} {unit}",
            }
        return {
            "line_1": f"{self.rng.randint(1, 180)} {street}",
            "town": "London",
            "postcode": f"{district} {unit}",
        }

    def _surname(self, bg: Background) -> str:
        if bg.surnames:
            return self.rng.choice(bg.surnames)
        if bg.faker_surnames:
            fake = self.fakers[bg.faker_surnames]
            return fake.last_name_male() if bg.faker_surnames == "pl_PL" else fake.last_name()
        return self.fake.last_name()

    def _first_name(self, bg: Background, sex: str, *, adult: bool, avoid: set[str]) -> str:
        if adult and not bg.girls:
            names = _UK_WOMEN if sex == Sex.FEMALE else _UK_MEN
        else:
            names = (bg.girls or _UK_GIRLS) if sex == Sex.FEMALE else (bg.boys or _UK_BOYS)
        choices = [n for n in names if n not in avoid] or list(names)
        return self.rng.choice(choices)

    # People ---------------------------------------------------------------------------------

    def _create(self, **data: object) -> Person:
        reason = f"{REASON}: record from the previous case system"
        return services.person_create(by=self.by, reason=reason, **data)

    def _child(self, home: "_Home", dob: dt.date | None) -> Person:
        bg = home.bg
        sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
        surname = _feminine(home.surname, bg.faker_surnames) if sex == Sex.FEMALE else home.surname
        data: dict[str, object] = {
            "last_name": surname,
            "ethnicity": bg.ethnicity,
            "religion": home.religion,
            "address": home.address,
        }
        if dob is None:  # unborn: no name, sex or NHS number yet
            due = self.today + dt.timedelta(days=self.rng.randint(30, 150))
            return self._create(**data, first_name="Unborn", expected_date_of_birth=due)
        first = self._first_name(bg, sex, adult=False, avoid=home.names)
        home.names.add(first)
        age = (self.today - dob).days // 365
        english = bg.language == "English" or self.rng.random() < 0.6
        data.update(
            first_name=first,
            date_of_birth=dob,
            sex=Sex.UNKNOWN if self.rng.random() < 0.01 else sex,
            nhs_number=next(self.nhs_numbers) if self.rng.random() < 0.97 else "",
            first_language="English" if english and bg.language else bg.language,
            school_or_nursery=self._setting(age, home.schools),
        )
        if not bg.girls and self.rng.random() < 0.35:
            names = [n for n in (_UK_GIRLS if sex == Sex.FEMALE else _UK_BOYS) if n != first]
            data["middle_names"] = self.rng.choice(names)
        if first in KNOWN_AS and self.rng.random() < 0.6:
            data["known_as"] = KNOWN_AS[first]
        if age >= 2 and self.rng.random() < 0.09:
            data["communication_needs"], data["special_needs"] = self.rng.choice(CHILD_NEEDS)
        return self._create(**data)

    def _setting(self, age: int, schools: dict[int, str]) -> str:
        if (
            age < 2
            or (age < 4 and self.rng.random() < 0.4)
            or (age >= 16 and self.rng.random() < 0.2)
        ):
            return ""
        phase = next(i for i, (below, _) in enumerate(SETTINGS) if age < below)
        return schools.setdefault(phase, self.rng.choice(SETTINGS[phase][1]))  # siblings share

    def _adult(self, home: "_Home", sex: str, surname: str, dob: dt.date, ethnicity: str) -> Person:
        bg = home.bg
        first = self._first_name(bg, sex, adult=True, avoid=home.names)
        home.names.add(first)
        data: dict[str, object] = {
            "first_name": first,
            "last_name": surname,
            "date_of_birth": dob,
            "sex": sex,
            "ethnicity": ethnicity,
            "religion": home.religion,
            "first_language": bg.language,
            "nhs_number": next(self.nhs_numbers) if self.rng.random() < 0.85 else "",
            "phone": self._mobile(),
            "address": home.address,
        }
        if self.rng.random() < 0.4:
            local = f"{_ascii(first).lower()}.{slugify(_ascii(surname))}{self.rng.randint(1, 99)}"
            data["email"] = f"{local}@example.com"
        if bg.language not in ("English", "") and self.rng.random() < 0.4:
            data["interpreter_needed"] = True
            data["communication_needs"] = f"Limited English: needs a {bg.language} interpreter."
        elif self.rng.random() < 0.05:
            data["communication_needs"] = "Has a learning disability: needs Easy Read and time."
        return self._create(**data)

    def _birth_dates(self, children: int) -> list[dt.date]:
        """Oldest first; siblings 1–5 years apart, none older than 17."""
        if not children:
            return []
        baby = self.rng.random() < 0.15  # babies are referred more than any other age
        dobs = [self._days_ago(0.05, 0.9 if baby else max(0.1, 17.5 - 2.2 * (children - 1)))]
        while len(dobs) < children:
            older = dobs[-1] - dt.timedelta(days=self.rng.randint(400, 1800))
            if (self.today - older).days >= 17.9 * 365:
                break
            dobs.append(older)
        return dobs[::-1]

    def family(
        self,
        *,
        children: int,
        bg: Background | None = None,
        unborn: bool = False,
        shape: str = "",
    ) -> Family:
        """A family at one address: 1–4 children (maybe one unborn) and 1–2 adults."""
        bg = bg or self.rng.choices(BACKGROUNDS, weights=[b.weight for b in BACKGROUNDS])[0]
        home = _Home(bg, self._surname(bg), self._address(), self.rng.choice(bg.religions))
        dobs = self._birth_dates(children)
        kids = [self._child(home, dob) for dob in dobs + ([None] if unborn else [])]

        oldest = dobs[0] if dobs else self.today
        mother_dob = oldest - dt.timedelta(days=self.rng.randint(18 * 365, 34 * 365))
        father_dob = mother_dob - dt.timedelta(days=self.rng.randint(0, 8 * 365))
        her_name = (
            self.rng.choice(bg.mother_surnames)
            if bg.mother_surnames
            else _feminine(home.surname, bg.faker_surnames)
        )
        shapes = ("mother", "father", "grandmother", "parents", "partner")
        shape = shape or self.rng.choices(shapes, weights=(52, 8, 4, 21, 15))[0]
        mum, dad = bg.parents
        adults: list[Adult] = []
        if shape == "father":
            father = self._adult(home, Sex.MALE, home.surname, father_dob, dad)
            adults.append(Adult(father, RelationshipType.FATHER, True))
        elif shape == "grandmother":  # kinship carer under a special guardianship order
            gran_dob = oldest - dt.timedelta(days=self.rng.randint(40 * 365, 56 * 365))
            gran = self._adult(home, Sex.FEMALE, her_name, gran_dob, mum)
            adults.append(Adult(gran, RelationshipType.GRANDPARENT, True))
        else:
            mother = self._adult(home, Sex.FEMALE, her_name, mother_dob, mum)
            adults.append(Adult(mother, RelationshipType.MOTHER, True))
        if shape == "parents":
            father = self._adult(home, Sex.MALE, home.surname, father_dob, dad)
            adults.append(Adult(father, RelationshipType.FATHER, True))
        elif shape == "partner":  # mum's partner, not the children's father
            partner_dob = mother_dob + dt.timedelta(days=self.rng.randint(-6 * 365, 4 * 365))
            partner = self._adult(home, Sex.MALE, self._surname(bg), partner_dob, dad)
            adults.append(Adult(partner, RelationshipType.PARENTS_PARTNER, False))
        return Family(children=kids, adults=adults, address=home.address)


@dataclass
class _Home:
    """What a family's members share while they are being made."""

    bg: Background
    surname: str
    address: dict[str, str]
    religion: str
    schools: dict[int, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # first names taken (no two alike)


def make_families(maker: FamilyMaker) -> list[Family]:
    """About CHILDREN children (a few unborn) and 90 adults, in families sharing an address."""
    # A first pregnancy, for the pre-birth contact; then the rest at random.
    families = [maker.family(children=0, unborn=True, shape="mother")]
    made = 1
    while made < CHILDREN:
        size = maker.rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        unborn = made + size < CHILDREN and len(families) in (9, 27)  # mum is pregnant
        # Every background at least once, then as weighted.
        bg = BACKGROUNDS[len(families) - 1] if len(families) <= len(BACKGROUNDS) else None
        family = maker.family(children=min(size, CHILDREN - made - unborn), bg=bg, unborn=unborn)
        families.append(family)
        made += len(family.children)
    return families


# Case history --------------------------------------------------------------------------------


def plan_histories(families: list[Family], *, claimed: dict[int, str]) -> None:
    """Give each family its case history: first what the contacts need, then up to the targets."""
    for index, history in claimed.items():
        families[index].history = history
    for history, target in CHILD_TARGETS.items():
        covered = sum(len(f.born) for f in families if f.history == history)
        for family in families:
            if covered >= target:
                break
            if not family.history and family.born:
                family.history = history
                covered += len(family.born)
    for family in families:
        family.history = family.history or NOT_KNOWN


def open_involvements(families: list[Family], *, staff: dict[str, User], today: dt.date) -> None:
    """Record each family's involvements with dates relative to today."""
    rng = random.Random(SEED + 1)
    admin = staff["admin"]
    cssw = ["socialworker1", "socialworker3", "socialworker2", "socialworker4"]
    cin_teams = [staff["socialworker1"].team, staff["socialworker3"].team]
    family_support = staff["familyworker"].team
    counters = {OPEN_CSSW: 0, OPEN_EH: 0, CLOSED_RECENT: 0, CLOSED_LONG: 0}

    def record(
        family: Family,
        service: str,
        team: Team | None,
        worker: User | None,
        opened: dt.date,
        closed: dt.date | None = None,
        why: str = "",
    ) -> None:
        for child in family.born:
            if closed and child.date_of_birth > closed - dt.timedelta(days=30):
                continue  # born after the family's case closed: not known
            inv = services.involvement_open(
                person=child,
                service=service,
                team=team,
                allocated_worker=worker,
                opened_on=max(opened, child.date_of_birth),
                by=admin,
                reason=f"{REASON}: case history",
            )
            if closed:
                services.involvement_close(
                    involvement=inv, closed_on=closed, closure_reason=why, by=admin
                )

    for family in families:
        if family.history not in counters:
            continue
        n = counters[family.history]
        counters[family.history] += 1
        if family.history == OPEN_CSSW:
            family.worker = staff[cssw[n % len(cssw)]]
            opened = today - dt.timedelta(days=rng.randint(21, 540))
            if n % 4 == 1:  # some were known to early help before being stepped up
                earlier = opened - dt.timedelta(days=rng.randint(200, 500))
                record(
                    family,
                    Service.EARLY_HELP,
                    family_support,
                    None,
                    earlier,
                    earlier + dt.timedelta(days=84),
                    "Team around the family plan ended: stepped up",
                )
            record(family, Service.SOCIAL_CARE, family.worker.team, family.worker, opened)
        elif family.history == OPEN_EH:
            family.worker = staff["ehworker" if n % 3 == 2 else "familyworker"]
            # Family work lasts up to 12 weeks.
            opened = today - dt.timedelta(days=rng.randint(10, 80))
            record(family, Service.EARLY_HELP, family.worker.team, family.worker, opened)
        elif family.history == CLOSED_RECENT:
            closed = today - dt.timedelta(days=rng.randint(10, 80))
            worker = staff[("socialworker1", "socialworker3")[n % 2]]
            why = rng.choice(
                (
                    "Child in need plan ended: needs met",
                    "Child and Family Assessment completed: no further action",
                    "Stepped down to universal services",
                )
            )
            opened = closed - dt.timedelta(days=rng.randint(90, 365))
            record(family, Service.SOCIAL_CARE, worker.team, worker, opened, closed, why)
        else:
            closed = today - dt.timedelta(days=rng.randint(400, 2000))
            opened = closed - dt.timedelta(days=rng.randint(60, 400))
            if n % 5 < 3:
                why = rng.choice(
                    ("Child in need plan ended: needs met", "Family moved out of the borough")
                )
                record(family, Service.SOCIAL_CARE, cin_teams[n % 2], None, opened, closed, why)
            else:
                why = "Team around the family plan completed"
                record(family, Service.EARLY_HELP, family_support, None, opened, closed, why)


# Contacts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A kind of contact, in the referrer's words, with what it needs of the family."""

    source: str
    referral_source: str
    organisation: str  # "" for members of the public
    role: str
    concerns: str
    professional: bool = True
    relationship: str = ""
    knowledge: str = ""
    aware: str = YesNoUnknown.YES
    agrees: str = YesNoUnknown.YES
    agreement: str = ""
    ages: tuple[int, int] = (0, 17)  # the child the contact is mostly about
    sex: str = ""
    setting: bool = False  # the text names the child's school or nursery
    siblings: bool = False  # the text talks about "the kids"
    mother: bool = True  # the text talks about mum
    partner: bool = False  # mum's partner is the alleged perpetrator
    perpetrator: str = ""
    unborn: bool = False
    information_only: bool = False
    signposting: str = ""
    requesting_body: str = ""
    ecaf_safeguarding: bool | None = None
    hours: tuple[int, int] = (9, 16)
    anonymous: bool = False


@dataclass(frozen=True)
class Planned:
    """One demo contact: its scenario, the family history it needs, and where it gets to."""

    scenario: str
    history: str | None  # None: no child (an information-only call)
    status: ContactStatus
    days_ago: int
    family: str = ""  # repeat contacts about one family share a tag
    stop_after: str = ""  # drafts: the last step done
    by: str = "screening"
    rate: tuple[str, int, bool, str] | None = (
        None  # initial rating: RAG, level, CP concerns, outcome
    )


NO, UNKNOWN = YesNoUnknown.NO, YesNoUnknown.UNKNOWN
S = ContactStatus
SCENARIOS: dict[str, Scenario] = {
    "school_bruising": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Designated safeguarding lead",
        "I'm the designated safeguarding lead at {school}. This morning {child} ({age}) came into "
        "class with a bruise on {his} left cheek, about the size of a 50p, and what look like "
        "fingertip bruises on {his} upper arm. When the class teacher asked what happened {he} "
        "said \"I was naughty\" and then wouldn't say anything else. {He} has been much quieter "
        "than usual for the last two weeks and has been late four times. Mum ({mother}) seemed "
        "stressed and short with {him} at pick-up yesterday. We have photographs and the teacher's "
        "written account. We haven't told mum we're calling because we're worried about {child} "
        "going home tonight.",
        knowledge="Has known {child} since Reception; sees mum at drop-off most days.", aware=NO,
        agrees=UNKNOWN, agreement="School have not told mum, for {child}'s safety.", ages=(5, 11),
        setting=True,
    ),
    "hv_neglect": Scenario(
        ContactSource.PHONE, ReferralSource.HEALTH_VISITOR, "Camden Health (health visiting)",
        "Health visitor",
        "I'm {child}'s health visitor. I did the new birth visit and the 6–8 week review and I'm "
        "worried. The flat was very cluttered and cold, there was no steriliser and the bottles in "
        "the sink were dirty, and {child} was in a soaking nappy that looked like it hadn't been "
        "changed for hours. {His} weight has dropped from the 50th to below the 9th centile. Mum "
        "({mother}) has missed two clinic appointments and the GP 8-week check. She says she's "
        "'coping fine' but she looked exhausted and was tearful, and I think she may have "
        "postnatal depression. I've talked to mum about this referral and she agrees; she says "
        "she'd like some help.",
        knowledge="Health visitor since birth: two home visits and one clinic contact.",
        ages=(0, 0),
    ),
    "neighbour_shouting": Scenario(
        ContactSource.PHONE, ReferralSource.ACQUAINTANCE, "", "",
        "I live in the flat below them at {address}. For the last couple of weeks there's been "
        "shouting and banging most nights, a man swearing at the woman, really nasty, calling her "
        "names. Last night about eleven I heard a big crash and a child screaming \"stop it, stop "
        "it\". There's {n_kids} up there, the oldest is about {oldest_age}. I see them going to "
        "school and they look scruffy and tired. I'm not being nosy, I'm just worried about those "
        "kids. Please don't tell them it was me.",
        professional=False, relationship="Neighbour (lives in the flat below)",
        knowledge="Says hello on the stairs; does not know the family well.", aware=NO,
        agrees=UNKNOWN, agreement="The caller does not want the family told who called.",
        siblings=True,
    ),
    "merlin_da_high": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. At 23:40 police were called by {mother} reporting that her partner "
        "{partner} had assaulted her during an argument about money. Officers found her with a cut "
        "lip and redness to her neck; she said he grabbed her by the throat and pushed her against "
        "the kitchen door. The children {children} were in the flat; {child} ({age}) was awake and "
        "told officers \"he hurt mummy again\". Suspect arrested for ABH and on police bail not to "
        "contact the victim or attend the address. DASH completed: HIGH risk (17 ticks); referred "
        "to MARAC and to Camden Safety Net. Police RAG: AMBER.",
        agrees=UNKNOWN,
        agreement="Officers told mum that the report would be shared with children's services.",
        partner=True,
        perpetrator=(
            "{partner}, born {partner_dob}, mother's partner (not the children's father). Previous "
            "for common assault on an ex-partner (2021). On police bail: not to contact "
            "{mother_first} or attend {address}."
        ),
        hours=(7, 8),
        siblings=True,
    ),
    "merlin_da_standard": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. Police attended {address} at 21:15 after a neighbour reported shouting. "
        "{mother} and {second_adult} said they had been arguing about his drinking and that it was "
        "verbal only. No injuries seen, no offences disclosed, both calm by the time officers "
        "left. The children {children} were asleep upstairs and were not woken. DASH completed: "
        "STANDARD risk. Details passed to Camden Safety Net. Police RAG: GREEN.",
        agrees=UNKNOWN,
        agreement="Officers told both adults that children's services would be informed.",
        partner=True, hours=(7, 8),
        siblings=True,
    ),
    "ecaf_family_support": Scenario(
        ContactSource.ECAF, ReferralSource.SCHOOL, "{school}", "Family support worker",
        "e-CAF attached, completed with mum. {mother} came to us asking for help. The family were "
        "rehoused into temporary accommodation in the autumn after mum left a previous "
        "relationship, and mum is finding {child}'s behaviour very hard at home: hitting {his} "
        "brothers and sisters, refusing to go to bed and running off when they're out. {child}'s "
        "attendance has fallen to 86% and {he} is often tired in class. Money is very tight and "
        "mum has used the food bank twice. Mum would like a family support worker and a parenting "
        "course. No safeguarding concerns.",
        agreement="Mum completed the e-CAF with the school and signed the consent section.",
        ages=(4, 12), setting=True, ecaf_safeguarding=False,
    ),
    "ecaf_nursery": Scenario(
        ContactSource.ECAF, ReferralSource.EDUCATION, "{school}",
        "Nursery manager (safeguarding lead)",
        "e-CAF, safeguarding box ticked. {child} ({age}) often arrives hungry and asks staff for "
        "food as soon as {he} comes in, has worn the same clothes all week and has nappy rash that "
        "isn't being treated. Staff have noticed a strong smell of cannabis on {his} clothes and "
        "coat. Twice this month mum ({mother}) seemed under the influence at collection (slurred "
        "speech, unsteady) and once a friend of hers who isn't on the collection list came for "
        "{child}. We spoke to mum, who said she's been unwell.",
        agrees=NO,
        agreement="Mum agreed to the e-CAF but not to a referral to children's social care.",
        ages=(2, 3), setting=True, ecaf_safeguarding=True,
    ),
    "info_parenting": Scenario(
        ContactSource.PHONE, ReferralSource.SELF, "", "",
        "Hi, I'm a mum, my son's four and his tantrums are getting really bad, he kicks and "
        "screams every time we go out and I don't know what to do any more. A friend said there's "
        "a parenting course at the children's centre. I just want to know how to get on it. I "
        "don't need a social worker, I just want some advice.",
        professional=False, relationship="Parent", information_only=True,
        signposting=(
            "Gave details of the Camden parenting programme (Incredible Years, ages 3–6), how to "
            "self-refer through the family hub, and the Family Information Service number. Caller "
            "happy with this. No further action."
        ),
    ),
    "info_nursery_advice": Scenario(
        ContactSource.PHONE, ReferralSource.EDUCATION, "Bright Start Day Nursery",
        "Nursery manager",
        "Asking for advice. A dad has come to collect a child today and mum told us last week "
        "there's a court order saying he isn't allowed contact. We haven't seen the order. We've "
        "kept the child in the room and dad is waiting in reception. What should we do, and do we "
        "need to make a referral?",
        information_only=True,
        signposting=(
            "Advised the nursery not to release the child to father without seeing the order or "
            "speaking to mum, to call 999 if he tries to remove the child, and to ask mum for a "
            "copy of the order. If there are safeguarding concerns once it is resolved, call back "
            "with the child's details. Sent Camden's threshold guidance. No child identified; no "
            "further action."
        ),
    ),
    "info_short_breaks": Scenario(
        ContactSource.ONLINE_FORM, ReferralSource.FAMILY, "", "",
        "My son is 9 and autistic and he hardly sleeps, maybe four hours a night. I'm on my own "
        "with him and his sister and I'm exhausted. School are good but there's nothing for him in "
        "the holidays. Someone said there are short breaks for disabled children. How do I apply? "
        "I'm not saying I can't cope, I just need to know what's out there.",
        professional=False, relationship="Parent", information_only=True,
        signposting=(
            "Sent the Camden Local Offer pages on short breaks and holiday schemes and explained "
            "how to self-refer to the Disabled Children's Team for a short breaks assessment; also "
            "gave the parent carer forum and the children's sleep service. Parent will self-refer. "
            "No further action."
        ),
        hours=(20, 22),
    ),
    "info_attendance": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Attendance officer",
        "Asking for advice. {child}'s attendance is 88% this year, mostly odd days off that mum "
        "says are stomach aches. No other worries: {he} is clean, happy and doing well in class. "
        "Do we need to refer?",
        ages=(5, 15), setting=True, information_only=True,
        signposting=(
            "Advised this is below the threshold for children's social care. Suggested the school "
            "meet mum, consider a school-based early help assessment (e-CAF) with her consent, and "
            "involve Education Welfare if attendance falls further. No further action."
        ),
    ),
    "court_s7": Scenario(
        ContactSource.INFORMATION_REQUEST, ReferralSource.LEGAL_AGENCY, "Central Family Court",
        "Legal adviser",
        "Order from the Central Family Court (case {court_case}). The father has applied for a "
        "child arrangements order. At the first hearing the court directed the local authority to "
        "prepare a section 7 report on {children}, covering the children's wishes and feelings, "
        "the safety of contact and each parent's capacity, to be filed by {due}. Please confirm "
        "within 7 days who will write it.",
        agrees=UNKNOWN,
        agreement="Both parents are parties to the proceedings and know of the request.",
        requesting_body="Central Family Court",
    ),
    "la_transfer": Scenario(
        ContactSource.INFORMATION_REQUEST, ReferralSource.LA_EXTERNAL,
        "Islington Children's Services", "Social worker, Children in Need team",
        "Transfer-in request. The family moved from Islington to {address} six weeks ago. "
        "{children} are on a child in need plan with us (neglect, poor school attendance, mum's "
        "mental health); the plan was last reviewed two months ago. We ask Camden to accept the "
        "case and will send the chronology, assessment and plan. Mum knows the case is being "
        "transferred.",
        ages=(5, 15), requesting_body="London Borough of Islington Children's Services",
        siblings=True,
    ),
    "gp_mental_health": Scenario(
        ContactSource.PHONE, ReferralSource.GP, "Kentish Green Surgery", "GP",
        "I saw {mother} today. She told me she stopped taking her antipsychotic medication about a "
        "month ago and is hearing voices again; she believes the neighbours are watching the "
        "children through the walls. She has {n_children} at home, the youngest is {youngest_age}. "
        "She wasn't presenting as a risk to the children in the appointment, but she is clearly "
        "unwell and refused a referral to the crisis team. I told her I would be contacting "
        "children's services and she was unhappy about it.",
        knowledge="Mum's GP for six years.", agrees=NO,
        agreement="Mum was told and said she does not want social workers involved.",
    ),
    "school_nurse_self_harm": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL_NURSE, "Camden Health (school nursing)",
        "School nurse",
        "{child} ({age}) came to my drop-in at school with fresh cuts on her forearms, some "
        "needing steri-strips. She says she's been cutting since Christmas because of 'stuff at "
        "home' and rows with mum, and that sometimes she doesn't want to be alive, though she has "
        "no plan. She begged me not to tell her mum. I've referred her to CAMHS today but I'm "
        "worried about her going home and want to know whether this meets the threshold.",
        aware=NO, agrees=NO,
        agreement="{child} does not want her mum told; the nurse has not told the family yet.",
        ages=(12, 16), sex=Sex.FEMALE,
    ),
    "edt_missing": Scenario(
        ContactSource.EDT_REPORT, ReferralSource.LA_SOCIAL_CARE, "Camden Emergency Duty Team",
        "EDT social worker",
        "EDT report. Police contacted EDT at 01:40: {child} ({age}) was found by officers walking "
        "alone on Camden High Street at 01:30. She said she'd been at a party in Kentish Town and "
        "couldn't get home. She had been drinking and had no money. Mum ({mother}) didn't answer "
        "the phone until 03:00, then came and took her home; mum was cooperative and said {child} "
        "had told her she was staying at a friend's. Officers saw a number saved under an older "
        "man's name on her phone and are worried about exploitation. Please follow up.",
        agrees=UNKNOWN, ages=(13, 15), sex=Sex.FEMALE, hours=(3, 5),
    ),
    "anonymous_alone": Scenario(
        ContactSource.ONLINE_FORM, ReferralSource.ANONYMOUS, "", "",
        "The children at {address} are left on their own a lot. Their mum goes out most evenings "
        "and the kids, the oldest is about {oldest_age}, are on their own till late. Last week I "
        "saw the older one in the corner shop at 10 at night buying bread on their own. Somebody "
        "needs to check on them. I'm not giving my name.",
        professional=False, aware=UNKNOWN, agrees=UNKNOWN, ages=(5, 12), siblings=True,
        hours=(19, 22), anonymous=True,
    ),
    "step_up": Scenario(
        ContactSource.STEP_UP, ReferralSource.LA_EARLY_HELP, "{worker_team}", "{worker_title}",
        "Step-up request. I've been working with the family under a team around the family plan "
        "(school attendance, home conditions, routines). Things are getting worse: at my last "
        "three visits there was no food in the fridge, dog mess on the kitchen floor and {child} "
        "was still in bed at 11am on a school day. {child}'s attendance is down to 60% this term. "
        "Mum ({mother}) has cancelled the last three visits and didn't come to the TAF review. I "
        "think this is now neglect and needs a social work assessment.",
        agrees=NO,
        agreement="Mum knows we are stepping up; she does not agree and says she can manage.",
        ages=(5, 15),
    ),
    "probation": Scenario(
        ContactSource.PHONE, ReferralSource.LEGAL_AGENCY, "London Probation", "Probation officer",
        "I'm the probation officer for {partner}. He was released on licence last month after a "
        "sentence for assaulting a former partner, and at supervision today he said he has moved "
        "in with {mother} and her children at {address}. His licence requires him to tell me about "
        "new relationships and he didn't. He has a previous conviction for cruelty to a former "
        "partner's child. I don't think mum knows his history; I'm making a request under the "
        "Domestic Violence Disclosure Scheme.",
        aware=NO, agrees=UNKNOWN, partner=True,
        perpetrator=(
            "{partner}, born {partner_dob}. On licence until {licence_end}. Convictions: ABH on a "
            "former partner (2023); child cruelty (2017)."
        ),
    ),
    "housing_mould": Scenario(
        ContactSource.PHONE, ReferralSource.HOUSING, "Camden Housing", "Housing officer",
        "I visited {address} about a disrepair complaint and found mum and the children all "
        "sleeping in one room because of black mould in the others. {child} ({age}) has asthma and "
        "has been in hospital twice this winter. Mum ({mother}) is very anxious and asked if "
        "anyone could help; she is happy for me to refer. I've no worries about how mum cares for "
        "the children, it's the conditions. Repairs are booked but could take eight weeks.",
    ),
    "ae_fracture": Scenario(
        ContactSource.PHONE, ReferralSource.ACCIDENT_EMERGENCY,
        "Royal Free Hospital emergency department", "Paediatric liaison nurse",
        "{child} ({age}) was brought in by mum ({mother}) at 20:30 last night with a swollen left "
        "thigh; the X-ray shows a spiral fracture of the femur. Mum says {his} leg got caught in "
        "the cot bars. {child} is not yet crawling. The consultant paediatrician says the "
        "explanation does not fit the injury. A skeletal survey and bloods are planned today and "
        "{child} is staying on the ward. Mum knows we are contacting children's services.",
        agrees=UNKNOWN, ages=(0, 0),
    ),
    "midwife_prebirth": Scenario(
        ContactSource.PHONE, ReferralSource.OTHER_HEALTH, "Camden Health (specialist midwifery)",
        "Specialist midwife",
        "{mother} is {weeks} weeks pregnant, due {edd}. She has a long history of heroin use and "
        "is on a methadone script, but says she is using 'now and then' on top. Her two older "
        "children live with their paternal grandmother under a special guardianship order. She is "
        "sofa-surfing with a friend and has no cot or baby things yet. She booked late, at 24 "
        "weeks. She agrees to a pre-birth referral and says she wants to keep this baby.",
        knowledge="Has seen mum at three antenatal appointments.", unborn=True,
    ),
    "youth_county_lines": Scenario(
        ContactSource.PHONE, ReferralSource.LA_INTERNAL, "Integrated Youth Support Service",
        "Youth worker",
        "{child} ({age}) told me he's been asked to 'hold a package' for some older boys, and he's "
        "turned up with new trainers and a second phone. Mum ({mother}) rang us last week because "
        "he's been coming home after midnight and won't say where he's been. I'm worried he's "
        "being drawn into county lines. He doesn't want mum told what he said to me, but mum has "
        "asked us for help.",
        agrees=UNKNOWN,
        agreement=(
            "Mum asked the youth service for help; she does not yet know about this referral."
        ),
        ages=(13, 16), sex=Sex.MALE,
    ),
    "merlin_missing": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. {child} ({age}) was reported missing by mum at 22:00. Officers found her "
        "at 03:10 in a flat in Kentish Town with two adult males aged about 25, who were spoken "
        "to. {child} had alcohol and a new phone she couldn't explain. Returned home; return home "
        "interview requested. This is the second missing episode this month. CSE risk indicators "
        "present. Police RAG: RED.",
        agrees=UNKNOWN, ages=(13, 16), sex=Sex.FEMALE, hours=(7, 8),
    ),
    "grandparent_drink": Scenario(
        ContactSource.PHONE, ReferralSource.FAMILY, "", "",
        "I'm {child}'s nan. My daughter's drinking again, it's bad this time. I've had the kids at "
        "mine the last three weekends because she can't cope. Last Sunday she turned up drunk to "
        "collect them and I wouldn't let them go with her, and she screamed at me on the doorstep "
        "in front of them. I love them to bits but I'm 68 and I'm not well myself. She doesn't "
        "know I'm ringing you.",
        professional=False, relationship="Maternal grandmother",
        knowledge="Sees the children every week and has them most weekends.", aware=NO,
        agrees=UNKNOWN,
    ),
    "self_referral": Scenario(
        ContactSource.PHONE, ReferralSource.SELF, "", "",
        "{child} ({age}) rang us. {He} was thrown out by mum after a big row last night and slept "
        "at a friend's. The friend's mum says {he} can't stay another night. {He} says mum told "
        "{him} not to come back and changed the lock. {He} has nowhere to stay tonight and £3 on "
        "{his} phone.",
        professional=False, relationship="The young person", aware=NO, agrees=UNKNOWN,
        ages=(16, 17),
    ),
    "school_disclosure": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Designated safeguarding lead",
        "During a PSHE lesson today {child} ({age}) told her teaching assistant that mum's "
        "boyfriend \"comes in my room at night when mummy's asleep and I don't like it\". The TA "
        "didn't ask any more questions and wrote down exactly what {child} said; I have the note. "
        "{child} seemed upset afterwards and asked if she was in trouble. We have not spoken to "
        "mum. {child} goes home at 3.15.",
        aware=NO, agrees=UNKNOWN,
        agreement="School have not told mum because of the nature of the disclosure.", ages=(5, 10),
        sex=Sex.FEMALE, setting=True,
        perpetrator=(
            "Mum's boyfriend, known to {child} as 'Dean'. Surname and date of birth not known. "
            "Does not live there but stays over some nights."
        ),
    ),
}  # fmt: skip

# ~40 contacts, oldest first when logged. Three families get three contacts within a year
# (tags A, B, C), so their latest is flagged "consider a Child and Family Assessment".
PLAN: tuple[Planned, ...] = (
    Planned("info_attendance", OPEN_EH, S.INFORMATION_ONLY, 240, family="B"),
    Planned("merlin_missing", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 120, family="C"),
    Planned("info_short_breaks", None, S.INFORMATION_ONLY, 20),
    Planned(
        "school_bruising", NOT_KNOWN, S.AWAITING_RATING, 19, family="A", rate=("amber", 4, True, "")
    ),
    Planned("probation", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 18),
    Planned("anonymous_alone", NOT_KNOWN, S.AWAITING_RATING, 18, rate=("red", 4, True, "")),
    Planned("la_transfer", NOT_KNOWN, S.AWAITING_RATING, 17, by="senior"),
    Planned("housing_mould", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 16, family="B"),
    Planned("ecaf_nursery", NOT_KNOWN, S.AWAITING_RATING, 15),
    Planned(
        "midwife_prebirth",
        NOT_KNOWN,
        S.AWAITING_RATING,
        14,
        rate=("amber", 3, False, "daily_discussion"),
    ),
    Planned(
        "self_referral", NOT_KNOWN, S.AWAITING_RATING, 13, rate=("green", 2, False, "early_help")
    ),
    Planned("info_nursery_advice", None, S.INFORMATION_ONLY, 12),
    Planned("edt_missing", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 12, family="C"),
    Planned("gp_mental_health", CLOSED_LONG, S.AWAITING_RATING, 11),
    Planned(
        "neighbour_shouting",
        NOT_KNOWN,
        S.AWAITING_RATING,
        10,
        family="A",
        rate=("amber", 4, True, ""),
    ),
    Planned(
        "hv_neglect",
        NOT_KNOWN,
        S.AWAITING_RATING,
        9,
        rate=("amber", 3, False, "social_work_referral"),
    ),
    Planned("merlin_da_standard", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 9),
    Planned("merlin_da_high", CLOSED_RECENT, S.AWAITING_RATING, 8),
    Planned("info_parenting", None, S.INFORMATION_ONLY, 7),
    Planned("youth_county_lines", CLOSED_LONG, S.AWAITING_RATING, 7, rate=("amber", 3, True, "")),
    Planned("court_s7", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 6, by="senior"),
    Planned("self_referral", CLOSED_LONG, S.AWAITING_RATING, 6),
    Planned("ae_fracture", NOT_KNOWN, S.AWAITING_RATING, 5, by="senior", rate=("red", 4, True, "")),
    Planned("step_up", OPEN_EH, S.AWAITING_RATING, 5),
    Planned("school_disclosure", CLOSED_RECENT, S.AWAITING_RATING, 4),
    Planned("grandparent_drink", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 3, family="B"),
    Planned("neighbour_shouting", CLOSED_RECENT, S.AWAITING_RATING, 3),
    Planned("school_nurse_self_harm", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 2, family="C"),
    Planned("ecaf_family_support", NOT_KNOWN, S.SUBMITTED, 2),
    Planned("edt_missing", NOT_KNOWN, S.SUBMITTED, 2),
    Planned("anonymous_alone", NOT_KNOWN, S.SUBMITTED, 1, family="A"),
    Planned("hv_neglect", CLOSED_RECENT, S.SUBMITTED, 1),
    Planned("housing_mould", NOT_KNOWN, S.SUBMITTED, 1),
    Planned("neighbour_shouting", CLOSED_LONG, S.SUBMITTED, 1),
    Planned("merlin_da_standard", NOT_KNOWN, S.SUBMITTED, 0),
    Planned("school_bruising", OPEN_CSSW, S.SUBMITTED, 0),
    Planned("youth_county_lines", NOT_KNOWN, S.DRAFT, 1, stop_after="family"),
    Planned("ecaf_nursery", NOT_KNOWN, S.DRAFT, 1, stop_after="details"),
    Planned("merlin_da_high", NOT_KNOWN, S.DRAFT, 0, stop_after="people"),
    Planned("school_disclosure", NOT_KNOWN, S.DRAFT, 0, stop_after="concerns"),
    Planned("gp_mental_health", NOT_KNOWN, S.DRAFT, 0, stop_after="referrer"),
)
STEPS = ("details", "referrer", "concerns", "people", "family")
# Short: contact_screen puts the rationale into the history change reason (100 characters).
RATIONALE = {
    S.INFORMATION_ONLY: "Advice only; signposted.",
    S.PASSED_TO_ALLOCATED_WORKER: "Open case: allocated worker alerted.",
    S.AWAITING_RATING: "Checks done: not open to a service.",
}


def _focus(family: Family, scenario: Scenario, today: dt.date) -> Person | None:
    """The child the contact is mostly about, if the family has one who fits."""
    if scenario.unborn:
        return family.unborn
    lo, hi = scenario.ages
    for child in family.born:
        if child.sex == Sex.UNKNOWN or not lo <= child.age_on(today) <= hi:
            continue
        if scenario.setting and not child.school_or_nursery:
            continue
        if not scenario.sex or child.sex == scenario.sex:
            return child
    return None


def _fits(family: Family, scenario: Scenario, today: dt.date) -> bool:
    if scenario.partner and not family.adult(RelationshipType.PARENTS_PARTNER):
        return False
    if scenario.mother and not family.adult(RelationshipType.MOTHER):
        return False
    if scenario.unborn != (family.born == []):
        return False
    if scenario.siblings and len(family.born) < 2:
        return False
    return _focus(family, scenario, today) is not None


def choose_families(
    families: list[Family], maker: FamilyMaker
) -> tuple[list[Family | None], dict[int, str]]:
    """Pick a fitting family for each planned contact, and say what history each one needs.

    If none is left that fits (ages move on with the calendar), make one more family that does.
    """
    today = maker.today
    chosen: list[Family | None] = []
    claimed: dict[int, str] = {}
    by_tag: dict[str, int] = {}
    for planned in PLAN:
        if planned.history is None:
            chosen.append(None)
            continue
        if planned.family in by_tag:
            chosen.append(families[by_tag[planned.family]])
            continue
        tagged = [p for p in PLAN if p == planned or (p.family and p.family == planned.family)]
        needs = [SCENARIOS[p.scenario] for p in tagged]

        def fits(family: Family, needs: list[Scenario] = needs) -> bool:
            return all(_fits(family, scenario, today) for scenario in needs)

        free = (i for i, f in enumerate(families) if i not in claimed and fits(f))
        index = next(free, None)
        for _ in range(500 if index is None else 0):
            family = maker.family(
                children=0 if needs[0].unborn else maker.rng.randint(1, 3),
                unborn=needs[0].unborn,
                shape="partner" if any(n.partner for n in needs) else "mother",
            )
            families.append(family)
            if fits(family):
                index = len(families) - 1
                break
        if index is None:
            raise ValueError(f"No demo family fits the {planned.scenario} contact.")
        claimed[index] = planned.history
        if planned.family:
            by_tag[planned.family] = index
        chosen.append(families[index])
    return chosen, claimed


PRONOUNS = {Sex.MALE: ("he", "his", "him"), Sex.FEMALE: ("she", "her", "her")}


def _age_text(child: Person, today: dt.date) -> str:
    days = (today - child.date_of_birth).days
    if days < 70:
        return f"{max(days // 7, 1)} weeks"
    if days < 365:
        return f"{days // 30} months"
    return str(child.age_on(today))


def _context(
    family: Family, focus: Person, when: dt.datetime, rng: random.Random
) -> dict[str, str]:
    today = when.date()
    carer = family.adults[0].person
    partner = family.adult(RelationshipType.PARENTS_PARTNER)
    second = family.adults[1].person if len(family.adults) > 1 else carer
    born = family.born
    names = [f"{c.known_as or c.first_name} ({_age_text(c, today)})" for c in born]
    names = names or ["the unborn baby"]
    he = PRONOUNS.get(focus.sex, ("they", "their", "them"))
    words = ["no", "one", "two", "three", "four", "five"]
    ctx = {
        "child": focus.known_as or focus.first_name,
        "child_full": focus.full_name,
        "age": _age_text(focus, today) if focus.date_of_birth else "unborn",
        "he": he[0],
        "He": he[0].capitalize(),
        "his": he[1],
        "His": he[1].capitalize(),
        "him": he[2],
        "mother": carer.full_name,
        "mother_first": carer.first_name,
        "second_adult": second.full_name,
        "children": ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1],
        "n_children": f"{words[min(len(born), 5)]} {'child' if len(born) == 1 else 'children'}",
        "n_kids": f"{words[min(len(born), 5)]} kids",
        "oldest_age": str(max(c.age_on(today) for c in born)) if born else "",
        "youngest_age": _age_text(max(born, key=lambda c: c.date_of_birth), today) if born else "",
        "school": focus.school_or_nursery or "the school",
        "address": f"{family.address['line_1']}, {family.address['postcode']}",
        "merlin": f"PAC {when:%y}/{rng.randint(100000, 999999)}",
        "court_case": f"ZC{when:%y}P{rng.randint(10000, 99999)}",
        "due": f"{today + dt.timedelta(weeks=10):%d %B %Y}",
        "worker_team": family.worker.team.name if family.worker and family.worker.team else "",
        "worker_title": family.worker.job_title if family.worker else "",
        "partner": partner.person.full_name if partner else "",
        "partner_dob": f"{partner.person.date_of_birth:%d/%m/%Y}" if partner else "",
        "licence_end": f"{today + dt.timedelta(days=400):%B %Y}",
    }
    if focus.expected_date_of_birth:
        ctx["weeks"] = str(40 - (focus.expected_date_of_birth - today).days // 7)
        ctx["edd"] = f"{focus.expected_date_of_birth:%d %B %Y}"
    return ctx


def _received_at(
    planned: Planned, scenario: Scenario, now: dt.datetime, rng: random.Random
) -> dt.datetime:
    """Office hours for phone calls and forms from professionals; any day for police and EDT."""
    day = timezone.localtime(now).date() - dt.timedelta(days=planned.days_ago)
    office = (
        scenario.source not in (ContactSource.POLICE_MERLIN, ContactSource.EDT_REPORT)
        and scenario.professional
    )
    while office and day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    moment = dt.time(rng.randint(*scenario.hours), rng.randrange(0, 60, 5))
    when = timezone.make_aware(dt.datetime.combine(day, moment))
    return min(when, now - dt.timedelta(minutes=rng.randint(5, 40)))


def _referrer(
    scenario: Scenario, family: Family | None, ctx: dict[str, str], fake: Faker, rng: random.Random
) -> dict[str, object]:
    if scenario.anonymous:
        return {"referral_source": ReferralSource.ANONYMOUS}
    if scenario.source == ContactSource.STEP_UP and family and family.worker:
        name, email = family.worker.get_full_name(), family.worker.email
    elif scenario.relationship == "The young person" and family:
        name, email = ctx["child_full"], ""
    else:
        female = scenario.relationship in ("Parent", "Maternal grandmother")
        name = f"{fake.first_name_female() if female else fake.first_name()} {fake.last_name()}"
        org = scenario.organisation.format_map(ctx)
        domain = slugify(" ".join(org.split()[:2])) + ".example.org"
        local = slugify(_ascii(name)).replace("-", ".")
        email = f"{local}@{domain}" if scenario.professional else ""
    number = rng.randint(0, 999)  # Ofcom's drama ranges: London landline or mobile
    phone = f"020 7946 0{number:03d}" if scenario.professional else f"07700 900{number:03d}"
    professional = "Professional" if scenario.professional else ""
    return {
        "referrer_is_professional": scenario.professional,
        "referrer_name": name,
        "referral_source": scenario.referral_source,
        "referrer_organisation": scenario.organisation.format_map(ctx),
        "referrer_role": scenario.role.format_map(ctx),
        "referrer_relationship": scenario.relationship or professional,
        "referrer_knowledge": scenario.knowledge.format_map(ctx),
        "referrer_phone": phone,
        "referrer_email": email,
    }


def _link_people(
    contact: Contact, family: Family, scenario: Scenario, focus: Person, by: User
) -> None:
    children = [focus] if scenario.information_only else family.children
    for child in children:
        services.contact_link_person(contact=contact, person=child, by=by, role=ContactRole.CHILD)
    if scenario.information_only:
        return
    for adult in family.adults:
        partner = adult.relationship == RelationshipType.PARENTS_PARTNER
        accused = partner and bool(scenario.perpetrator)
        bailed = accused and scenario.source == ContactSource.POLICE_MERLIN  # not to go home
        services.contact_link_person(
            contact=contact,
            person=adult.person,
            by=by,
            role=ContactRole.ALLEGED_PERPETRATOR if accused else ContactRole.PARENT_CARER,
            relationship_to_children=adult.relationship,
            has_parental_responsibility=adult.parental_responsibility,
            lives_with_children=not bailed,
        )


def _section(
    step: str, planned: Planned, family: Family | None, ctx: dict[str, str], fake: Faker,
    rng: random.Random,
) -> dict[str, object] | None:  # fmt: skip
    """What the officer enters on one page of the contact form (None: nothing to enter)."""
    scenario = SCENARIOS[planned.scenario]
    if step == "details":
        data: dict[str, object] = {
            "information_only": scenario.information_only,
            "requesting_body": scenario.requesting_body,
        }
        if scenario.ecaf_safeguarding is not None and planned.stop_after != "details":
            data["ecaf_safeguarding"] = scenario.ecaf_safeguarding  # a draft leaves it unanswered
        return data
    if step == "referrer":
        return _referrer(scenario, family, ctx, fake, rng)
    if step == "concerns":
        return {
            "concerns": scenario.concerns.format_map(ctx),
            "alleged_perpetrator_details": scenario.perpetrator.format_map(ctx),
        }
    if step == "family" and not scenario.information_only:
        return {
            "family_aware": scenario.aware,
            "family_agrees": scenario.agrees,
            "family_agreement_details": scenario.agreement.format_map(ctx),
        }
    return None


def log_contacts(
    chosen: list[Family | None], *, staff: dict[str, User], profile: CouncilProfile, today: dt.date
) -> None:
    """Log, submit and screen the planned contacts in the order they arrived."""
    rng = random.Random(SEED + 2)
    fake = Faker("en_GB")
    fake.seed_instance(SEED + 2)
    now = timezone.now()
    arrivals = [(_received_at(p, SCENARIOS[p.scenario], now, rng), i) for i, p in enumerate(PLAN)]
    for when, i in sorted(arrivals):
        planned, family = PLAN[i], chosen[i]
        scenario, by = SCENARIOS[planned.scenario], staff[planned.by]
        # A repeat contact may be about a different child; otherwise the youngest.
        focus = (_focus(family, scenario, today) or family.born[-1]) if family else None
        ctx = _context(family, focus, when, rng) if family and focus else {}
        contact = services.contact_start(by=by, source=scenario.source, received_at=when)
        for step in STEPS[: STEPS.index(planned.stop_after or STEPS[-1]) + 1]:
            if step == "people":
                if family and focus:
                    _link_people(contact, family, scenario, focus, by)
            elif (data := _section(step, planned, family, ctx, fake, rng)) is not None:
                services.contact_update_section(contact=contact, by=by, section=step, data=data)
        if planned.status == S.DRAFT:
            continue
        services.contact_submit(contact=contact, by=by, profile=profile)
        if planned.status == S.SUBMITTED:
            continue
        route = services.contact_screen(
            contact=contact,
            by=staff["screening"],
            profile=profile,
            rationale=RATIONALE[planned.status],
            signposting=scenario.signposting,
        )
        if (
            route.status == S.ASSIGNED_TO_PREVIOUS_TEAM
            and profile.route_recently_closed_to_last_team
        ):
            continue  # Havering: a recently closed case goes back to its last team instead
        if route.status != planned.status:  # the plan and the screening rules disagree
            raise ValueError(
                f"Contact {contact.reference} went to {route.status}, not {planned.status}"
            )
        if planned.rate:
            _rate(contact, planned.rate, staff=staff, profile=profile)


RATING_RATIONALE = {
    "red": "Unexplained injury to a young child: risk of serious harm. MASH checks now.",
    "amber": "Needs are complex and enduring; parenting capacity is affected. Level 3 indicators present.",
    "green": "Low-level needs that early help can meet; the young person asked for support.",
}


def _rate(contact, plan: tuple[str, int, bool, str], *, staff: dict[str, User], profile) -> None:
    """Give a screened demo contact its initial rating."""
    from referrals import rating

    rag, level, cp_concerns, outcome = plan
    if outcome and not profile.uses(outcome):
        outcome = "social_work_referral"  # this council has no such outcome
    referral = outcome == "social_work_referral"
    rating.contact_rate(
        contact=contact,
        by=staff["senior"],
        profile=profile,
        rag=rag,
        level=level,
        cp_concerns=cp_concerns,
        rationale=RATING_RATIONALE[rag],
        outcome=outcome or None,
        team=staff["socialworker3"].team if referral else None,
        assessment_type="cfa" if referral else "",
        borderline="amber_green" if outcome == "daily_discussion" else "",
        now=None,  # screening happened now, so rating follows it
    )


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> list[Family]:
    """Create the families, their case history and the contacts (in the caller's transaction)."""
    today = timezone.localdate()
    maker = FamilyMaker(by=staff["admin"], today=today)
    families = make_families(maker)
    chosen, claimed = choose_families(families, maker)
    plan_histories(families, claimed=claimed)
    open_involvements(families, staff=staff, today=today)
    log_contacts(chosen, staff=staff, profile=profile, today=today)
    return families
