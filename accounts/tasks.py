from celery import shared_task

from . import services


@shared_task
def beat_heartbeat() -> None:
    """Prove beat and a worker are running (shown by /healthz)."""
    services.heartbeat_record(name="beat")


# No Celery retry limit: the outbox row counts the attempts and decides when to give up.
@shared_task(bind=True, max_retries=None, ignore_result=True)
def send_outbound_email(self, email_id: int) -> None:
    """Send one email from the outbox; retried with back-off while the mail server is down."""
    try:
        services.email_send(email_id=email_id)
    except services.EmailNotSent as exc:
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(ignore_result=True)
def send_outbound_emails(email_ids: list[int]) -> None:
    """Queue one send task per email of a batch (queued as one message by a bulk sender)."""
    for email_id in email_ids:
        send_outbound_email.delay(email_id)


@shared_task(ignore_result=True)
def resend_due_emails() -> None:
    """Beat's outbox sweep: re-queue pending emails whose task was lost."""
    services.email_resend_due()


@shared_task(ignore_result=True)
def send_password_reset(email: str) -> None:
    """Email a password reset link to whoever has this address (nobody is told if no one has)."""
    from .passwords import password_reset_send

    password_reset_send(email=email)


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Beat: end idle and expired sessions on the server and close their records."""
    from .sessions import sessions_clear_expired

    sessions_clear_expired()
