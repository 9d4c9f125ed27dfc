"""Reference data the data migrations write, and putting it back after a transactional test's
flush (tests/conftest.py) or where a persona needs a council profile (tests/personas.py)."""

import importlib

from django.apps import apps

# Migrations whose RunPython writes reference data the service needs (profiles, thresholds,
# partner agencies, retention rules, message templates): a transactional test's flush empties
# them, so they are replayed in this order afterwards. Every RunPython migration must be listed
# here or in NOT_REFERENCE_DATA (tests/test_reference_data_replayed.py checks).
REFERENCE_DATA_MIGRATIONS = (
    ("thresholds", "0002_seed_profiles"),
    ("thresholds", "0005_profile_data"),
    ("thresholds", "0006_threshold_table"),
    ("thresholds", "0008_early_help_front_doors"),
    ("thresholds", "0009_adult_youth_and_domestic_abuse_services"),
    ("thresholds", "0011_councilprofile_la_code"),
    ("thresholds", "0013_councilprofile_service_name"),
    ("thresholds", "0015_screening_clock_from_receipt"),
    ("thresholds", "0016_disagreement_clock"),
    ("privacy", "0003_retention_rules_reviews_tombstones"),
    ("accounts", "0009_seed_message_templates"),
)
# Migrations that transform rows already there or that post_migrate re-creates (role and agency
# groups): nothing to replay after a flush.
NOT_REFERENCE_DATA = (
    ("accounts", "0002_seed_role_groups"),
    ("accounts", "0007_agency_groups"),
    ("early_help", "0003_copy_object_permissions"),
    ("mash", "0005_copy_object_permissions"),
    ("mash", "0009_strategy_discussions_disagreements_handovers_inbox_urgency"),
    ("referrals", "0003_recompute_matching_keys"),
    ("referrals", "0010_copy_object_permissions"),
    ("referrals", "0019_backfill_person_search_keys"),
    ("referrals", "0026_contactperson_received_at"),
    ("thresholds", "0010_deadline_closed_and_open_once"),
    # The clocks' tally triggers (schema) and its count of the clocks already there.
    ("thresholds", "0024_deadline_tally"),
)


def seed_reference_data() -> None:
    """Reference data exactly as the data migrations ship it."""
    from django.db import migrations

    for app_label, name in REFERENCE_DATA_MIGRATIONS:
        module = importlib.import_module(f"{app_label}.migrations.{name}")
        for operation in module.Migration.operations:
            if isinstance(operation, migrations.RunPython):
                operation.code(apps, None)
    # Seeded with the real models, unlike the migration: no history rows, as after migrating.
    from accounts.models import MessageTemplate

    MessageTemplate.history.all().delete()
