"""The census checked by the DfE's rules (the real validator, in its own venv), on the page and
from the command; a broken record shows as the validator's error, linked to the child."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AccessLog
from returns import services
from returns.cin_census import collection_year_of
from returns.models import CensusRun, RunStatus
from returns.validator import validate_census
from tests.returns.helpers import OPEN_N4, nfa_closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_year(referred):
    """A small valid census: an NFA referral and an open referral with a primary need."""
    first = referred(episode=nfa_closed())
    referred(episode=OPEN_N4)
    referred(episode=OPEN_N4, disabilities=["HAND", "HEAR"])
    return collection_year_of(first.referral_date).year


def test_census_from_factories_passes_the_dfe_rules_with_no_errors(camden, clean_year):
    checked = services.census_check(year=clean_year, profile=camden)
    validation = checked.validation
    assert validation.rules_run > 100
    assert validation.crashes == []
    assert [i for i in validation.issues if i["rule_type"] == "ERROR"] == []
    assert validation.error_count == 0
    # A tiny file triggers only the return-level disability query (RETURNS.md: 2887Q).
    assert {i["rule_code"] for i in validation.return_issues} <= {"2887Q"}


def test_validator_reports_a_missing_primary_need_as_error_8610(camden, referred):
    broken = referred()  # referred, nothing recorded since: not NFA and no primary need
    referred(episode=nfa_closed())
    year = collection_year_of(broken.referral_date).year
    validation = services.census_check(year=year, profile=camden).validation
    codes = {(i["child_id"], i["rule_code"], i["rule_type"]) for i in validation.issues}
    assert (broken.person.case_number, "8610", "ERROR") in codes
    assert validation.error_count >= 1


def test_broken_record_shows_on_the_page_as_a_validator_error_linked_to_the_child(
    client, team_manager, camden, referred, django_capture_on_commit_callbacks, settings
):
    settings.COUNCIL_PROFILE = "camden"
    broken = referred()
    year = collection_year_of(broken.referral_date).year
    client.force_login(team_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("returns:cin_census"), {"year": str(year)})
    run = CensusRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:census_run", args=[run.pk])
    assert run.status == RunStatus.DONE and run.error_count >= 1

    page = client.get(reverse("returns:census_run", args=[run.pk])).content.decode()
    assert "8610" in page
    assert "Primary Need code is missing" in page
    assert reverse("referrals:person_detail", args=[broken.person_id]) in page
    assert reverse("referrals:contact_detail", args=[broken.referral.contact_id]) in page
    assert escape(broken.person.full_name) in page
    assert "Download the census XML" not in page
    # And the file is not given out while it has errors.
    download = client.get(reverse("returns:census_download", args=[run.pk]))
    assert download.status_code == 302


def test_clean_census_downloads_and_the_export_is_logged_for_every_child(
    client, service_manager, camden, clean_year, django_capture_on_commit_callbacks, settings
):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(service_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("returns:cin_census"), {"year": str(clean_year)})
    run = CensusRun.objects.get()
    assert run.may_download, run.failure or run.issues
    page = client.get(reverse("returns:census_run", args=[run.pk])).content.decode()
    assert "Download the census XML" in page
    response = client.get(reverse("returns:census_download", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content.startswith(b"<?xml")
    logged = AccessLog.objects.filter(user=service_manager, details__export="cin_census")
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(run.person_ids)
    assert len(run.person_ids) == 3


def test_missing_validator_is_a_clear_failure_not_a_crash(
    client, team_manager, clean_year, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.COUNCIL_PROFILE = "camden"
    settings.CIN_VALIDATOR_PYTHON = str(tmp_path / "nowhere" / "python")
    client.force_login(team_manager)
    form = client.get(reverse("returns:cin_census")).content.decode()
    assert "validator is not installed" in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("returns:cin_census"), {"year": str(clean_year)})
    run = CensusRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "run make install" in run.failure
    page = client.get(reverse("returns:census_run", args=[run.pk]))
    assert page.status_code == 200
    assert "run make install" in page.content.decode()


def test_a_year_not_offered_is_refused_next_to_the_field(client, team_manager, settings):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(team_manager)
    response = client.post(reverse("returns:cin_census"), {"year": "1999"})
    assert response.status_code == 200
    assert "Select a collection year from the list" in response.content.decode()
    assert not CensusRun.objects.exists()


def test_command_writes_the_census_and_exits_zero_when_it_passes(
    camden, clean_year, tmp_path, settings, capsys
):
    settings.COUNCIL_PROFILE = "camden"
    out = tmp_path / "census.xml"
    call_command("cin_census", "--year", str(clean_year), "--output", str(out))
    assert out.read_bytes().startswith(b"<?xml")
    assert validate_census(out.read_bytes(), year=clean_year).error_count == 0
    assert "0 errors" in capsys.readouterr().out


def test_command_exits_non_zero_listing_the_errors(camden, referred, tmp_path, settings, capsys):
    settings.COUNCIL_PROFILE = "camden"
    broken = referred()
    year = collection_year_of(broken.referral_date).year
    out = tmp_path / "census.xml"
    with pytest.raises(CommandError, match="would not pass"):
        call_command("cin_census", "--year", str(year), "--output", str(out))
    printed = capsys.readouterr().out
    assert f"ERROR 8610 child {broken.person.case_number}" in printed
    assert Path(out).exists()  # written all the same, for whoever fixes it


def test_command_without_the_validator_says_how_to_install_it(
    camden, clean_year, tmp_path, settings
):
    settings.COUNCIL_PROFILE = "camden"
    settings.CIN_VALIDATOR_PYTHON = str(tmp_path / "missing")
    with pytest.raises(CommandError, match="make install"):
        call_command("cin_census", "--year", str(clean_year), "--output", str(tmp_path / "c.xml"))
