from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kit: GOV.UK forms and template filters, and the value sets apps share. No models."""

    name = "core"
    verbose_name = "Shared kit"

    def ready(self) -> None:
        from django.db.models import Field
        from django.db.models.fields.related import ForeignObject

        from .db import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
