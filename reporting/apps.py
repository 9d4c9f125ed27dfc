from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Management information for managers: figures for a period, the quarterly and six-monthly
    reports, and exports. Reads every domain app; nothing below imports it."""

    name = "reporting"
    verbose_name = "Management information and reports"
