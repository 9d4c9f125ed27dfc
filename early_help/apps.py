from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "early_help"
    verbose_name = "Early help"

    def ready(self) -> None:
        # Early help decisions and family work, in a person's chronology (referrals.chronology).
        from . import chronology

        chronology.register()
