from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users, roles and teams"

    def ready(self) -> None:
        # Permissions exist only once each app has migrated, so role groups get their
        # permissions after every app's migrate (the groups themselves come from a data migration).
        post_migrate.connect(_sync_after_migrate, dispatch_uid="accounts.sync_role_permissions")
        # Migrate and flush may create permissions anew, with new ids (accounts.grants).
        from .grants import forget_permission_ids

        post_migrate.connect(forget_permission_ids, dispatch_uid="accounts.forget_permission_ids")
        from .reads import connect_logged_models

        connect_logged_models()
        # Signal receivers: session records and the per-account sign-in limit.
        from . import lockout, sessions  # noqa: F401


def _sync_after_migrate(sender, using="default", **kwargs):
    """Once per migrate (or flush), after the last app's permissions exist: post_migrate is
    sent once for each app, in order."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is not with_models[-1]:
        return
    from .roles import sync_role_permissions

    sync_role_permissions(using=using)
