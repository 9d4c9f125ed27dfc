from django.urls import reverse

from contact_service.celery import app


def test_healthz_is_503_when_the_broker_does_not_answer(client, db):
    original = app.conf.broker_url
    # Nothing listens on port 1: a real refused connection, not a mock.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] != "ok"
