"""The download: everything held about the person, a partner answer not for the family
withheld (its content nowhere), redactions applied; a ZIP of a PDF, JSON and CSV that parse,
taken only by handlers, and logged."""

import csv
import datetime as dt
import io
import json
import os
import zipfile

import pypdfium2
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, AgencyKind
from privacy import subject_access
from privacy.disclosure import PARTNER_EXEMPTION, collect, gather
from privacy.models import DisclosureStatus

from .cases import SECRET, SHAREABLE


def produce(sar, by):
    disclosure = subject_access.disclosure_request(request=sar, by=by)
    return subject_access.disclosure_run(disclosure_id=disclosure.pk)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.rsplit(".", 1)[1]: archive.read(name) for name in archive.namelist()}


def pdf_text(content: bytes) -> str:
    pdf = pypdfium2.PdfDocument(content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return " ".join(text.split())


def test_the_disclosure_holds_the_persons_details_contacts_and_decisions(sar, case, child):
    record = gather(sar)
    assert record["person"]["case_number"] == child.case_number
    [contact] = record["contacts"]
    assert contact["reference"] == case["contact"].reference
    assert contact["concerns"] == "Child arrived with bruising."
    assert [r["rationale"] for r in contact["ratings"]] == ["Bruising needs a MASH enquiry."]
    enquiry = contact["mash_enquiry"]
    assert enquiry["consent_decisions"][0]["outcome"] == "Refusal overridden"
    assert [a["information_held"] for a in enquiry["partner_information"]] == [SHAREABLE]
    assert any(h["record"].startswith("Contact") for h in record["history"])


def test_an_answer_not_to_be_shared_with_the_family_is_omitted_and_marked_withheld(sar, case):
    record = gather(sar)
    assert SECRET not in json.dumps(record)
    [withheld] = record["withheld"]
    assert str(case["requests"][AgencyKind.HEALTH].agency) in withheld["what"]
    assert withheld["exemption"] == PARTNER_EXEMPTION
    # The handler is never offered it to redact: it is out whatever they decide.
    keys = {i.key for i in collect(sar.person).items}
    assert f"answer:{case['answers'][AgencyKind.HEALTH].pk}" not in keys
    assert f"answer:{case['answers'][AgencyKind.POLICE].pk}" in keys


def test_redactions_replace_the_item_with_the_reason(sar, case, adult, service_manager):
    contact = case["contact"]
    police = case["answers"][AgencyKind.POLICE]
    subject_access.sar_set_redactions(
        request=sar,
        chosen={
            f"referrer:{contact.pk}": ("Referrer", "Referrer is a third party"),
            f"person:{contact.pk}:{adult.pk}": ("Adult", "Not the requester's data"),
            f"answer:{police.pk}": ("Police", "Would prejudice an investigation"),
        },
        by=service_manager,
    )
    text = json.dumps(gather(sar))
    for gone in ("Pat Example", adult.full_name, SHAREABLE):
        assert gone not in text
    record = gather(sar)
    assert record["contacts"][0]["referrer"] == {"redacted": "Referrer is a third party"}
    assert {r["reason"] for r in record["redacted"]} == {
        "Referrer is a third party",
        "Not the requester's data",
        "Would prejudice an investigation",
    }
    # The download says where, never the label the handler saw.
    assert all(adult.last_name not in r["what"] for r in record["redacted"])


def test_the_zip_holds_a_pdf_json_and_csv_that_parse(sar, child, service_manager, media):
    disclosure = produce(sar, service_manager)
    assert disclosure.status == DisclosureStatus.READY and disclosure.withheld == 1
    assert disclosure.file.name.startswith(f"subject-access/{sar.pk}/")
    files = unzip(disclosure.file.read())
    assert set(files) == {"pdf", "json", "csv"}
    assert json.loads(files["json"])["person"]["case_number"] == child.case_number
    rows = list(csv.reader(io.StringIO(files["csv"].decode())))
    assert rows[0] == ["Section", "Item", "Value"]
    assert ["person", "case_number", child.case_number] in rows
    text = pdf_text(files["pdf"])
    assert child.case_number in text and SHAREABLE in text
    assert SECRET not in text and "Information withheld" in text
    for data in files.values():
        assert SECRET.encode() not in data


def test_only_a_handler_can_download_and_the_download_is_logged(
    client, sar, child, service_manager, mash_manager, media
):
    disclosure = produce(sar, service_manager)
    url = reverse("privacy:disclosure_download", args=[disclosure.pk])
    client.force_login(mash_manager)
    assert client.get(url).status_code == 403
    client.force_login(service_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "json" in unzip(b"".join(response.streaming_content))
    log = AccessLog.objects.get(user=service_manager, details__disclosure=disclosure.pk)
    assert log.object_id == child.pk and sar.reference in log.description


def test_a_download_is_deleted_when_its_time_is_up(
    sar, service_manager, media, settings, django_capture_on_commit_callbacks
):
    disclosure = produce(sar, service_manager)
    path = disclosure.file.path
    later = timezone.now() + dt.timedelta(hours=settings.SUBJECT_ACCESS_KEEP_HOURS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert subject_access.disclosure_delete_expired(now=later) == 1
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.EXPIRED and not disclosure.file
    assert not os.path.exists(path)
    assert subject_access.disclosure_delete_expired(now=later) == 0
