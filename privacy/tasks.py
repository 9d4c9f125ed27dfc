from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_retention() -> None:
    """Beat's daily retention sweep: put records past their retention period on the review queue."""
    services.retention_sweep()
