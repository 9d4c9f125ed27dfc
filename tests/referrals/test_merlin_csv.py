"""Bulk MERLIN import from CSV: routing, atomicity, row-numbered errors, junk input."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AgencyKind, Notification, PartnerAgency
from accounts.roles import Role
from referrals.merlin import services as merlin
from referrals.merlin.models import MerlinReport, MerlinRoute
from referrals.models import Contact, ContactStatus, Person
from tests.factories import UserFactory

from .merlin_helpers import GOOD_CSV, HEADER

pytestmark = pytest.mark.django_db


def test_csv_of_three_reports_routes_each_and_copies_the_domestic_abuse_service(
    camden, partner_user
):
    safety_net = PartnerAgency.objects.get(kind=AgencyKind.DOMESTIC_ABUSE, profile=camden)
    da_worker = UserFactory(roles=[Role.PARTNER_AGENCY_USER], agency=safety_net)

    reports = merlin.merlin_import_csv(by=partner_user, profile=camden, file=GOOD_CSV.encode())

    by_ref = {r.reference: r for r in reports}
    assert set(by_ref) == {"MER-DA-1", "MER-AD-2", "MER-YC-3"}
    da = by_ref["MER-DA-1"]
    assert da.subjects.filter(is_child=True).count() == 2
    assert da.subjects.get(is_child=False).background_checks == "Two previous DA callouts"
    assert da.route == MerlinRoute.SCREENING and da.contact.screening_priority == 0
    assert da.copies.get().agency == safety_net
    assert Notification.objects.filter(user=da_worker, title__contains="MER-DA-1").exists()
    assert by_ref["MER-AD-2"].route == MerlinRoute.ADULT_SERVICES
    assert by_ref["MER-YC-3"].route == MerlinRoute.YOUTH_SERVICE
    assert by_ref["MER-YC-3"].copies.get().agency.kind == AgencyKind.YOUTH
    assert by_ref["MER-YC-3"].contact.status == ContactStatus.INFORMATION_ONLY


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(camden, partner_user):
    lines = GOOD_CSV.splitlines(keepends=True)
    lines[3] = lines[3].replace("1985-01-01", "31/31/1985")  # row 4 in a spreadsheet
    contacts, people = Contact.objects.count(), Person.objects.count()

    with pytest.raises(ValidationError) as exc:
        merlin.merlin_import_csv(by=partner_user, profile=camden, file="".join(lines).encode())

    assert exc.value.messages == [
        "Row 4, column date_of_birth: enter a date as YYYY-MM-DD or DD/MM/YYYY"
    ]
    assert MerlinReport.objects.count() == 0
    assert (Contact.objects.count(), Person.objects.count()) == (contacts, people)


def test_report_rows_that_disagree_are_refused(camden, partner_user):
    lines = GOOD_CSV.splitlines(keepends=True)
    lines[2] = lines[2].replace(",red,", ",green,", 1)
    with pytest.raises(ValidationError) as exc:
        merlin.parse_csv("".join(lines).encode())
    assert "Row 3, column police_rag: differs from row 2" in exc.value.messages[0]


def test_duplicate_reference_in_a_file_already_submitted_is_refused(camden, partner_user):
    merlin.merlin_import_csv(by=partner_user, profile=camden, file=GOOD_CSV.encode())
    with pytest.raises(ValidationError) as exc:
        merlin.merlin_import_csv(by=partner_user, profile=camden, file=GOOD_CSV.encode())
    assert any("MER-AD-2 has already been submitted" in m for m in exc.value.messages)
    assert MerlinReport.objects.count() == 3


def test_a_report_naming_no_child_outside_adults_only_names_its_rows(camden, partner_user):
    bad = HEADER + "M-X,red,2025-03-01,,missing_child,no,Gone,Jo,DS,yes,adult,Al,Adult,,,,\n"
    with pytest.raises(ValidationError) as exc:
        merlin.parse_csv(bad.encode())
    assert exc.value.messages == [
        "Row 2, MERLIN M-X (subjects): Name at least one child, or choose adults only"
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00binary",
        b"not,a,merlin\n1,2,3\n",
        HEADER.encode(),
        (HEADER + "x" * 5000 + "\n").encode(),
        (
            HEADER + ",,,,,,,,,,,,,,,,\n" + "A,purple,yesterday,25:99,cats,maybe,,,,no,dog,,,,,,\n"
        ).encode(),
        (HEADER + "A" * 40 + ",red,2025-01-01,,other,no,s,n,r,yes,child,A,B,,,,\n").encode(),
        (HEADER + "A,red,2025-01-01,,other,no,s,n,r,yes,child,A," + "B" * 90 + ",,,,\n").encode(),
    ],
)
def test_junk_files_are_refused_with_a_message_never_a_crash(camden, partner_user, raw):
    with pytest.raises(ValidationError):
        merlin.merlin_import_csv(by=partner_user, profile=camden, file=raw)
    assert MerlinReport.objects.count() == 0


def test_upload_page_lists_row_errors_in_the_error_summary(client, camden, partner_user, settings):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    bad = GOOD_CSV.replace("MER-YC-3,amber", "MER-YC-3,purple")
    response = client.post(
        reverse("referrals:merlin_upload"),
        {"file": SimpleUploadedFile("m.csv", bad.encode(), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Row 6, column police_rag" in response.text
    assert MerlinReport.objects.count() == 0


def test_merlin_form_with_junk_never_500s(client, camden, partner_user, settings):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    junk = {
        "reference": "x" * 500,
        "police_rag": "purple",
        "incident_date": "99/99/9999",
        "incident_time": "25:61",
        "category": "<script>",
        "child1_first_name": "A",
        "child1_date_of_birth": "not a date",
    }
    assert client.post(reverse("referrals:merlin_new"), junk).status_code == 200
    response = client.post(
        reverse("referrals:merlin_new"),
        {
            "reference": "F-1",
            "police_rag": "red",
            "incident_date": "01/03/2025",
            "incident_time": "21:30",
            "category": "other",
            "safeguarding_concerns": "yes",
            "summary": "Found wandering",
            "decision_maker_name": "Jo",
            "decision_maker_rank": "DS",
            "signed_off": "on",
            "child1_first_name": "Zed",
            "child1_last_name": "Formchild",
            "child1_date_of_birth": "01/02/2016",
        },
    )
    assert response.status_code == 302
    assert MerlinReport.objects.get().contact.screening_priority == 0
    assert client.post(reverse("referrals:merlin_upload"), {}).status_code == 200
