"""SESSION_ENGINE: Django's database sessions, on accounts.StoredSession (key hash alongside)."""

import hashlib

from django.contrib.sessions.backends.db import SessionStore as DBStore


def hash_session_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import StoredSession

        return StoredSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.key_hash = hash_session_key(obj.session_key)
        return obj
