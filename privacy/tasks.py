"""Thin tasks: each calls one service."""

from celery import shared_task

from . import services, subject_access, unusual


@shared_task
def run_disclosure(disclosure_id: int) -> str:
    """Gather and write a subject access download someone asked for."""
    return subject_access.disclosure_run(disclosure_id=disclosure_id).status


@shared_task
def delete_expired_disclosures() -> int:
    """Beat: delete subject access downloads kept longer than SUBJECT_ACCESS_KEEP_HOURS."""
    return subject_access.disclosure_delete_expired()


@shared_task
def weekly_unusual_access() -> int:
    """Beat (Monday morning): report last week's unusual access to the managers."""
    return unusual.unusual_access_report().pk


@shared_task(ignore_result=True)
def sweep_retention() -> None:
    """Beat's daily retention sweep: put records past their retention period on the review queue."""
    services.retention_sweep()
