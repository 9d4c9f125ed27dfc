"""Thin tasks: each calls one service."""

from celery import shared_task

from . import services


@shared_task
def run_export(export_id: int) -> str:
    """Make the file for an export someone asked for."""
    return services.export_run(export_id=export_id).status


@shared_task
def delete_expired_exports() -> int:
    """Beat: delete export files kept longer than EXPORT_KEEP_HOURS."""
    return services.export_delete_expired()
