import pytest

from tests.returns.helpers import referred_child


@pytest.fixture
def referred(camden, screening_officer, senior_practitioner, social_work_team):
    """Make a child referred to the social work team, with the census items given."""

    def make(**kwargs):
        return referred_child(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            team=social_work_team,
            by=senior_practitioner,
            **kwargs,
        )

    return make
