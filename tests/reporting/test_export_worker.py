"""An export made by a real Celery worker through Redis, and the beat entry that expires it."""

import pytest
from django.conf import settings as django_settings

from reporting import services
from reporting.models import Export, ExportStatus
from tests.celery_helpers import real_worker, wait_for

from .conftest import QUARTER

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_export_is_made_by_the_worker_through_redis(
    settings, tmp_path, camden, team_manager, two_quarters
):
    settings.MEDIA_ROOT = str(tmp_path)
    with real_worker():
        export = services.export_request(
            by=team_manager, figure="contacts_by_outcome", period=QUARTER, profile=camden, fmt="csv"
        )
        assert wait_for(lambda: Export.objects.get(pk=export.pk).status == ExportStatus.READY)
    export.refresh_from_db()
    assert export.progress == 100 and export.rows == 1
    assert export.file.read().decode("utf-8-sig").splitlines() == [
        "Status,Contacts,% of total",
        "New: awaiting screening,4,100.0",
    ]


def test_the_beat_schedule_deletes_expired_exports():
    entry = django_settings.CELERY_BEAT_SCHEDULE["exports-expire"]
    assert entry["task"] == "reporting.tasks.delete_expired_exports"
    from contact_service.celery import app

    assert "reporting.tasks.delete_expired_exports" in app.tasks
