"""Saving audited rows: every service write names its user and its reason in history."""

from typing import Any

from django.db import models


def save_audited(obj: models.Model, *, user: Any, reason: str, **save_kwargs: Any) -> None:
    """Save `obj` so its history row records `user` and `reason`."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj._change_reason = reason
    obj.save(**save_kwargs)


def delete_audited(obj: models.Model, *, user: Any, reason: str) -> None:
    """Delete `obj`, recording `user` and `reason` in its history."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj._change_reason = reason
    obj.delete()
