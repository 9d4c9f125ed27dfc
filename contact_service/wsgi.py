import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.production")
application = get_wsgi_application()

# Start-up objects are left out of later garbage collections (core.heap).
from core.heap import freeze_after_start  # noqa: E402 - needs the application loaded

freeze_after_start()
