"""Every read of a child's record is logged, by construction (docs/adr/0009-every-read-is-logged.md).

`AccessLogMiddleware` opens a `ReadLog` for each request. Every row of a model listed in
`settings.ACCESS_LOGGED_MODELS` that the request loads from the database is noted in it (a
`post_init` receiver), as is every explicit `accounts.services.access_record` call. When the
response is a success (2xx) the log is written in one `bulk_create`: one row per record shown,
whatever the page and however many records it lists. A view cannot forget to log: loading the
row is what logs it.

Explicit notes are written whatever the response (the view decided the user read the record);
rows merely loaded are written only when the page was served, since a 403/404/redirect shows
nothing. Code that loads rows it does not show (matching scores hundreds of candidates and
shows the best few) wraps the loading in `unlogged()` and notes what it shows.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.signals import post_init
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# Fields that name a record without naming a child; read from the instance's __dict__ so
# describing a row never costs a query (a deferred field is simply skipped).
_LABEL_FIELDS = ("reference", "case_number")


@dataclass
class _Entry:
    content_type_id: int | None
    object_id: int | None
    description: str
    action: str
    path: str
    details: dict
    explicit: bool


@dataclass
class ReadLog:
    """What one request read, written once at its end."""

    path: str
    entries: dict[tuple[int | None, int | None, str], _Entry] = field(default_factory=dict)
    unkeyed: list[_Entry] = field(default_factory=list)
    suppressed: int = 0
    # Each model's content type id, looked up once a request: a list page notes 100-200 rows.
    _type_ids: dict[type[models.Model], int] = field(default_factory=dict)

    def note(
        self,
        obj: models.Model | None,
        *,
        description: str | None = None,
        action: str = "view",
        path: str = "",
        details: dict | None = None,
        explicit: bool = False,
    ) -> None:
        if obj is None:
            self.unkeyed.append(
                _Entry(
                    None,
                    None,
                    description or "Search",
                    action,
                    path or self.path,
                    details or {},
                    explicit,
                )
            )
            return
        self.note_record(
            type(obj),
            obj.pk,
            description=description or describe(obj),
            action=action,
            path=path,
            details=details,
            explicit=explicit,
        )

    def note_record(
        self,
        model: type[models.Model],
        pk,
        *,
        description: str,
        action: str = "view",
        path: str = "",
        details: dict | None = None,
        explicit: bool = False,
    ) -> None:
        """Note a record by its model and primary key (when no instance is at hand)."""
        type_id = self._type_ids.get(model)
        if type_id is None:
            type_id = self._type_ids[model] = ContentType.objects.get_for_model(model).pk
        entry = _Entry(
            content_type_id=type_id,
            object_id=int(pk),
            description=description[:200],
            action=action,
            path=(path or self.path)[:300],
            details=details or {},
            explicit=explicit,
        )
        key = (entry.content_type_id, entry.object_id, action)
        known = self.entries.get(key)
        # One row per record per request; a view's own words beat the generic description.
        if known is None or (explicit and not known.explicit):
            self.entries[key] = entry

    def write(self, *, user, served: bool, extra: dict | None = None) -> int:
        """Write the notes in one query: explicit ones always, loaded ones if the page was served."""
        from .models import AccessLog

        kept = [e for e in self.entries.values() if served and not e.explicit]
        kept += [e for e in self.entries.values() if e.explicit] + self.unkeyed
        if not kept:
            return 0
        if connection.vendor == "postgresql":
            _insert(user.pk, kept, extra or {})
            return len(kept)
        AccessLog.objects.bulk_create(
            [
                AccessLog(
                    user=user,
                    action=e.action,
                    content_type_id=e.content_type_id,
                    object_id=e.object_id,
                    description=e.description,
                    path=e.path,
                    details={**e.details, **(extra or {})},
                )
                for e in kept
            ]
        )
        return len(kept)


# Every page writes its read log: on PostgreSQL one fixed statement (no SQL built per request,
# and no BEGIN/COMMIT around a single INSERT), about a millisecond less than bulk_create for the
# same rows. The rows travel as one JSON array, which the C encoder writes, rather than an
# array per column, which psycopg dumps value by value in Python: a list page's 130-200 rows
# 3.9 -> 2.1 ms (tests/test_access_logging*.py read what it wrote). Who and when are the same
# for every row: parameters of their own.
_INSERT = (
    "INSERT INTO accounts_accesslog "
    "(user_id, at, action, content_type_id, object_id, description, path, details) "
    "SELECT %s::bigint, %s::timestamptz, "
    "r.action, r.content_type_id, r.object_id, r.description, r.path, r.details "
    "FROM json_to_recordset(%s::json) AS r(action varchar, content_type_id int, "
    "object_id bigint, description varchar, path varchar, details jsonb)"
)


def _insert(user_id: int, kept: list[_Entry], extra: dict) -> None:
    rows = [
        {
            "action": e.action,
            "content_type_id": e.content_type_id,
            "object_id": e.object_id,
            "description": e.description,
            "path": e.path,
            "details": {**e.details, **extra} if extra else e.details,
        }
        for e in kept
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [user_id, timezone.now(), json.dumps(rows)])


_current: ContextVar[ReadLog | None] = ContextVar("access_read_log", default=None)


def current() -> ReadLog | None:
    """The open request's read log, or None outside a request (tasks, commands, tests)."""
    return _current.get()


def describe(obj: models.Model | None) -> str:
    if obj is None:
        return "Search"
    name = str(obj._meta.verbose_name).capitalize()
    for attname in _LABEL_FIELDS:
        value = obj.__dict__.get(attname)
        if value:
            return f"{name} {value}"
    return f"{name} #{obj.pk}"


def note_shown(objs: Iterable[models.Model], *, description: str | None = None) -> None:
    """Note records a page shows that it loaded inside `unlogged()` (or from elsewhere)."""
    log = current()
    if log is None:
        return
    for obj in objs:
        log.note(obj, description=description)


@contextlib.contextmanager
def unlogged() -> Iterator[None]:
    """Rows loaded inside are not noted: for loads the page does not show (matching's scoring)."""
    log = current()
    if log is not None:
        log.suppressed += 1
    try:
        yield
    finally:
        if log is not None:
            log.suppressed -= 1


def _loaded(sender, instance, **kwargs) -> None:
    log = _current.get()
    if log is None or log.suppressed or instance.pk is None:
        return
    log.note(instance)


def connect_logged_models() -> None:
    """Note every row of the child-data models a request loads (called from AppConfig.ready)."""
    for label in settings.ACCESS_LOGGED_MODELS:
        post_init.connect(
            _loaded, sender=apps.get_model(label), dispatch_uid=f"accounts.reads.{label}"
        )


class AccessLogMiddleware:
    """Open a read log for each request and write it when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        log = ReadLog(path=request.path)
        token = _current.set(log)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .break_glass import active_break_glass
            from .client_ip import client_ip

            glass = active_break_glass(user) if user.is_staff else None
            extra = {"break_glass": glass.pk} if glass is not None else {}
            # Where the reader was (trusted proxy headers only: accounts.client_ip).
            address = client_ip(request)
            if address:
                extra["address"] = address
            log.write(user=user, served=200 <= response.status_code < 300, extra=extra)
        return response
