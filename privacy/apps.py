from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: retention and destruction, legal holds, subject access."""

    name = "privacy"
    verbose_name = "Data protection"
