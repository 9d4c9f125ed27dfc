"""Demo families: invented people, households and case history for `manage.py seed_demo`.

None of it is real: names come from Faker (en_GB) and the short lists below, phone numbers
from Ofcom's drama ranges, NHS numbers from the range the NHS never issues (9…,
`nhs_number.generate()`'s default), and schools, surgeries and streets are made up. Fixed
seeds make every run produce the same people; dates are relative to today.
"""

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import nhs_number
from django.utils.text import slugify
from faker import Faker

from accounts.models import Team, User
from referrals import services
from referrals.models import (
    Ethnicity,
    Person,
    RelationshipType,
    Service,
    Sex,
)

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


def ascii_only(value: str) -> str:
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
            local = f"{ascii_only(first).lower()}.{slugify(ascii_only(surname))}{self.rng.randint(1, 99)}"
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
