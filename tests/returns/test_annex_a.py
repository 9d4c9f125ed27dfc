"""Ofsted Annex A lists 1 to 3: sheets, headings, labels, rows and the referral count."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessLog
from core.spreadsheets import safe_cell as neutralise
from referrals.models import CinEpisode
from returns.annex_a import HEADINGS, annex_a_lists, annex_a_workbook, months_before
from tests.factories import family_work_case, green_contact
from tests.returns.helpers import OPEN_N4, nfa_closed

pytestmark = pytest.mark.django_db


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_six_months_before_keeps_the_day_or_the_month_end():
    assert months_before(dt.date(2026, 11, 30), 6) == dt.date(2026, 5, 30)
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2027, 3, 15), 12) == dt.date(2026, 3, 15)


def test_formula_like_text_is_neutralised():
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("+1") == "'+1" and neutralise("-1") == "'-1" and neutralise("@a") == "'@a"
    assert neutralise("Team A") == "Team A" and neutralise(3) == 3


def test_workbook_has_the_three_lists_with_their_headings_in_bold(camden):
    book = _book(annex_a_workbook(annex_a_lists(as_of=timezone.localdate())))
    assert book.sheetnames == ["List 1", "List 2", "List 3"]
    for name, headings in HEADINGS.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == headings
        assert all(c.font.bold for c in sheet[1])
    assert HEADINGS["List 3"][5:] == [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ]


def test_list_3_has_a_row_per_referral_with_the_count_of_earlier_referrals(
    referred, social_work_team
):
    first = referred(episode=nfa_closed(), sex="M", ethnicity="NOBT")
    second = referred(episode=OPEN_N4)
    day = first.referral_date
    # Give the first child two earlier referrals: 40 days before (counted) and 500 (not).
    again = referred(episode=OPEN_N4)
    CinEpisode.objects.filter(pk=again.pk).update(
        person=first.person, referral_date=day - dt.timedelta(days=40)
    )
    old = referred(episode=nfa_closed())
    CinEpisode.objects.filter(pk=old.pk).update(
        person=first.person,
        referral_date=day - dt.timedelta(days=500),
        closed_on=day - dt.timedelta(days=500),
    )
    book = _book(annex_a_workbook(annex_a_lists(as_of=day)))
    rows = _rows(book["List 3"])
    mine = {
        (r["Child Unique ID"], r["Date of referral"].date()): r
        for r in rows
        if r["Child Unique ID"] == first.person.case_number
    }
    # Only referrals in the six months are listed; the one 500 days ago is not.
    assert set(mine) == {
        (first.person.case_number, day),
        (first.person.case_number, day - dt.timedelta(days=40)),
    }
    latest = mine[(first.person.case_number, day)]
    assert latest["Gender"] == "a) Male"
    assert latest["Ethnicity"] == "t) NOBT"
    assert latest["Referral Source"] == "e) 2A: Schools"
    assert latest["Referral NFA?"] == "a) Yes"
    # In the 12 months to this referral: itself and the one 40 days earlier -> 2 - 1.
    assert latest["Number of Referrals in Last 12 Months"] == 1
    assert (
        mine[(first.person.case_number, day - dt.timedelta(days=40))][
            "Number of Referrals in Last 12 Months"
        ]
        == 0
    )
    assert latest["Allocated Team"] == social_work_team.name
    other = next(r for r in rows if r["Child Unique ID"] == second.person.case_number)
    assert other["Referral NFA?"] == "b) No"
    assert other["Gender"] == "b) Female" and other["Ethnicity"] == "a) WBRI"
    assert other["Date of Birth"].date() == second.person.date_of_birth
    assert book["List 3"]["F2"].number_format == "DD/MM/YYYY"


def test_list_1_has_a_row_per_child_per_contact(referred):
    episode = referred(episode=OPEN_N4)
    rows = _rows(_book(annex_a_workbook(annex_a_lists(as_of=episode.referral_date)))["List 1"])
    row = next(r for r in rows if r["Child Unique ID"] == episode.person.case_number)
    assert row["Contact Source"] == "e) 2A: Schools"
    assert row["Date of Contact"].date() == episode.referral.contact.received_at.date()
    assert isinstance(row["Age of Child (Years)"], int)


def test_list_2_has_open_early_help_assessments(
    camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    case = family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )
    child = case.children.get()
    rows = _rows(_book(annex_a_workbook(annex_a_lists(as_of=timezone.localdate())))["List 2"])
    row = next(r for r in rows if r["Child Unique ID"] == child.case_number)
    assert row["Assessment start date"].date() == timezone.localtime(case.opened_at).date()
    assert row["Assessment completion date"] is None
    assert row["Organisation completing assessment"] == (case.team or family_worker.team).name


def test_page_downloads_the_workbook_and_logs_the_export_per_child(client, team_manager, referred):
    episode = referred(episode=OPEN_N4)
    client.force_login(team_manager)
    day = episode.referral_date
    response = client.post(
        reverse("returns:annex_a"),
        {"as_of_0": day.day, "as_of_1": day.month, "as_of_2": day.year},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="annex_a_{day}.xlsx"'
    assert _book(response.content).sheetnames == ["List 1", "List 2", "List 3"]
    logged = AccessLog.objects.filter(user=team_manager, details__export="annex_a")
    assert episode.person_id in set(logged.values_list("object_id", flat=True))


def test_page_answers_a_bad_date_next_to_the_field(client, team_manager):
    client.force_login(team_manager)
    response = client.post(
        reverse("returns:annex_a"), {"as_of_0": "31", "as_of_1": "2", "as_of_2": "2026"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "must be a real date" in page
    assert 'value="31"' in page  # what was typed is kept
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("returns:annex_a"),
        {"as_of_0": future.day, "as_of_1": future.month, "as_of_2": future.year},
    )
    assert "today or in the past" in response.content.decode()


def test_annex_a_command_writes_the_workbook(referred, tmp_path):
    episode = referred(episode=OPEN_N4)
    out = tmp_path / "annex_a.xlsx"
    call_command("annex_a", "--as-of", episode.referral_date.isoformat(), "--output", str(out))
    rows = _rows(_book(out.read_bytes())["List 3"])
    assert [r["Child Unique ID"] for r in rows] == [episode.person.case_number]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("annex_a", "--as-of", "30/11/2026", "--output", str(out))
