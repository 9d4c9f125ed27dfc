"""The report pages: figures against the previous period, writing, signing off, the PDF."""

import os
import shutil

import pypdfium2
from django.urls import reverse

from reporting import services
from reporting.models import Report

from .test_report_services import WRITTEN


def test_the_report_shows_each_figure_for_the_period_against_the_previous_one(
    client, two_quarters, report, team_manager
):
    client.force_login(team_manager)
    response = client.get(reverse("reporting:report", args=[report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 July 2026 to 30 September 2026, against 1 April 2026 to 30 June 2026" in page
    figures = {f["table"].key: f for s in response.context["sections"] for f in s["figures"]}
    table = figures["contacts_by_referral_source"]["table"]
    assert [c.label for c in table.columns][:4] == [
        "Referral source",
        "Contacts: this period",
        "Contacts: previous period",
        "Contacts: change",
    ]
    school = next(row for row in table.rows if row["label"] == "2A: School")
    assert (school["count__now"], school["count__previous"], school["count__change"]) == (3, 1, 2)
    # The chart is drawn from the same table, and says so to a screen reader.
    assert 'role="img"' in page
    assert "2A: School: This period 3, Previous period 1." in page
    assert "+2" in page
    # A team manager reads but does not write or sign off.
    assert "Write the sections" not in page and "Sign off" not in page


def test_writing_the_sections_shows_them_on_the_report(client, report, service_manager):
    client.force_login(service_manager)
    url = reverse("reporting:report_write", args=[report.pk])
    response = client.post(url, {**WRITTEN, "version": "1"})
    assert response.status_code == 302
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert WRITTEN["emerging_issues"] in page


def test_a_stale_save_keeps_what_was_typed_and_says_so(client, report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, summary="Theirs")
    client.force_login(service_manager)
    url = reverse("reporting:report_write", args=[report.pk])
    response = client.post(url, {"summary": "Mine, typed carefully", "version": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "changed by someone else" in page and "Mine, typed carefully" in page
    assert response.context["form"]["version"].value() == "2"
    assert Report.objects.get(pk=report.pk).summary == "Theirs"


def test_sign_off_without_the_sections_says_which_are_missing(client, report, service_manager):
    client.force_login(service_manager)
    url = reverse("reporting:report_sign_off", args=[report.pk])
    response = client.post(url, {"version": str(report.version)})
    assert response.status_code == 200
    assert "before signing off" in response.content.decode()
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    assert client.post(url, {"version": "2"}).status_code == 302
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Signed off" in page and "by " in page


def test_junk_versions_and_ids_never_give_a_server_error(client, report, service_manager):
    client.force_login(service_manager)
    url = reverse("reporting:report_sign_off", args=[report.pk])
    assert client.post(url, {"version": "x" * 500}).status_code == 200
    assert client.get(f"/reporting/reports/{2**63}/").status_code == 404
    assert client.get(f"/reporting/exports/{2**63}/").status_code == 404
    junk = {"figure": "=cmd()", "start": "2026-13-01", "end": "x", "format": "pdf"}
    assert client.post(reverse("reporting:export_start"), junk).status_code == 404


def test_the_pdf_is_the_report_and_renders_to_an_image(
    client, two_quarters, report, service_manager, tmp_path
):
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    services.report_sign_off(report=report, by=service_manager)
    client.force_login(service_manager)
    response = client.get(reverse("reporting:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) >= 3  # a page for the heading, one per section of figures, the writing
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Quarterly evaluation for the steering group" in text
    assert "Contacts by referral source (CIN census code)" in text and "Previous period" in text
    assert WRITTEN["summary"] in text
    assert "Download CSV" not in text and "Sign out" not in text
    keep = os.environ.get("REPORT_PNG_DIR")
    for i in range(len(pdf)):
        image = pdf[i].render(scale=1.5).to_pil()
        path = tmp_path / f"report-page-{i + 1}.png"
        image.save(path)
        assert image.size[0] > 800
        if keep:
            shutil.copy(path, keep)


def test_without_weasyprint_the_pdf_link_says_so_and_the_page_still_works(
    client, report, team_manager, monkeypatch
):
    from core import pdf
    from reporting import views

    monkeypatch.setattr(pdf, "_UNAVAILABLE", "WeasyPrint could not be loaded (ImportError)")
    monkeypatch.setattr(views, "pdf_unavailable", pdf.pdf_unavailable)
    client.force_login(team_manager)
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "PDF download is not available on this server" in page
    assert client.get(reverse("reporting:report_pdf", args=[report.pk])).status_code == 503
