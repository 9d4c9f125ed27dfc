"""Being a superuser configures the service; it does not open case files.

Django and django-guardian answer every permission question True for a superuser. Here
case-data permissions (settings.CASE_DATA_APPS, CASE_DATA_MODELS) are judged for a superuser
exactly as for anyone else: by the roles and object permissions they hold. On top of that an
administrator with an active break glass (accounts.break_glass) may READ case data, never
write it. See docs/adr/0009-every-read-is-logged.md.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Model, OuterRef
from django.db.models.functions import JSONObject
from guardian.backends import ObjectPermissionBackend, check_support
from guardian.conf import settings as guardian_settings
from guardian.core import ObjectPermissionChecker

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


class CaseDataModelBackend(ModelBackend):
    """Django's model backend, except that a superuser holds case-data permissions only
    through their groups and own grants, like everyone else.

    Three reads Django makes on every page are one here: the signed-in user comes with their
    team and agency (the page header names them) and, on PostgreSQL, their groups (their
    roles: the navigation); the role-wide permissions are read in one query, the user's own
    and their groups' (a UNION), where Django reads each apart."""

    def get_user(self, user_id):
        User = get_user_model()
        users = User._default_manager.select_related("team", "agency")
        if connection.vendor == "postgresql":  # the embedded demo's SQLite reads them apart
            groups = Group.objects.filter(user=OuterRef("pk")).order_by("pk")
            users = users.annotate(
                group_rows=ArraySubquery(groups.values(row=JSONObject(pk="pk", name="name")))
            )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if hasattr(user, "group_rows"):
            user._group_rows_cache = [(row["pk"], row["name"]) for row in user.group_rows]
            user._groups_read_with_user = True
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
