from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def census_run_task(run_id: int) -> None:
    """Make the CIN census of a queued run and check it with the DfE's rules."""
    services.census_run_execute(run_id=run_id)
