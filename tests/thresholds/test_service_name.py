"""Each council's own name for its front door heads every page (the profile holds it)."""

import pytest

from thresholds.models import CouncilProfile
from thresholds.selectors import service_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code,name",
    [
        ("camden", "Children and Families Contact Service"),
        ("havering", "Multi-Agency Safeguarding Hub (MASH)"),
        ("islington", "Children's Services Contact Team"),
    ],
)
def test_every_profile_has_its_own_service_name(client, settings, code, name, camden):
    assert CouncilProfile.objects.get(code=code).service_name == name
    settings.COUNCIL_PROFILE = code
    assert service_name() == name
    page = client.get("/accounts/login/").content.decode()
    assert f'class="govuk-service-navigation__link">{name}</a>'.replace("'", "&#x27;") in page


def test_a_profile_without_a_name_falls_back_to_the_settings_name(settings, camden):
    settings.COUNCIL_PROFILE = "camden"
    CouncilProfile.objects.filter(code="camden").update(service_name="")
    assert service_name() == settings.SERVICE_NAME


def test_a_renamed_service_shows_on_the_next_page(client, settings, camden):
    settings.COUNCIL_PROFILE = "camden"
    client.get("/accounts/login/")
    CouncilProfile.objects.filter(code="camden").update(service_name="Camden Front Door")
    assert "Camden Front Door</a>" in client.get("/accounts/login/").content.decode()


def test_a_profile_code_naming_no_profile_falls_back_to_the_settings_name(settings, camden):
    settings.COUNCIL_PROFILE = "nowhere"
    assert service_name() == settings.SERVICE_NAME
