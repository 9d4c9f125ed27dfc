"""Reads of users reused across apps."""

from django.db.models import QuerySet

from .models import Team, User
from .roles import Role


def users_with_role(role: Role, *, team: Team | None = None) -> QuerySet[User]:
    """Active users holding a role, optionally only those in one team."""
    qs = User.objects.filter(is_active=True, groups__name=role.value)
    return qs if team is None else qs.filter(team=team)
