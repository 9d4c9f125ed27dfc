from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the demo tests (`python manage.py seed_demo`), and the
    scale generator (`generate_council`; its runs are the app's one model). Nothing in the
    product imports it."""

    name = "demo"
    verbose_name = "Demo data"
