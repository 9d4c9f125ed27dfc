# One image for every process: web (gunicorn, the default command), the Celery
# worker, beat and the one-shot migrate (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=contact_service.settings.production

# Pango (and a font) for WeasyPrint, which makes the period reports' PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN useradd --system --user-group --home-dir /app app

# pyproject.toml lists no packages to build: `pip install .` installs the
# runtime dependencies (no dev extras) and the code runs from /app.
COPY . .
RUN pip install .
# The DfE CIN census validator needs pandas<2 and numpy<2: its own venv, outside var/ (a volume
# may be mounted there), found through CIN_VALIDATOR_PYTHON.
ENV CIN_VALIDATOR_PYTHON=/opt/cin-validator-venv/bin/python
RUN scripts/ensure-cin-validator.sh /opt/cin-validator-venv

# Static files (GOV.UK Frontend is committed under static/) are collected into
# the image and served by whitenoise. Production settings refuse to load without
# a SECRET_KEY, DATABASE_URL and CELERY_BROKER_URL, so give this one step throwaway values.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/collectstatic.db ALLOWED_HOSTS=localhost \
        CELERY_BROKER_URL=memory:// \
        python manage.py collectstatic --noinput \
    && mkdir -p var var/media \
    && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "contact_service.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
