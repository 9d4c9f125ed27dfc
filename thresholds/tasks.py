from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_deadlines() -> None:
    """Beat's deadline enforcement: mark due-soon and breached clocks, notify once."""
    services.deadline_sweep()
