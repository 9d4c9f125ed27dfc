import pytest

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def managers(social_work_team, mash_manager):
    """Two team managers of the social work team (and a MASH manager besides)."""
    second = UserFactory(roles=[Role.TEAM_MANAGER], team=social_work_team)
    return [UserFactory(roles=[Role.TEAM_MANAGER], team=social_work_team), second]
