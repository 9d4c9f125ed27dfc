"""The top domain layer: pages that gather one user's work from every app.

- `workspace.views`: home (each role to its queue) and the work tray.
- `workspace.dashboard`: the overdue dashboard (clocks on the contacts a manager may see).
- `workspace.context_processors`: the service navigation.
"""
