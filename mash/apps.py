from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "mash"
    verbose_name = "MASH enquiries"

    def ready(self) -> None:
        # referrals sits below mash and never imports it: mash tells it what it takes.
        from core.enums import RatingOutcome
        from referrals import extensions

        from . import chronology, contact_page, services

        extensions.outcome_receiver_register(
            RatingOutcome.DAILY_DISCUSSION, services.discussion_add
        )
        extensions.contact_page_section_register(contact_page.contact_page_section)
        # Enquiries, checks, decisions and what was passed on, in a person's chronology.
        chronology.register()
