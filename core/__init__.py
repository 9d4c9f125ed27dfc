"""The bottom layer: what every app builds on and which imports no app of this project.

- `core.forms`: the GOV.UK form kit (`GovukForm`, yes/no, email, time and NHS number fields,
  `add_service_errors`).
- `core.enums`: value sets more than one app speaks (RAG, rating outcome, yes/no/not known,
  borderline reasons).
- `core.templatetags.govuk`: dates, times and numbers the GOV.UK way (a template builtin).

The layers are written down in docs/adr/0010-layers.md and enforced by import-linter
(`lint-imports`, run by `make test`).
"""
