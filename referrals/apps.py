from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Contacts and people"

    def ready(self) -> None:
        # The front door's own entries in a person's chronology (mash and early_help add theirs).
        from . import chronology_sources

        chronology_sources.register()
