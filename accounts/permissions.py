"""Checking a permission on one record: the one rule every app's access module builds on."""

from django.db.models import Model


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
