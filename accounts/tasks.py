from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from . import services
from .models import Notification


@shared_task
def beat_heartbeat() -> None:
    """Prove beat and a worker are running (shown by /healthz)."""
    services.heartbeat_record(name="beat")


@shared_task(bind=True, max_retries=10, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> None:
    """Email a user that something is waiting for them; retried while the mail server is down."""
    notice = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notice is None or notice.emailed_at is not None:
        return
    body = f"{notice.body}\n\nOpen the {settings.SERVICE_NAME}: {notice.url}".strip()
    try:
        send_mail(notice.title, body, settings.DEFAULT_FROM_EMAIL, [notice.user.email])
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    services.notification_mark_emailed(notification=notice)
