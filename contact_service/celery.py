"""Celery application. The beat schedule lives in settings (CELERY_BEAT_SCHEDULE) and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.local")

app = Celery("contact_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
