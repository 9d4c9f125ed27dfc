"""The DfE Children in Need census, as far as a front door knows it (RETURNS.md section 1).

`build_census(year=...)` makes the XML for the collection year ending 31 March `year`: every
child with a `CinEpisode` open at any point in the year (referred in the year, or referred
earlier and not closed before it began), one `CINdetails` per episode, elements in the XSD's
order, ISO dates and lowercase booleans. There is no default namespace on `<Message>`: the
DfE validator's parser (`root.find("Header")`) finds nothing under one.

What the front door does not know is left out rather than invented: assessment factors,
CIN plans, section 47 enquiries, conferences and child protection plans are recorded by the
receiving social work team in the council's case system, which sends its own census.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Q, QuerySet
from django.utils import timezone

from referrals.models import COUNTED_EPISODE, CinEpisode, Person
from thresholds.models import CouncilProfile

SOFTWARE_CODE = "Children and Families Contact Service"
RELEASE = "0.1.0"


@dataclass(frozen=True)
class CollectionYear:
    """A census collection year, named by the year it ends (2027 = April 2026 to March 2027)."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        """The ReferenceDate: 31 March (validator rule 100)."""
        return dt.date(self.year, 3, 31)

    def __str__(self) -> str:
        return f"{self.year - 1} to {self.year}"


def collection_year_of(day: dt.date) -> CollectionYear:
    """The collection year `day` falls in."""
    return CollectionYear(day.year + 1 if day.month >= 4 else day.year)


def census_episodes(year: CollectionYear) -> QuerySet[CinEpisode]:
    """The episodes the census counts: open at some point between 1 April and 31 March, in
    child order (one query, with the child, the referral and its contact). A withdrawn
    referral's are not (`COUNTED_EPISODE`: the decision that made it was changed)."""
    return (
        CinEpisode.objects.filter(COUNTED_EPISODE, referral_date__lte=year.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year.start))
        .select_related("person", "referral__contact")
        .order_by("person__case_number", "referral_date", "pk")
    )


def _date(day: dt.date) -> str:
    return day.isoformat()


def _bool(value: bool) -> str:
    # Several rules compare ReferralNFA with "true"/"false" case-sensitively (RETURNS.md).
    return "true" if value else "false"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _header(root: ET.Element, *, year: CollectionYear, la_code: str, serial_no: int, now) -> None:
    header = _sub(root, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(year.year))
    _sub(details, "ReferenceDate", _date(year.end))
    source = _sub(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_code)
    _sub(source, "SoftwareCode", SOFTWARE_CODE)
    _sub(source, "Release", RELEASE)
    _sub(source, "SerialNo", f"{serial_no:03d}")
    _sub(
        source, "DateTime", timezone.localtime(now).replace(microsecond=0, tzinfo=None).isoformat()
    )


def _child(children: ET.Element, person: Person, episodes: list[CinEpisode], year, rows) -> None:
    child = _sub(children, "Child")
    ids = _sub(child, "ChildIdentifiers")
    _sub(ids, "LAchildID", person.case_number)
    if person.upn:
        _sub(ids, "UPN", person.upn)
    elif person.upn_unknown:
        _sub(ids, "UPNunknown", person.upn_unknown)
    if person.date_of_birth:
        _sub(ids, "PersonBirthDate", _date(person.date_of_birth))
    elif person.expected_date_of_birth:
        _sub(ids, "ExpectedPersonBirthDate", _date(person.expected_date_of_birth))
    _sub(ids, "Sex", person.sex)
    if person.date_of_death and person.date_of_death <= year.end:
        _sub(ids, "PersonDeathDate", _date(person.date_of_death))
    characteristics = _sub(child, "ChildCharacteristics")
    _sub(characteristics, "Ethnicity", person.ethnicity)
    if person.disabilities:
        disabilities = _sub(characteristics, "Disabilities")
        for code in person.disabilities:
            _sub(disabilities, "Disability", code)
    for episode in episodes:
        _details(child, episode, year, rows)


def _by(day: dt.date | None, year: CollectionYear) -> dt.date | None:
    """A date the census may state: what happened after 31 March is next year's business."""
    return day if day is not None and day <= year.end else None


def _details(child: ET.Element, episode: CinEpisode, year: CollectionYear, rows) -> None:
    rows["CINdetails"].append(episode.pk)
    details = _sub(child, "CINdetails")
    _sub(details, "CINreferralDate", _date(episode.referral_date))
    source = episode.referral.contact.referral_source
    if source:  # absent, not empty: the validator reports it (8866) on this child
        _sub(details, "ReferralSource", source)
    if episode.primary_need:
        _sub(details, "PrimaryNeedCode", episode.primary_need)
    closed_on = _by(episode.closed_on, year)
    if closed_on is not None:
        _sub(details, "CINclosureDate", _date(closed_on))
        _sub(details, "ReasonForClosure", episode.closure_reason)
    started = _by(episode.assessment_started_on, year)
    finished_before = (
        episode.assessment_authorised_on is not None
        and episode.assessment_authorised_on < year.start
    )
    # An assessment authorised before 1 April was last year's return; this one states only
    # assessments open at some time in its year (rule 8696).
    if started is not None and not finished_before:
        rows["Assessments"].append(episode.pk)
        assessment = _sub(details, "Assessments")
        _sub(assessment, "AssessmentActualStartDate", _date(started))
        authorised = _by(episode.assessment_authorised_on, year)
        if authorised is not None:
            _sub(assessment, "AssessmentAuthorisationDate", _date(authorised))
    _sub(details, "ReferralNFA", _bool(episode.nfa))


@dataclass
class Census:
    """The file, which children it names (for the access log when it is downloaded) and which
    episode each table row came from (the validator names rows by position)."""

    xml: bytes
    person_ids: list[int]
    episode_count: int
    rows: dict[str, list[int]]


def build_census(
    *,
    year: CollectionYear,
    profile: CouncilProfile,
    serial_no: int = 1,
    now: dt.datetime | None = None,
    episodes: Iterable[CinEpisode] | None = None,
) -> Census:
    """The census XML for `year` under `profile`'s local authority code."""
    if not profile.la_code:
        raise ValueError(
            f"The council profile {profile.code!r} has no local authority code (LEA): "
            "set it in the admin before making the census."
        )
    episodes = list(census_episodes(year) if episodes is None else episodes)
    root = ET.Element("Message")
    _header(
        root, year=year, la_code=profile.la_code, serial_no=serial_no, now=now or timezone.now()
    )
    children = _sub(root, "Children")
    person_ids = []
    rows: dict[str, list[int]] = {"CINdetails": [], "Assessments": []}
    for _pk, group in groupby(episodes, key=lambda e: e.person_id):
        mine = list(group)
        _child(children, mine[0].person, mine, year, rows)
        person_ids.append(mine[0].person_id)
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Census(xml=xml, person_ids=person_ids, episode_count=len(episodes), rows=rows)
