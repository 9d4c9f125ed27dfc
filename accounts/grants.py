"""Queues filtered by object permissions, in a shape PostgreSQL can serve from indexes.

Every record type that carries object permissions has django-guardian's direct foreign-key
tables (`<Model>UserObjectPermission` / `<Model>GroupObjectPermission`), so `assign_perm`,
`remove_perm`, `has_perm(perm, obj)` and `get_objects_for_user` already read and write real
foreign keys. `get_objects_for_user` still filters with `pk IN (user grants) OR pk IN (group
grants)` joined through auth_permission and the user's groups: PostgreSQL hashes every grant
and scans the whole record table. `granted` probes the grants of each candidate row by index
instead (see `grant_filter`, docs/adr/0011-indexable-grants.md and
benchmarks/grants_benchmark.py for the plans at 500,000 contacts).
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .permissions import request_cached


def _direct_models(model: type[Model]) -> tuple[type[Model], type[Model]]:
    user_model = get_user_obj_perms_model(model)
    group_model = get_group_obj_perms_model(model)
    for direct in (user_model, group_model):
        if direct.objects.is_generic():
            raise ImproperlyConfigured(
                f"{model._meta.label} has no direct object permission tables: a queue over it "
                "cannot use an index (add <Model>UserObjectPermission/GroupObjectPermission)."
            )
    assert issubclass(user_model, UserObjectPermissionBase)
    assert issubclass(group_model, GroupObjectPermissionBase)
    return user_model, group_model


# A permission's id never changes while its row exists; rows are created by migrate (and, in
# tests, again after a flush), never deleted while the service runs. Remembered per process,
# forgotten whenever migrate or flush runs (accounts.apps), as Django does for content types:
# a grant filter with a constant, not a subquery, is a fixed part of many pages' SQL, and
# building that subquery into each of them cost about 0.6 ms of Python a filter.
_permission_ids: dict[tuple[str, str, str], int] = {}


def permission_id(app_label: str, model_name: str, codename: str) -> int | None:
    key = (app_label, model_name, codename)
    if key not in _permission_ids:
        pk = (
            Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model_name,
                codename=codename,
            )
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        _permission_ids[key] = pk
    return _permission_ids[key]


def forget_permission_ids(**kwargs) -> None:
    _permission_ids.clear()


def _group_ids(user) -> list[int]:
    """The user's groups, read once for the grant filters and the roles (accounts.User);
    anyone else (an anonymous user) by their groups manager."""
    if hasattr(user, "read_group_ids"):
        return user.read_group_ids()
    return list(user.groups.values_list("pk", flat=True))


def group_ids(user) -> list[int]:
    """The user's group ids, read once while a GET or HEAD request is served (the signed-in
    user's came with them: accounts.User.read_group_ids)."""
    return request_cached("group_ids", user, lambda: _group_ids(user))


def grant_filter(user, perm: str, model: type[Model], *, on: str = "pk", many: bool = False) -> Q:
    """`model` rows on which `user` holds `perm` ("app_label.codename") through an object
    permission of their own or of one of their groups, as a filter for a queryset of `model`;
    or, with `on` (a foreign key's column, "contact_id"), a filter for rows of another model
    whose `on` points at such a record (a dashboard's clocks, each probed on its contact).

    One correlated EXISTS probing both grant tables, each by its index on the record: the
    queue's own filter (a status, a team, an ordering index) picks the few rows to look at and
    each is checked by index, instead of hashing every grant the user's groups hold (the early
    help duty managers' group holds one per green contact ever routed to them). The user's
    groups are read first so the planner sees constants, not a join it cannot estimate.

    `many`: the caller reads every candidate row, with no page to stop at (a dashboard's
    counts over every open clock), so hashing the grants once may be cheaper than a probe per
    row; PostgreSQL is left to choose."""
    app_label, _, codename = perm.rpartition(".")
    if app_label != model._meta.app_label:
        raise ValueError(f"{perm} is not a permission on {model._meta.label}")
    user_model, group_model = _direct_models(model)
    permission = permission_id(app_label, model._meta.model_name, codename)
    if permission is None:  # not created yet (before the app's migrate): nobody holds it
        return Q(pk__in=[])
    mine = user_model.objects.filter(
        content_object=OuterRef(on), user_id=user.pk, permission_id=permission
    )
    # A page filters several lists by grants (a person page: one per chronology source).
    groups = group_ids(user)
    if not groups:
        return Q(Exists(mine))
    theirs = group_model.objects.filter(
        content_object=OuterRef(on), group_id__in=groups, permission_id=permission
    )
    if many:
        # Every candidate is read (a count over all open clocks): PostgreSQL may hash the
        # grants once, which beats 100,000 probes.
        return Q(Exists(mine)) | Q(Exists(theirs))
    # One EXISTS over both tables, not `EXISTS (mine) OR EXISTS (theirs)`: PostgreSQL turns an
    # OR'd EXISTS into a hashed subplan whenever it expects many candidate rows (a worker's
    # 12,000 contacts, a team's 200,000), ignoring the page's LIMIT, and so hashed every grant
    # the user's groups hold (280,000 for a team manager: 170 ms) before reading one row. A
    # UNION ALL cannot be hashed: each candidate is probed by index, and a page stops after
    # its rows.
    return Q(Exists(mine.values("pk").union(theirs.values("pk"), all=True)))


def granted(user, perm: str, queryset: QuerySet, *, accept_global_perms: bool = True) -> QuerySet:
    """The rows of `queryset` the user may see with `perm`: all of them for a role-wide
    (model-level) permission unless `accept_global_perms` is False, else those granted to the
    user or their groups. Inactive and anonymous users get none."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if accept_global_perms and user.has_perm(perm):
        return queryset
    return queryset.filter(grant_filter(user, perm, queryset.model))
