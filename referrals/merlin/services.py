"""Police MERLIN reports arriving at the front door, one at a time or as a CSV file [DOMAIN §9].

Each report becomes a submitted contact (source: police MERLIN) and is routed on arrival:
- domestic abuse: a copy always goes to the council's domestic abuse service;
- no children named (adults only, or domestic abuse without children): closed at the front
  door as passed to adult services / the domestic abuse service;
- youth crime or anti-social behaviour with no safeguarding concern: passed to the youth service;
- a child open to a service: passed to the allocated worker; the senior practitioners and the
  case's team manager are told (the same rule screening applies, `services.screening_route`);
- otherwise (closed or not known): it waits in the new-contacts queue, red then amber first,
  and the screening officer screens it (`services.contact_screen`) for a senior practitioner's
  initial rating.
Where a council has no agency of the kind needed, the screening officers are told to pass the
report on by hand and a copy row records that nobody was set up.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import AgencyKind, MessagePurpose, PartnerAgency, TeamKind, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from accounts.services import email_queue, notify
from core.enums import Rag
from core.templatetags.govuk import govuk_datetime
from core.text import lower_in_sentence
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from .. import duplicates, lifecycle, selectors, services
from ..matching import SearchTerms, find_candidates
from ..models import (
    Contact,
    ContactPerson,
    ContactRole,
    ContactSource,
    ContactStatus,
    Person,
    ReferralSource,
)
from ..rating import profile_team
from .models import MerlinCategory, MerlinCopy, MerlinReport, MerlinRoute, MerlinSubject

PRIORITY = {Rag.RED: 0, Rag.AMBER: 1}
STRONG_MATCH = 90
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


def can_submit_merlin(user: User) -> bool:
    """Police Public Protection Desk staff: the permission and a police agency, together."""
    return bool(
        user.is_authenticated
        and user.has_perm("referrals.submit_merlin")
        and user.agency_id
        and user.agency.kind == AgencyKind.POLICE
        and user.agency.is_active
    )


# Validating what the police send ---------------------------------------------------------


@dataclass
class SubjectData:
    is_child: bool
    first_name: str
    last_name: str
    date_of_birth: dt.date | None = None
    address_line_1: str = ""
    postcode: str = ""
    background_checks: str = ""


@dataclass
class ReportData:
    reference: str
    police_rag: str
    incident_at: dt.datetime
    category: str
    safeguarding_concerns: bool
    summary: str
    decision_maker_name: str
    decision_maker_rank: str
    signed_off: bool
    subjects: list[SubjectData] = field(default_factory=list)


def check_report(data: ReportData) -> None:
    """Whole-report rules; raise ValidationError keyed by field."""
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = "Enter the MERLIN reference"
    elif MerlinReport.objects.filter(reference__iexact=data.reference.strip()).exists():
        errors["reference"] = f"MERLIN {data.reference.strip()} has already been submitted"
    for name, limit in (
        ("reference", 30),
        ("decision_maker_name", 120),
        ("decision_maker_rank", 60),
    ):
        # The reference is kept in capitals, and some letters grow when capitalised ("ß" is
        # "SS"): measure what will be stored, not what was typed.
        value = getattr(data, name).strip()
        if len(value.upper() if name == "reference" else value) > limit:
            errors[name] = f"Use {limit} characters or fewer"
    if data.police_rag not in Rag.values:
        errors["police_rag"] = "Select the police RAG rating: red, amber or green"
    if data.category not in MerlinCategory.values:
        errors["category"] = "Select the category of the report"
    if data.incident_at > timezone.now() + dt.timedelta(minutes=5):
        errors["incident_at"] = "The incident date must be today or in the past"
    if not data.summary.strip():
        errors["summary"] = "Enter the summary of the incident"
    if not data.decision_maker_name.strip():
        errors["decision_maker_name"] = "Enter the police decision maker's name"
    if not data.decision_maker_rank.strip():
        errors["decision_maker_rank"] = "Enter the police decision maker's rank"
    if not data.signed_off:
        errors["signed_off"] = "The police decision maker must check the RAG rating and sign off"
    children = [s for s in data.subjects if s.is_child]
    if not data.subjects:
        errors["subjects"] = "Name at least one child or adult"
    elif data.category == MerlinCategory.ADULTS_ONLY and children:
        errors["category"] = "An adults only report cannot name a child: choose another category"
    elif not children and data.category not in (
        MerlinCategory.ADULTS_ONLY,
        MerlinCategory.DOMESTIC_ABUSE,
    ):
        errors["subjects"] = "Name at least one child, or choose adults only"
    for s in data.subjects:
        if not (s.first_name.strip() and s.last_name.strip()):
            errors["subjects"] = "Give each person's first and last name"
        elif (
            max(len(s.first_name), len(s.last_name), len(s.address_line_1)) > 80
            or len(s.postcode) > 10
        ):
            errors["subjects"] = "Names and addresses must be under 80 characters, postcodes 10"
    if errors:
        raise ValidationError(errors)


# Recording ------------------------------------------------------------------------------------


def _require_police(by: User) -> None:
    if not can_submit_merlin(by):
        raise PermissionDenied("Only police Public Protection Desk staff may submit MERLINs")


def _person_for(subject: SubjectData, *, by: User, reference: str) -> tuple[Person, bool]:
    """The one strong match through matching.py, or a new person record (never a duplicate)."""
    terms = SearchTerms(
        first_name=subject.first_name,
        last_name=subject.last_name,
        date_of_birth=subject.date_of_birth,
    )
    strong = [c for c in find_candidates(terms) if c.score >= STRONG_MATCH]
    if len(strong) == 1 or (strong and subject.date_of_birth and strong[0].score > strong[1].score):
        return strong[0].person, True
    person = services.person_create_for_report(
        by=by,
        reason=f"Named on police MERLIN {reference}",
        address={"line_1": subject.address_line_1, "postcode": subject.postcode},
        first_name=subject.first_name.strip(),
        last_name=subject.last_name.strip(),
        date_of_birth=subject.date_of_birth,
    )
    return person, False


def _agency(profile: CouncilProfile, kind: AgencyKind) -> PartnerAgency | None:
    return (
        PartnerAgency.objects.filter(Q(profile=profile) | Q(profile__isnull=True), kind=kind)
        .filter(is_active=True)
        .order_by("profile_id", "name")
        .first()
    )


def _screeners(profile: CouncilProfile, *roles: Role) -> list[User]:
    team = profile_team(profile, TeamKind.SCREENING)
    qs = User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles]).distinct()
    in_team = list(qs.filter(team=team)) if team else []
    return in_team or list(qs)


def _copy_to(
    report: MerlinReport,
    *,
    profile: CouncilProfile,
    kind: AgencyKind,
    reason: MerlinRoute,
    what: str,
) -> MerlinCopy:
    """Send the report to a partner service, or tell the screening officers there is none."""
    agency = _agency(profile, kind)
    now = timezone.now()
    if agency is None:
        copy = MerlinCopy(
            report=report,
            reason=reason,
            created_at=now,
            note=f"{profile} has no {lower_in_sentence(kind.label)} set up: the screening officer must "
            f"send MERLIN {report.reference} to {what} by hand.",
        )
        save_audited(copy, user=report.submitted_by, reason="MERLIN copy: no agency set up")
        for user in _screeners(profile, Role.SCREENING_OFFICER):
            notify(
                user=user,
                title=f"MERLIN {report.reference}: send it to {what} by hand",
                body=copy.note,
                url=report.contact.get_absolute_url(),
            )
        return copy
    copy = MerlinCopy(
        report=report,
        agency=agency,
        reason=reason,
        created_at=now,
        note=f"Copy sent to {agency.name}",
    )
    save_audited(copy, user=report.submitted_by, reason=f"MERLIN copied to {agency.name}")
    body = (
        f"Police MERLIN {report.reference} ({lower_in_sentence(report.get_category_display())}, police RAG "
        f"{lower_in_sentence(report.get_police_rag_display())}), incident on "
        f"{govuk_datetime(timezone.localtime(report.incident_at))}.\n\n{report.summary}"
    )
    for user in agency.staff.filter(is_active=True):
        notify(user=user, title=f"Police MERLIN {report.reference} sent to your service", body=body)
    if agency.secure_email:
        email_queue(
            to=agency.secure_email,
            subject=f"Police MERLIN {report.reference} sent to your service",
            body=body,
            purpose=MessagePurpose.NOTIFICATION,
            about=copy,
            forbidden_names=selectors.names_on(report.contact),
        )
    return copy


def _pass_to_worker(
    contact: Contact, route: services.ScreeningRoute, profile: CouncilProfile, report: MerlinReport
) -> None:
    """An open case: the allocated worker and their team hold it; the senior practitioners and
    the team manager are told (the team manager reads it through the team's grant)."""
    workers = route.workers
    contact = lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.PASSED_TO_ALLOCATED_WORKER,
        by=report.submitted_by,
        reason="MERLIN passed to the allocated worker on arrival",
        team=route.team,
        worker=workers[0] if workers else None,
        more_workers=workers[1:],
        profile=profile,
        facts={
            "screened_at": timezone.now(),
            "screening_rationale": "Police MERLIN about a child open to a service. "
            + route.explanation,
        },
    )
    url = contact.get_absolute_url()
    for worker in workers:
        notify(
            user=worker,
            title=f"Police MERLIN {report.reference} (contact {contact.reference}) on a case "
            "allocated to you",
            url=url,
        )
    managers = users_with_role(Role.TEAM_MANAGER, team=route.team) if route.team else []
    for user in [*_screeners(profile, Role.SENIOR_PRACTITIONER), *managers]:
        notify(
            user=user,
            title=f"Police MERLIN {report.reference} (contact {contact.reference}) passed to an "
            "allocated worker",
            body=route.explanation,
            url=url,
        )


def _route(report: MerlinReport, contact: Contact, profile: CouncilProfile) -> None:
    children = [s.person for s in report.subjects.all() if s.is_child]
    if report.category == MerlinCategory.DOMESTIC_ABUSE:
        _copy_to(
            report,
            profile=profile,
            kind=AgencyKind.DOMESTIC_ABUSE,
            reason=MerlinRoute.DOMESTIC_ABUSE_ONLY,
            what="the domestic abuse service",
        )
    close_as = None
    if not children and report.category == MerlinCategory.DOMESTIC_ABUSE:
        close_as = MerlinRoute.DOMESTIC_ABUSE_ONLY
        note = "Domestic abuse with no children named: no concern for a child; the domestic abuse service has its copy."
    elif not children:
        close_as = MerlinRoute.ADULT_SERVICES
        copy = _copy_to(
            report,
            profile=profile,
            kind=AgencyKind.ADULT_SOCIAL_CARE,
            reason=close_as,
            what="adult services",
        )
        note = f"Adults only: passed to adult services. {copy.note}"
    statuses = selectors.statuses_for(children)
    any_open = any(s.is_open for s in statuses.values())
    if (
        close_as is None
        and report.category == MerlinCategory.YOUTH_CRIME
        and not report.safeguarding_concerns
        and not any_open
    ):
        close_as = MerlinRoute.YOUTH_SERVICE
        copy = _copy_to(
            report,
            profile=profile,
            kind=AgencyKind.YOUTH,
            reason=close_as,
            what="the youth service",
        )
        note = f"Youth crime or anti-social behaviour with no safeguarding concern: passed to the youth service. {copy.note}"
    if close_as is not None:
        lifecycle.contact_move(
            contact=contact,
            to=ContactStatus.INFORMATION_ONLY,
            by=report.submitted_by,
            reason=f"MERLIN routed on arrival: {note}",
            profile=profile,
            facts={"screened_at": timezone.now(), "signposting": note, "screening_rationale": note},
        )
        report.route, report.route_note = close_as, note
        save_audited(
            report, user=report.submitted_by, reason=f"Routed: {report.get_route_display()}"
        )
        return
    route = services.screening_route(contact, profile=profile, today=timezone.localdate())
    if route.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER:
        _pass_to_worker(contact, route, profile, report)
        report.route, report.route_note = MerlinRoute.ALLOCATED_WORKER, route.explanation
    else:
        report.route = MerlinRoute.SCREENING
        report.route_note = "Closed or not known: waiting for the screening officer, then a senior practitioner's initial rating."
    save_audited(report, user=report.submitted_by, reason=f"Routed: {report.get_route_display()}")


@transaction.atomic
def merlin_submit(*, by: User, profile: CouncilProfile, data: ReportData) -> MerlinReport:
    """Record one signed-off MERLIN as a submitted contact and route it (DOMAIN §9)."""
    _require_police(by)
    check_report(data)
    now = timezone.now()
    reference = data.reference.strip().upper()
    subjects = [(s, *_person_for(s, by=by, reference=reference)) for s in data.subjects]
    contact = Contact(
        reference=services.contact_reference(),
        source=ContactSource.POLICE_MERLIN,
        status=ContactStatus.SUBMITTED,
        received_at=now,
        submitted_at=now,
        referral_source=ReferralSource.POLICE,
        referrer_name=by.get_full_name() or by.username,
        referrer_is_professional=True,
        referrer_organisation=by.agency.name,
        referrer_role=by.job_title or "Public Protection Desk",
        referrer_email=by.email,
        concerns=f"Police MERLIN {reference}: {data.summary.strip()}",
        screening_priority=PRIORITY.get(data.police_rag, 2),
        created_by=by,
    )
    save_audited(contact, user=by, reason=f"Contact from police MERLIN {reference}")
    # Created already submitted (not a move): its screening clock starts here, from receipt;
    # routing it on arrival meets it at once (lifecycle.MEETS).
    clocks.deadline_start(
        profile=profile,
        kind=ClockKind.SCREENING,
        by=by,
        contact=contact,
        team=profile_team(profile, TeamKind.SCREENING),
        responsible_role=Role.SCREENING_OFFICER,
        started_at=now,
    )
    report = MerlinReport(
        reference=reference,
        police_rag=data.police_rag,
        incident_at=data.incident_at,
        category=data.category,
        safeguarding_concerns=data.safeguarding_concerns,
        summary=data.summary.strip(),
        decision_maker_name=data.decision_maker_name.strip(),
        decision_maker_rank=data.decision_maker_rank.strip(),
        signed_off_at=now,
        submitted_by=by,
        submitted_at=now,
        contact=contact,
        route=MerlinRoute.SCREENING,
    )
    save_audited(report, user=by, reason="MERLIN submitted")
    statuses = selectors.statuses_for(p for _, p, _ in subjects)
    seen: set[int] = set()
    for subject, person, matched in subjects:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        save_audited(
            MerlinSubject(
                report=report,
                person=person,
                is_child=subject.is_child,
                matched_existing=matched,
                background_checks=subject.background_checks.strip(),
            ),
            user=by,
            reason="Named on the MERLIN",
        )
        link = ContactPerson(
            contact=contact,
            person=person,
            role=ContactRole.CHILD if subject.is_child else ContactRole.OTHER_ADULT,
            known_status=statuses[person.pk].status,
        )
        save_audited(link, user=by, reason=f"Named on police MERLIN {reference}")
    duplicates.contact_flag_duplicates(contact=contact, profile=profile, by=by)
    _route(report, contact, profile)
    return report


# CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "merlin_reference",
    "police_rag",
    "incident_date",
    "incident_time",
    "category",
    "safeguarding_concerns",
    "summary",
    "decision_maker_name",
    "decision_maker_rank",
    "decision_maker_signed_off",
    "person_type",
    "first_name",
    "last_name",
    "date_of_birth",
    "address_line_1",
    "postcode",
    "background_checks",
)
REPORT_COLUMNS = CSV_COLUMNS[:10]
REQUIRED = {
    "merlin_reference",
    "police_rag",
    "incident_date",
    "category",
    "summary",
    "decision_maker_name",
    "decision_maker_rank",
    "decision_maker_signed_off",
    "person_type",
    "first_name",
    "last_name",
}
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError("enter a date as YYYY-MM-DD or DD/MM/YYYY")


def _time(value: str) -> dt.time:
    try:
        return dt.datetime.strptime(value or "00:00", "%H:%M").time()
    except ValueError:
        raise ValueError("enter a 24-hour time as HH:MM") from None


def _yes_no(value: str) -> bool:
    v = value.lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise ValueError("enter yes or no")


def _choice(value: str, choices: type) -> str:
    v = value.strip().lower().replace(" ", "_")
    if v not in choices.values:
        raise ValueError("enter one of " + ", ".join(choices.values))
    return v


# Column limits a row is checked against, as the report stores them (check_report).
LIMITS = {
    "merlin_reference": 30,
    "decision_maker_name": 120,
    "decision_maker_rank": 60,
    "first_name": 80,
    "last_name": 80,
    "address_line_1": 80,
    "postcode": 10,
}


def _parse_row(n: int, row: dict[str, str], errors: list[str]) -> tuple[dict, SubjectData] | None:
    """One row read and checked in full: every problem in every column is added to `errors`
    (a row is never checked only up to its first problem). None if it had any."""

    def err(col: str, msg: str) -> None:
        errors.append(f"Row {n}, column {col}: {msg}")

    before = len(errors)
    for col in sorted(REQUIRED):
        if not row.get(col):
            err(col, "this column must not be empty")
    out: dict[str, Any] = {}
    parsers = {
        "police_rag": lambda v: _choice(v, Rag),
        "category": lambda v: _choice(v, MerlinCategory),
        "incident_date": _date,
        "incident_time": _time,
        "safeguarding_concerns": _yes_no,
        "decision_maker_signed_off": _yes_no,
        "date_of_birth": lambda v: _date(v) if v else None,
    }
    for col, parse in parsers.items():
        try:
            out[col] = parse(row.get(col, ""))
        except ValueError as exc:
            if row.get(col) or col not in REQUIRED:
                err(col, str(exc))
    person_type = row.get("person_type", "").lower()
    if person_type and person_type not in ("child", "adult"):
        err("person_type", "enter child or adult")
    if out.get("date_of_birth") and out["date_of_birth"] > timezone.localdate():
        err("date_of_birth", "the date of birth must be in the past")
    # What check_report refuses of one report, checked here row by row, so a file's every
    # problem is listed at once rather than some only after the others are put right.
    if out.get("decision_maker_signed_off") is False and row.get("decision_maker_signed_off"):
        err(
            "decision_maker_signed_off",
            "the police decision maker must check the RAG rating and sign off: enter yes",
        )
    for col, limit in LIMITS.items():
        value = row.get(col, "")
        if len(value.upper() if col == "merlin_reference" else value) > limit:
            err(col, f"use {limit} characters or fewer")
    tz = timezone.get_current_timezone()
    if out.get("incident_date") and out.get("incident_time") is not None:
        incident_at = dt.datetime.combine(out["incident_date"], out["incident_time"], tzinfo=tz)
        if incident_at > timezone.now() + dt.timedelta(minutes=5):
            err("incident_date", "the incident date must be today or in the past")
    if len(errors) > before:
        return None
    report = {
        "reference": row["merlin_reference"].upper(),
        "police_rag": out["police_rag"],
        "incident_at": dt.datetime.combine(out["incident_date"], out["incident_time"], tzinfo=tz),
        "category": out["category"],
        "safeguarding_concerns": out["safeguarding_concerns"],
        "summary": row["summary"],
        "decision_maker_name": row["decision_maker_name"],
        "decision_maker_rank": row["decision_maker_rank"],
        "signed_off": out["decision_maker_signed_off"],
    }
    subject = SubjectData(
        is_child=person_type == "child",
        first_name=row["first_name"],
        last_name=row["last_name"],
        date_of_birth=out["date_of_birth"],
        address_line_1=row.get("address_line_1", ""),
        postcode=row.get("postcode", ""),
        background_checks=row.get("background_checks", ""),
    )
    return report, subject


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, stripped row); a row the csv module cannot read names itself."""
    n = 1  # row 1 is the header, as a spreadsheet numbers it
    while True:
        n += 1
        try:
            raw_row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module stops at a value longer than its field limit (131,072 characters),
            # far beyond any column's use; it cannot say which column, only where it stopped.
            reason = (
                "a value is far too long (no column may hold more than 131,072 characters)"
                if "field larger than field limit" in str(exc)
                else f"this row cannot be read as CSV ({exc})"
            )
            raise ValidationError(f"Row {n}: {reason}") from None
        if n > MAX_ROWS + 1:
            raise ValidationError(f"A file may hold at most {MAX_ROWS} rows: split it")
        yield n, {k: (v or "").strip() for k, v in raw_row.items() if isinstance(k, str)}


def parse_csv(raw: bytes) -> list[tuple[list[int], ReportData]]:
    """Rows grouped into reports by reference; every problem found, each naming row and column."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError("The file must be smaller than 2 MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file must be a CSV saved as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValidationError("Row 1 (the header) is missing the columns: " + ", ".join(missing))
    reader.fieldnames = header
    errors: list[str] = []
    reports: dict[str, tuple[list[int], dict, list[SubjectData]]] = {}
    # Rows of each reference that could not be read: their report is not whole, so only what
    # does not depend on its people (the reference already submitted) is checked for it.
    failed: dict[str, list[int]] = {}
    for n, row in _rows(reader):
        if not any(row.values()):
            continue
        nul = [col for col, value in row.items() if "\x00" in value]
        if nul:
            errors += [f"Row {n}, column {col}: remove the NUL character (0x00)" for col in nul]
            continue
        parsed = _parse_row(n, row, errors)
        if parsed is None:
            reference = row.get("merlin_reference", "").upper()
            if reference:
                failed.setdefault(reference, []).append(n)
            continue
        report, subject = parsed
        if report["reference"] in reports:
            rows, first, subjects = reports[report["reference"]]
            for key, col in zip(report, REPORT_COLUMNS, strict=False):
                if report[key] != first[key]:
                    errors.append(
                        f"Row {n}, column {col}: differs from row {rows[0]} of the same MERLIN"
                    )
            rows.append(n)
            subjects.append(subject)
        else:
            reports[report["reference"]] = ([n], report, [subject])
    if not reports and not errors:
        raise ValidationError("The file has no reports in it")
    out = []
    for rows, report, subjects in reports.values():
        data = ReportData(**report, subjects=subjects)
        if data.reference in failed:
            continue
        try:
            check_report(data)
        except ValidationError as exc:
            where = f"Row {rows[0]}" if len(rows) == 1 else f"Rows {', '.join(map(str, rows))}"
            for col, msgs in exc.message_dict.items():
                errors += [f"{where}, MERLIN {data.reference} ({col}): {m}" for m in msgs]
        out.append((rows, data))
    for reference, rows in failed.items():
        if MerlinReport.objects.filter(reference__iexact=reference).exists():
            where = f"Row {rows[0]}" if len(rows) == 1 else f"Rows {', '.join(map(str, rows))}"
            errors.append(
                f"{where}, MERLIN {reference} (reference): MERLIN {reference} has already "
                "been submitted"
            )
    if errors:
        raise ValidationError(_in_row_order(errors))
    return out


def _in_row_order(errors: list[str]) -> list[str]:
    """The messages sorted by the first row each names (stable: a row's own order is kept)."""

    def first_row(message: str) -> int:
        digits = "".join(c for c in message.split(",")[0].split(" ")[-1] if c.isdigit())
        return int(digits) if digits else 0

    return sorted(errors, key=first_row)


@transaction.atomic
def merlin_import_csv(*, by: User, profile: CouncilProfile, file: Any) -> list[MerlinReport]:
    """Import a CSV of MERLINs: all of it, or (on any error) none of it."""
    _require_police(by)
    # One byte past the limit is enough to refuse it: a bigger file is never read whole.
    raw = file.read(MAX_UPLOAD_BYTES + 1) if hasattr(file, "read") else file
    if isinstance(raw, str):
        raw = raw.encode()
    parsed = parse_csv(raw)
    return [merlin_submit(by=by, profile=profile, data=data) for _, data in parsed]


def reports_submitted_by(user: User):
    """The reports a police user submitted, newest first, with what the list shows."""
    return (
        MerlinReport.objects.filter(submitted_by=user)
        .select_related("contact")
        .prefetch_related("copies__agency")
        .order_by("-submitted_at")
    )
