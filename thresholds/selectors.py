from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch

from .models import ClosureDay, CouncilProfile, ThresholdIndicator, ThresholdLevel


def current_profile() -> CouncilProfile:
    """The profile the service runs under (settings.COUNCIL_PROFILE)."""
    try:
        return CouncilProfile.objects.get(code=settings.COUNCIL_PROFILE)
    except CouncilProfile.DoesNotExist as exc:
        raise ImproperlyConfigured(
            f"COUNCIL_PROFILE={settings.COUNCIL_PROFILE!r} is not a known council profile."
        ) from exc


def threshold_levels() -> list[ThresholdLevel]:
    """The threshold table in level order, each level's indicators prefetched in order."""
    # Ordering by "order" alone: the model's default (level__number, order) would join the levels again.
    indicators = Prefetch("indicators", queryset=ThresholdIndicator.objects.order_by("order"))
    return list(ThresholdLevel.objects.order_by("number").prefetch_related(indicators))


def closure_dates() -> frozenset[date]:
    """Every day the service is closed besides weekends and English bank holidays."""
    return frozenset(ClosureDay.objects.values_list("date", flat=True))
