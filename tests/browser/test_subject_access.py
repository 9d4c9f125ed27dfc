"""A subject access request in the browser (axe clean): redact a third party, produce the
download, take it, and find the PDF and JSON hold the child's record without the partner
answer marked not to be shared with the family."""

import json
import re
import zipfile

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.privacy.cases import SECRET, SHAREABLE, make_case, open_request, people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sar(
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    service_manager,
):
    child, adult = people()
    make_case(
        havering=havering,
        child=child,
        adult=adult,
        screening_officer=screening_officer,
        senior_practitioner=senior_practitioner,
        mash_manager=mash_manager,
        mash_social_worker=mash_social_worker,
    )
    return open_request(child=child, by=service_manager), child, adult


def test_a_subject_access_export_opens_and_omits_a_not_to_be_shared_answer(
    pages, settings, tmp_path, sar
):
    settings.MEDIA_ROOT = str(tmp_path)
    request, child, adult = sar
    page = pages.page
    pages.sign_in("servicemgr")
    pages.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    pages.goto("/privacy/subject-access/new/")
    pages.goto("/privacy/unusual-access/")
    pages.goto(f"/people/{child.pk}/access-log/?action=view")
    pages.goto("/privacy/subject-access/")
    page.get_by_role("link", name=request.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(request.reference)
    pages.check()

    page.get_by_role("link", name="Decide what to redact").click()
    pages.check()
    group = page.get_by_role("group", name=re.compile(adult.full_name))
    group.get_by_label("Redact this").check()
    group.get_by_label("Why it is redacted").fill("Not the requester's information")
    page.get_by_role("button", name="Save redactions").click()
    expect(page.get_by_text("1 item redacted", exact=True)).to_be_visible()

    page.get_by_role("button", name="Produce the download").click()
    link = page.get_by_role("link", name=re.compile(r"Download subject-access-.*\.zip"))
    expect(link).to_be_visible()
    pages.check()
    with page.expect_download() as taken:
        link.click()
    with zipfile.ZipFile(taken.value.path()) as archive:
        files = {name.rsplit(".", 1)[1]: archive.read(name) for name in archive.namelist()}
    assert set(files) == {"pdf", "json", "csv"}

    pdf = pypdfium2.PdfDocument(files["pdf"])
    text = " ".join(
        " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split()
    )
    assert child.case_number in text and SHAREABLE in text
    assert "Information withheld" in text and SECRET not in text
    assert adult.full_name not in text and "Not the requester's information" in text

    record = json.loads(files["json"])
    assert record["person"]["case_number"] == child.case_number
    assert len(record["withheld"]) == 1 and SECRET not in files["json"].decode()
    for data in files.values():
        assert SECRET.encode() not in data
