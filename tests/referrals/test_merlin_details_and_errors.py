"""What screening staff see of a police MERLIN (on the contact and in the new-contacts queue),
and a MERLIN CSV reporting every error in one pass."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.merlin import services as merlin
from referrals.merlin.models import MerlinReport
from tests.referrals.merlin_helpers import GOOD_CSV, HEADER, report, subject


@pytest.fixture
def merlin_report(camden, partner_user):
    data = report(
        "MER-SEEN",
        rag="red",
        subjects=[subject("Kim", "Merlin"), subject("Lee", "Merlin", child=False)],
    )
    data.subjects[1].background_checks = "Two domestic abuse call-outs in 2025."
    return merlin.merlin_submit(by=partner_user, profile=camden, data=data)


def test_screening_staff_see_the_merlins_police_details_on_the_contact(
    client, merlin_report, screening_officer
):
    client.force_login(screening_officer)
    page = client.get(merlin_report.contact.get_absolute_url()).text
    assert "Police MERLIN MER-SEEN" in page
    assert "Police RAG rating" in page
    assert "Other" in page  # category
    assert "Two domestic abuse call-outs in 2025." in page
    assert "DS Jo Bloggs" in page


def test_the_mash_social_worker_does_not_get_the_police_screening_panel(
    client, merlin_report, mash_social_worker
):
    client.force_login(mash_social_worker)
    page = client.get(merlin_report.contact.get_absolute_url())
    assert "Police RAG rating" not in page.text


def test_the_new_contacts_queue_shows_the_police_rag(client, merlin_report, screening_officer):
    client.force_login(screening_officer)
    page = client.get(reverse("referrals:queue_new")).text
    assert "Police RAG:" in page
    assert "govuk-tag--red" in page


def _bad_csv() -> bytes:
    lines = GOOD_CSV.splitlines(keepends=True)
    lines[1] = lines[1].replace(",yes,child,Ava", ",no,child,Ava")  # row 2: not signed off
    lines[3] = lines[3].replace("1985-01-01", "31/31/1985")  # row 4: a bad date
    lines[4] = lines[4].replace("MER-AD-2,green", "MER-AD-2,purple")  # row 5: a bad RAG
    lines[5] = (
        lines[5].replace(",no,Group", ",maybe,Group").replace(",yes,child,Eli", ",no,child,Eli")
    )
    return "".join(lines).encode()


def test_a_csv_reports_every_error_in_one_pass_including_sign_off(camden, partner_user):
    with pytest.raises(ValidationError) as exc:
        merlin.parse_csv(_bad_csv())
    messages = exc.value.messages
    assert any(m.startswith("Row 2, column decision_maker_signed_off") for m in messages)
    assert any(m.startswith("Row 4, column date_of_birth") for m in messages)
    assert any(m.startswith("Row 5, column police_rag") for m in messages)
    # Row 6 has two problems; both are named.
    assert any(m.startswith("Row 6, column safeguarding_concerns") for m in messages)
    assert any(m.startswith("Row 6, column decision_maker_signed_off") for m in messages)
    rows = [int(m.split(",")[0].split()[-1]) for m in messages]
    assert rows == sorted(rows)


def test_rows_that_disagree_name_every_column_that_differs(camden, partner_user):
    lines = GOOD_CSV.splitlines(keepends=True)
    lines[2] = lines[2].replace(",red,", ",green,", 1).replace("Jo Bloggs", "Jo Other")
    with pytest.raises(ValidationError) as exc:
        merlin.parse_csv("".join(lines).encode())
    differ = [m for m in exc.value.messages if "differs from row 2" in m]
    assert len(differ) == 2


def test_an_unreadable_row_of_an_already_submitted_merlin_says_both(camden, partner_user):
    merlin.merlin_import_csv(by=partner_user, profile=camden, file=GOOD_CSV.encode())
    bad = HEADER + "MER-AD-2,green,2025-03-02,10:00,adults_only,no,Dispute,Jo,DS,no,adult,D,A,,,,\n"
    with pytest.raises(ValidationError) as exc:
        merlin.parse_csv(bad.encode())
    messages = exc.value.messages
    assert any("decision_maker_signed_off" in m for m in messages)
    assert any("already been submitted" in m for m in messages)


def test_the_upload_page_lists_every_error_in_the_error_summary(
    client, camden, partner_user, settings
):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    response = client.post(
        reverse("referrals:merlin_upload"),
        {"file": SimpleUploadedFile("m.csv", _bad_csv(), content_type="text/csv")},
    )
    assert response.status_code == 200
    summary = response.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    for row in ("Row 2", "Row 4", "Row 5", "Row 6"):
        assert row in summary
    assert MerlinReport.objects.count() == 0
