"""Being a superuser configures the service; it does not open case files.

Django and django-guardian answer every permission question True for a superuser. Here
case-data permissions (settings.CASE_DATA_APPS, CASE_DATA_MODELS) are judged for a superuser
exactly as for anyone else: by the roles and object permissions they hold. On top of that an
administrator with an active break glass (accounts.break_glass) may READ case data, never
write it. See docs/adr/0009-every-read-is-logged.md.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from guardian.backends import ObjectPermissionBackend, check_support
from guardian.conf import settings as guardian_settings
from guardian.core import ObjectPermissionChecker

from core.db import model_columns

# Custom permissions that only read (besides every `view_` permission).
READ_CODENAMES = {"search_person"}


def is_case_data(perm: str, obj: Model | None = None) -> bool:
    """Whether `perm` ("app_label.codename", or a bare codename with `obj`) is about case records."""
    app_label, _, codename = perm.rpartition(".")
    if not app_label and obj is not None:
        app_label = obj._meta.app_label
    if app_label in settings.CASE_DATA_APPS:
        return True
    model = codename.split("_", 1)[-1]
    return f"{app_label}.{model}" in settings.CASE_DATA_MODELS


def is_read(perm: str) -> bool:
    codename = perm.rpartition(".")[2]
    return codename.startswith("view_") or codename in READ_CODENAMES


# The largest id a bigint column holds: a user id past it is nobody, not a database error.
_BIGINT_MAX = 2**63 - 1


@functools.cache
def _signed_in_user_statement() -> tuple[str, list[str], list[str], list[str]]:
    """The one statement (PostgreSQL) a page reads its signed-in user by, built once a process
    from the models: the user, their team and agency, their groups' ids and names (their roles:
    the navigation) and, unless a superuser, their role-wide permissions (their own and their
    groups'). Django reads these in four queries (the ORM built this one in 1 ms of Python a
    page, and the permissions in 2 ms more): one fixed statement costs its round trip."""
    User = get_user_model()
    meta = User._meta
    team_field, agency_field = meta.get_field("team"), meta.get_field("agency")
    groups, own = meta.get_field("groups"), meta.get_field("user_permissions")
    q = connection.ops.quote_name
    user_columns, user_names = model_columns(User, q, "u")
    team_columns, team_names = model_columns(team_field.related_model, q, "t")
    agency_columns, agency_names = model_columns(agency_field.related_model, q, "a")
    user_groups = q(groups.m2m_db_table())
    group_user, group_group = q(groups.m2m_column_name()), q(groups.m2m_reverse_name())
    user_perms = q(own.m2m_db_table())
    perm_user, perm_perm = q(own.m2m_column_name()), q(own.m2m_reverse_name())
    group_perms_field = Group._meta.get_field("permissions")
    group_perms = q(group_perms_field.m2m_db_table())
    gp_group, gp_perm = (
        q(group_perms_field.m2m_column_name()),
        q(group_perms_field.m2m_reverse_name()),
    )
    group_table, perm_table = q(Group._meta.db_table), q(Permission._meta.db_table)
    type_table = q(Permission._meta.get_field("content_type").related_model._meta.db_table)
    in_groups = (
        f"FROM {group_table} g JOIN {user_groups} ug ON ug.{group_group} = g.id "
        f"WHERE ug.{group_user} = u.id ORDER BY g.id"
    )
    # Only names from the models are interpolated; the user's id is a parameter.
    sql = f"""
        SELECT {", ".join(user_columns + team_columns + agency_columns)},
            ARRAY(SELECT g.id {in_groups}),
            ARRAY(SELECT g.name {in_groups}),
            CASE WHEN u.is_superuser THEN NULL ELSE ARRAY(
                SELECT ct.app_label || '.' || p.codename
                FROM {perm_table} p JOIN {type_table} ct ON ct.id = p.content_type_id
                WHERE p.id IN (
                    SELECT up.{perm_perm} FROM {user_perms} up WHERE up.{perm_user} = u.id
                    UNION ALL
                    SELECT gp.{gp_perm} FROM {group_perms} gp
                    JOIN {user_groups} ug ON ug.{group_group} = gp.{gp_group}
                    WHERE ug.{group_user} = u.id
                )
            ) END
        FROM {q(meta.db_table)} u
        LEFT JOIN {q(team_field.related_model._meta.db_table)} t ON t.id = u.{q(team_field.column)}
        LEFT JOIN {q(agency_field.related_model._meta.db_table)} a
            ON a.id = u.{q(agency_field.column)}
        WHERE u.id = %s
    """  # noqa: S608
    return sql, user_names, team_names, agency_names


def _read_signed_in_user(user_id):
    """The signed-in user as `_signed_in_user_statement` reads them, or None."""
    User = get_user_model()
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    if not isinstance(user_id, int) or not 0 < user_id <= _BIGINT_MAX:
        return None
    sql, user_names, team_names, agency_names = _signed_in_user_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    db = connection.alias
    user = User.from_db(db, user_names, row[: len(user_names)])
    start = len(user_names)
    for name, related_names in (("team", team_names), ("agency", agency_names)):
        field = User._meta.get_field(name)
        values = row[start : start + len(related_names)]
        start += len(related_names)
        related = (
            None if values[0] is None else field.related_model.from_db(db, related_names, values)
        )
        field.set_cached_value(user, related)
    group_ids, group_names, perms = row[start:]
    user._group_rows_cache = list(zip(group_ids, group_names, strict=True))
    user._groups_read_with_user = True
    if perms is not None and user.is_active:
        user._perm_cache = set(perms)
    return user


class CaseDataModelBackend(ModelBackend):
    """Django's model backend, except that a superuser holds case-data permissions only
    through their groups and own grants, like everyone else.

    Three reads Django makes on every page are one here: the signed-in user comes with their
    team and agency (the page header names them) and, on PostgreSQL, their groups (their
    roles: the navigation); the role-wide permissions are read in one query, the user's own
    and their groups' (a UNION), where Django reads each apart."""

    def get_user(self, user_id):
        if connection.vendor == "postgresql":
            user = _read_signed_in_user(user_id)
        else:  # the embedded demo's SQLite: the ORM, the groups read when first asked for
            User = get_user_model()
            try:
                user = User._default_manager.select_related("team", "agency").get(pk=user_id)
            except (User.DoesNotExist, ValueError, TypeError):
                user = None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser or hasattr(user_obj, "_perm_cache"):
            return super().get_all_permissions(user_obj, obj)
        columns = ("content_type__app_label", "codename")
        own = self._get_user_permissions(user_obj).values_list(*columns).order_by()
        groups = self._get_group_permissions(user_obj).values_list(*columns).order_by()
        user_obj._perm_cache = {f"{app}.{codename}" for app, codename in own.union(groups)}
        return user_obj._perm_cache

    def _get_permissions(self, user_obj, obj, from_name):
        cache = f"_{from_name}_perm_cache"
        if (
            user_obj.is_active
            and user_obj.is_superuser
            and obj is None
            and not hasattr(user_obj, cache)
        ):
            held = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            held = {f"{a}.{c}" for a, c in held.values_list("content_type__app_label", "codename")}
            every = Permission.objects.values_list("content_type__app_label", "codename")
            setattr(
                user_obj,
                cache,
                held | {f"{a}.{c}" for a, c in every if not is_case_data(f"{a}.{c}")},
            )
        return super()._get_permissions(user_obj, obj, from_name)


# A page asks several questions of one record (may this user view the contact, change it,
# oversee it, correct it, decide its duplicates...). guardian answers each with a new checker
# and two queries; a checker already remembers every permission the user holds on a record, so
# one per user for the whole request answers them all from the first two queries. Only for
# GET and HEAD: a page that only reads writes no grant, so nothing it asks can go stale.
_request_checkers: ContextVar[dict[tuple[str, int], object] | None] = ContextVar(
    "object_permission_checkers", default=None
)


def request_cached(name: str, user, compute):
    """`compute()`, remembered for this user until the end of a GET or HEAD request (computed
    afresh outside one, or for a request that may write)."""
    cache = _request_checkers.get()
    if cache is None or getattr(user, "pk", None) is None:
        return compute()
    key = (name, user.pk)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


class ObjectPermissionCacheMiddleware:
    """One guardian checker (and one read of the groups, accounts.grants) per user while a GET
    or HEAD request is served (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_checkers.set({})
        try:
            return self.get_response(request)
        finally:
            _request_checkers.reset(token)


class CaseDataObjectPermissionBackend(ObjectPermissionBackend):
    """django-guardian's backend, except that being a superuser grants no case record."""

    def has_perm(self, user_obj, perm: str, obj: Model | None = None) -> bool:
        if obj is not None and getattr(user_obj, "is_superuser", False) and is_case_data(perm, obj):
            support, user_obj = check_support(user_obj, obj)
            if not support:
                return False
            checker = ObjectPermissionChecker(user_obj)
            codename = perm.rpartition(".")[2]
            return codename in checker.get_user_perms(obj) or codename in checker.get_group_perms(
                obj
            )
        checkers = _request_checkers.get()
        app_label = perm.rpartition(".")[0]
        if (
            checkers is None
            or obj is None
            or getattr(user_obj, "pk", None) is None
            or (app_label and app_label != obj._meta.app_label)
        ):
            return super().has_perm(user_obj, perm, obj)
        support, user_obj = check_support(user_obj, obj)
        if not support:
            return False
        checker = request_cached("checker", user_obj, lambda: OneReadChecker(user_obj))
        return checker.has_perm(perm, obj)


class OneReadChecker(ObjectPermissionChecker):
    """guardian's checker, reading what a user holds on a record, themselves and through their
    groups, in one query (a UNION of guardian's two) instead of two. guardian keeps the two
    apart to avoid one slow OR over both; a UNION is still two index lookups."""

    def get_perms(self, obj: Model) -> list[str]:
        if (
            not self.user
            or not self.user.is_active
            or self.user.is_superuser
            or guardian_settings.AUTO_PREFETCH
        ):
            return super().get_perms(obj)
        key = self.get_local_cache_key(obj)
        if key not in self._obj_perms_cache:
            own = self.get_user_perms(obj).order_by()
            groups = self.get_group_perms(obj).order_by()
            self._obj_perms_cache[key] = list(set(own.union(groups)))
        return self._obj_perms_cache[key]


class BreakGlassBackend:
    """Read-only access to every case record while the user's break glass is active."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj: Model | None = None) -> bool:
        if not (getattr(user_obj, "is_active", False) and getattr(user_obj, "is_staff", False)):
            return False
        if not (is_case_data(perm, obj) and is_read(perm)):
            return False
        from .break_glass import active_break_glass

        return active_break_glass(user_obj) is not None

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if app_label not in settings.CASE_DATA_APPS:
            return False
        return self.has_perm(user_obj, f"{app_label}.view_")


# --- Checking a permission on one record: the one rule every app's access module builds on.


def codenames(model: type[Model]) -> frozenset[str]:
    """Every permission codename Django creates for the model (default and Meta.permissions)."""
    opts = model._meta
    return frozenset(
        [f"{action}_{opts.model_name}" for action in opts.default_permissions]
        + [codename for codename, _ in opts.permissions]
    )


def codename_for(model: type[Model], perm: str) -> str:
    """The bare codename of `perm` ("change_contact" or "referrals.change_contact"); a name the
    model does not define raises ValueError, so a typo is an error rather than no check."""
    app_label, _, codename = perm.rpartition(".")
    if (app_label and app_label != model._meta.app_label) or codename not in codenames(model):
        raise ValueError(f"{perm!r} is not a permission on {model._meta.label}")
    return codename


def holds(user, perm: str, obj: Model | None, model: type[Model]) -> bool:
    """A role-wide (model-level) permission, or one granted on this object to the user or one of
    their groups. With no object, only the role-wide permission counts."""
    dotted = f"{model._meta.app_label}.{codename_for(model, perm)}"
    return user.has_perm(dotted) or (obj is not None and user.has_perm(dotted, obj))
