from celery import shared_task

from .person_warnings import services as warnings


@shared_task(ignore_result=True)
def sweep_warning_reviews() -> None:
    """Beat: agreed warnings past their review date become due for review (once each)."""
    warnings.warnings_review_sweep()
