"""The demo data loads under every council profile, in that council's teams."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from referrals.models import Contact, ContactStatus
from thresholds.models import CouncilProfile


@pytest.mark.parametrize("code", ["havering", "islington"])
def test_demo_loads_under_every_council_profile(db, settings, code):
    settings.DEBUG = True
    settings.COUNCIL_PROFILE = code
    call_command("seed_demo", stdout=StringIO())
    profile = CouncilProfile.objects.get(code=code)
    staff = User.objects.filter(
        username__in=["screening", "mashmanager", "teammanager", "ehmanager"]
    )
    assert {u.team.profile_id for u in staff} == {profile.pk}
    assert User.objects.get(username="police").agency.profile == profile
    assert Contact.objects.filter(status=ContactStatus.WITH_MASH).exists()
    if code == "havering":
        assert Contact.objects.filter(status=ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM).exists()
