"""SESSION_ENGINE: Django's database sessions, on accounts.StoredSession (key hash alongside)."""

import functools
import hashlib

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections, router
from django.utils import timezone

from core.db import model_columns


def hash_session_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


@functools.cache
def _read_statement() -> tuple[str, list[str]]:
    """Every request's read of its session as one fixed statement, built once a process from
    the model: the ORM built the same `get` again each request (0.4 ms of Python a page)."""
    from .models import StoredSession

    meta = StoredSession._meta
    q = connections[router.db_for_read(StoredSession)].ops.quote_name
    columns, names = model_columns(StoredSession, q)
    key, expires = q(meta.get_field("session_key").column), q(meta.get_field("expire_date").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(meta.db_table)} "  # noqa: S608
        f"WHERE {key} = %s AND {expires} > %s"
    )
    return sql, names


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import StoredSession

        return StoredSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.key_hash = hash_session_key(obj.session_key)
        return obj

    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        if connection.vendor != "postgresql" or self.session_key is None:
            return super()._get_session_from_db()
        sql, names = _read_statement()
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model.from_db(alias, names, row)
