"""The disclosure holds the records added since it was first built: a partner's disagreement
with the MASH decision (its reasons redactable), corrections (field names, never the old
values), warnings on the person (redactable: the serious-harm test) and the PDF shows them."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from mash import disagreements
from privacy import subject_access
from privacy.disclosure import PARTNER, WARNING, collect, gather, to_pdf
from referrals import corrections
from referrals.person_warnings import services as warnings
from tests.mash.records import referred_by_the_mash
from tests.privacy.cases import open_request
from tests.privacy.test_disclosure import pdf_text

pytestmark = pytest.mark.django_db

DISAGREES = "Police hold that the section 47 threshold is met."
WARNED = "Father threatened a social worker with a knife in March."


@pytest.fixture
def disclosed(
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    social_work_team,
    service_manager,
):
    enquiry, requests, police_user = referred_by_the_mash(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        team=social_work_team,
    )
    contact = enquiry.contact
    police = next(r for r in requests.values() if r.agency_id == police_user.agency_id)
    disagreement = disagreements.disagreement_raise_by_partner(
        request=police, by=police_user, profile=havering, reasons=DISAGREES
    )
    contact.refresh_from_db()
    old_concerns = contact.concerns
    corrections.contact_correct(
        contact=contact,
        by=senior_practitioner,
        section="concerns",
        data={"concerns": "Corrected account of the concerns.", "alleged_perpetrator_details": ""},
        reason="The school rang back with the right account.",
        version=contact.version,
    )
    child = contact.people.get()
    warning = warnings.warning_propose(
        person=child,
        by=screening_officer,
        kind="staff_safety",
        reason=WARNED,
        partner_summary="Visit in pairs.",
        review_on=timezone.localdate() + dt.timedelta(days=90),
    )
    sar = open_request(child=child, by=service_manager)
    return {
        "sar": sar,
        "disagreement": disagreement,
        "warning": warning,
        "old_concerns": old_concerns,
        "service_manager": service_manager,
    }


def test_disagreements_corrections_and_warnings_are_in_the_disclosure(disclosed):
    record = gather(disclosed["sar"])
    [contact] = record["contacts"]
    [disagreement] = contact["mash_enquiry"]["disagreements"]
    assert disagreement["reasons"] == {"text": DISAGREES}
    assert disagreement["status"] == "Escalated to the MASH manager"
    [correction] = contact["corrections"]
    assert correction["fields_corrected"] and correction["reason"].startswith("The school")
    assert disclosed["old_concerns"] not in json.dumps(record)
    [warning] = record["warnings"]
    assert warning["reason"] == WARNED and warning["type"]
    assert any(h["record"].startswith("Disagreement with a decision") for h in record["history"])
    text = pdf_text(to_pdf(record))
    for shown in (
        DISAGREES,
        WARNED,
        "Corrected account of the concerns.",
        "Warnings on the record",
    ):
        assert shown in text


def test_a_partners_disagreement_and_a_warning_can_be_redacted(disclosed):
    sar = disclosed["sar"]
    kinds = {i.key: i.kind for i in collect(sar.person).items}
    disagreement_key = f"disagreement:{disclosed['disagreement'].pk}"
    warning_key = f"warning:{disclosed['warning'].pk}"
    assert kinds[disagreement_key] == PARTNER and kinds[warning_key] == WARNING
    subject_access.sar_set_redactions(
        request=sar,
        chosen={
            disagreement_key: ("Disagreement", "Third-party information"),
            warning_key: ("Warning", "Likely to cause serious harm"),
        },
        by=disclosed["service_manager"],
    )
    record = gather(sar)
    text = json.dumps(record)
    assert DISAGREES not in text and WARNED not in text
    assert record["warnings"] == [{"redacted": "Likely to cause serious harm"}]
