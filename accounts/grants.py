"""Queues filtered by object permissions, in a shape PostgreSQL can serve from indexes.

Every record type that carries object permissions has django-guardian's direct foreign-key
tables (`<Model>UserObjectPermission` / `<Model>GroupObjectPermission`), so `assign_perm`,
`remove_perm`, `has_perm(perm, obj)` and `get_objects_for_user` already read and write real
foreign keys. `get_objects_for_user` still filters with `pk IN (user grants) OR pk IN (group
grants)`, and an OR of two subqueries makes PostgreSQL scan the whole record table and probe
both. `granted` asks one question instead, `pk IN (user grants UNION group grants)`, which the
planner answers from the grant tables' (holder, permission, record) unique indexes and the
record's primary key. See docs/adr/0009-indexable-grants.md and benchmarks/grants_benchmark.py.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


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


def granted_ids(user, perm: str, model: type[Model]) -> QuerySet:
    """The ids of `model` rows on which `user` holds `perm` ("app_label.codename") through an
    object permission of their own or of one of their groups: a subquery, not a list."""
    app_label, codename = perm.split(".")
    if app_label != model._meta.app_label:
        raise ValueError(f"{perm} is not a permission on {model._meta.label}")
    user_model, group_model = _direct_models(model)
    mine = user_model.objects.filter(user=user, permission__codename=codename)
    theirs = group_model.objects.filter(group__user=user, permission__codename=codename)
    return mine.values("content_object_id").union(theirs.values("content_object_id"))


def granted(user, perm: str, queryset: QuerySet, *, accept_global_perms: bool = True) -> QuerySet:
    """The rows of `queryset` the user may see with `perm`: all of them for a role-wide
    (model-level) permission unless `accept_global_perms` is False, else those granted to the
    user or their groups. Inactive and anonymous users get none."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if accept_global_perms and user.has_perm(perm):
        return queryset
    return queryset.filter(pk__in=granted_ids(user, perm, queryset.model))
