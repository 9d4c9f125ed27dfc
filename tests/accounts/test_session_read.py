"""Each request reads its session in one fixed statement (accounts.session_store): a live
session comes back whole, an expired or unknown one is nobody's."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StoredSession
from accounts.session_store import SessionStore, hash_session_key


def _stored(data: dict) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.create()
    return session


def test_a_live_session_is_read_whole_in_one_query(db):
    session = _stored({"colour": "red", "count": 3})
    with CaptureQueriesContext(connection) as queries:
        read = SessionStore(session.session_key)
        assert read["colour"] == "red" and read["count"] == 3
    assert len(queries) == 1
    assert read.session_key == session.session_key
    row = StoredSession.objects.get(session_key=session.session_key)
    assert row.key_hash == hash_session_key(session.session_key)


def test_an_expired_session_is_nobodys_and_its_key_is_dropped(db):
    session = _stored({"colour": "red"})
    StoredSession.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    read = SessionStore(session.session_key)
    assert "colour" not in read
    assert read.session_key is None


def test_an_unknown_or_junk_session_key_is_an_empty_session(db):
    for key in ("x" * 40, "short", "'; drop table accounts_stored_session; --" + "a" * 10):
        read = SessionStore(key)
        assert dict(read.items()) == {}
    assert StoredSession.objects.count() == 0


def test_a_signed_in_users_expired_session_sends_them_to_sign_in(client, screening_officer):
    client.force_login(screening_officer)
    StoredSession.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("work_tray"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
