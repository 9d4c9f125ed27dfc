"""Ofsted ILACS Annex A lists 1 to 3 as one workbook (RETURNS.md section 2).

For the six months before a chosen date: list 1 every contact (one row per child per contact),
list 2 early help assessments (family work cases opened in the six months, or still open),
list 3 every referral to children's social care (one row per child's CIN episode). Column
headings and value labels follow the Annex A specification as liiatools and the Standard
Safeguarding Dataset's Annex A SQL spell them. Lists 4 onwards (assessments, section 47,
CIN, child protection, children in care...) belong to the social work case system.
"""

import calendar
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import safe_cell
from early_help.models import FamilyWorkCase
from referrals.models import COUNTED_EPISODE, CinEpisode, ContactPerson, ContactRole, ContactStatus

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
HEADINGS = {
    "List 1": [*COMMON, "Date of Contact", "Contact Source"],
    "List 2": [
        *COMMON,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    "List 3": [
        *COMMON,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
}
GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
_ETHNICITIES = "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT"
# NOBT: liiatools' data map labels it "s) NOBT", repeating REFU's letter; we follow the SSD
# Annex A SQL's "t) NOBT", which keeps one letter per value.
ETHNICITY = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(_ETHNICITIES.split())}
SOURCE = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    # liiatools has no 5D (early help); the SSD SQL's label.
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}
UNKNOWN_SOURCE = "u) 10: Unknown"
YES, NO = "a) Yes", "b) No"
DATE_FORMAT = "DD/MM/YYYY"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of the month when it has no such day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class AnnexA:
    as_of: dt.date
    start: dt.date
    rows: dict[str, list[list]] = field(default_factory=dict)
    person_ids: set[int] = field(default_factory=set)


def _common(person: dict, as_of: dt.date) -> list:
    return [
        person["case_number"],
        GENDER.get(person["sex"], GENDER["U"]),
        ETHNICITY.get(person["ethnicity"], ETHNICITY["NOBT"]),
        person["date_of_birth"],
        age_on(person["date_of_birth"], as_of),
    ]


PERSON_FIELDS = ("pk", "case_number", "sex", "ethnicity", "date_of_birth")


def _person(values: dict, prefix: str) -> dict:
    return {name: values[f"{prefix}{name}"] for name in PERSON_FIELDS}


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _list_1(annex: AnnexA) -> list[list]:
    since, until = _day_bounds(annex.start, annex.as_of)
    p = "person__"
    links = (
        ContactPerson.objects.filter(
            role=ContactRole.CHILD,
            contact__received_at__gte=since,
            contact__received_at__lt=until,
        )
        .exclude(contact__status=ContactStatus.DRAFT)
        .order_by("contact__received_at", "contact_id", "person__case_number")
        .values(*(p + f for f in PERSON_FIELDS), "contact__received_at", "contact__referral_source")
    )
    rows = []
    for link in links:
        person = _person(link, p)
        annex.person_ids.add(person["pk"])
        received = timezone.localtime(link["contact__received_at"]).date()
        source = SOURCE.get(link["contact__referral_source"], UNKNOWN_SOURCE)
        rows.append([*_common(person, annex.as_of), received, source])
    return rows


def _list_2(annex: AnnexA) -> list[list]:
    since, until = _day_bounds(annex.start, annex.as_of)
    p = "children__"
    cases = (
        FamilyWorkCase.objects.filter(opened_at__lt=until)
        .filter(Q(opened_at__gte=since) | Q(closed_at__isnull=True) | Q(closed_at__gte=until))
        .order_by("opened_at", "pk", "children__case_number")
        .values(
            *(p + f for f in PERSON_FIELDS),
            "opened_at",
            "assessment_completed_on",
            "team__name",
            "family_worker__team__name",
        )
    )
    rows = []
    for case in cases:
        if case[p + "pk"] is None:
            continue
        person = _person(case, p)
        annex.person_ids.add(person["pk"])
        completed = case["assessment_completed_on"]
        rows.append(
            [
                *_common(person, annex.as_of),
                timezone.localtime(case["opened_at"]).date(),
                completed if completed is not None and completed <= annex.as_of else None,
                case["team__name"] or case["family_worker__team__name"] or "",
            ]
        )
    return rows


def _list_3(annex: AnnexA) -> list[list]:
    p = "person__"
    episodes = list(
        # A withdrawn referral is not one (referrals.models.COUNTED_EPISODE).
        CinEpisode.objects.filter(
            COUNTED_EPISODE, referral_date__gte=annex.start, referral_date__lte=annex.as_of
        )
        .order_by("referral_date", "pk")
        .values(
            *(p + f for f in PERSON_FIELDS),
            "referral_date",
            "nfa",
            "referral__contact__referral_source",
            "referral__team__name",
            "referral__contact__assigned_to__first_name",
            "referral__contact__assigned_to__last_name",
        )
    )
    # Every referral of these children in the 12 months before the earliest one: one query.
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, day in CinEpisode.objects.filter(
        COUNTED_EPISODE,
        person_id__in={e[p + "pk"] for e in episodes},
        referral_date__gte=months_before(annex.start, 12),
        referral_date__lte=annex.as_of,
    ).values_list("person_id", "referral_date"):
        earlier[person_id].append(day)
    rows = []
    for episode in episodes:
        person = _person(episode, p)
        annex.person_ids.add(person["pk"])
        day = episode["referral_date"]
        since = months_before(day, 12)
        # As the specification says: the child's referrals in the 12 months to this one,
        # this one included, minus one.
        count = sum(1 for d in earlier[person["pk"]] if since <= d <= day) - 1
        worker = " ".join(
            part
            for part in (
                episode["referral__contact__assigned_to__first_name"],
                episode["referral__contact__assigned_to__last_name"],
            )
            if part
        )
        rows.append(
            [
                *_common(person, annex.as_of),
                day,
                SOURCE.get(episode["referral__contact__referral_source"], UNKNOWN_SOURCE),
                YES if episode["nfa"] else NO,
                max(count, 0),
                episode["referral__team__name"] or "",
                worker,
            ]
        )
    return rows


def annex_a_lists(*, as_of: dt.date) -> AnnexA:
    """Lists 1 to 3 for the six months before `as_of` (inclusive of both ends)."""
    annex = AnnexA(as_of=as_of, start=months_before(as_of, 6) + dt.timedelta(days=1))
    annex.rows = {"List 1": _list_1(annex), "List 2": _list_2(annex), "List 3": _list_3(annex)}
    return annex


def annex_a_workbook(annex: AnnexA) -> bytes:
    """The lists as an XLSX: one sheet per list, bold headings, dates as Excel dates."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, headings in HEADINGS.items():
        sheet = book.create_sheet(name)
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = bold
        for row in annex.rows.get(name, []):
            sheet.append([safe_cell(v) for v in row])
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
        for i, heading in enumerate(headings, start=1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
                14, len(heading) + 2
            )
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
