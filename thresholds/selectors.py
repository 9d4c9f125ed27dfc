from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import CouncilProfile


def current_profile() -> CouncilProfile:
    """The profile the service runs under (settings.COUNCIL_PROFILE)."""
    try:
        return CouncilProfile.objects.get(code=settings.COUNCIL_PROFILE)
    except CouncilProfile.DoesNotExist as exc:
        raise ImproperlyConfigured(
            f"COUNCIL_PROFILE={settings.COUNCIL_PROFILE!r} is not a known council profile."
        ) from exc
