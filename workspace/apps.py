from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """Pages that gather one user's work from every app: navigation, the work tray, the
    overdue dashboard. The only app allowed to know all the domain apps at once. No models."""

    name = "workspace"
    verbose_name = "Workspace"
