from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the demo tests (`python manage.py seed_demo`). No models;
    nothing in the product imports it."""

    name = "demo"
    verbose_name = "Demo data"
