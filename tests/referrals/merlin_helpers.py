"""Building MERLIN reports for the tests."""

import datetime as dt

from django.utils import timezone

from referrals.merlin.services import ReportData, SubjectData

HEADER = (
    "merlin_reference,police_rag,incident_date,incident_time,category,safeguarding_concerns,"
    "summary,decision_maker_name,decision_maker_rank,decision_maker_signed_off,person_type,"
    "first_name,last_name,date_of_birth,address_line_1,postcode,background_checks\n"
)
GOOD_CSV = HEADER + (
    "MER-DA-1,red,2025-03-01,22:10,domestic_abuse,yes,Argument overheard; children present,"
    "Jo Bloggs,DS,yes,child,Ava,Merlinson,2016-04-02,1 High St,NW1 1AA,\n"
    "MER-DA-1,red,2025-03-01,22:10,domestic_abuse,yes,Argument overheard; children present,"
    "Jo Bloggs,DS,yes,child,Ben,Merlinson,2019-07-11,1 High St,NW1 1AA,\n"
    "MER-DA-1,red,2025-03-01,22:10,domestic_abuse,yes,Argument overheard; children present,"
    "Jo Bloggs,DS,yes,adult,Carl,Merlinson,1985-01-01,1 High St,NW1 1AA,Two previous DA callouts\n"
    "MER-AD-2,green,2025-03-02,10:00,adults_only,no,Dispute between neighbours,"
    "Jo Bloggs,DS,yes,adult,Dana,Adultsonly,1970-05-05,,,No trace\n"
    "MER-YC-3,amber,02/03/2025,18:45,youth_crime,no,Group causing damage in the park,"
    "Jo Bloggs,DS,yes,child,Eli,Youthful,2009-09-09,,,\n"
)


def subject(first: str = "Kim", last: str = "Merlin", *, child: bool = True, dob=None):
    return SubjectData(
        is_child=child,
        first_name=first,
        last_name=last,
        date_of_birth=dob or (dt.date(2015, 6, 1) if child else dt.date(1980, 1, 1)),
    )


def report(reference: str = "MER-1", *, rag="amber", category="other", subjects=None, **kw):
    values = {
        "reference": reference,
        "police_rag": rag,
        "incident_at": timezone.now() - dt.timedelta(hours=10),
        "category": category,
        "safeguarding_concerns": False,
        "summary": "Police called to the address.",
        "decision_maker_name": "Jo Bloggs",
        "decision_maker_rank": "DS",
        "signed_off": True,
        "subjects": subjects if subjects is not None else [subject()],
    }
    values.update(kw)
    return ReportData(**values)
