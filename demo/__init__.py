"""Demo data: a generated borough of families and the contacts that walk them through every
queue, for `make run` and for trying the service. Product apps never import this package.

- `demo.management.commands.seed_demo`: the command (`python manage.py seed_demo`).
- `demo.families`, `demo.scenarios`, `demo.contacts`: people, the scenario table, and logging
  and rating each scenario's contact.
- `demo.mash`, `demo.early_help`: MASH enquiries and early help work for the seeded contacts.
"""
