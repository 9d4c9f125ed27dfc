from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kit: GOV.UK forms and template filters, and the value sets apps share. No models."""

    name = "core"
    verbose_name = "Shared kit"
